package io.kerasregistry.expression;

import java.util.ArrayList;
import java.util.List;

/** Splits an expression into tokens. Recognizes only what the grammar allows, so nothing odd reaches the parser. */
final class Lexer {

    enum Kind {
        NUMBER, NAME, PLUS, MINUS, STAR, SLASH, CARET, LEFT_PAREN, RIGHT_PAREN, COMMA,
        LESS, LESS_OR_EQUAL, GREATER, GREATER_OR_EQUAL, EQUAL, NOT_EQUAL, END
    }

    /** A token; {@code column} is 1-based. */
    record Token(Kind kind, String text, int column) {

        /** How a message names this token: {@code name 'foo'}, {@code ')'}, {@code end of expression}. */
        String describe() {
            switch (kind) {
                case END:
                    return "end of expression";
                case NUMBER:
                    return "number " + text;
                case NAME:
                    return "name '" + text + "'";
                default:
                    return "'" + text + "'";
            }
        }
    }

    private final String source;
    private final List<Token> tokens = new ArrayList<>();
    private int i;

    private Lexer(String source) {
        this.source = source;
    }

    static List<Token> tokenize(String source) throws ExpressionException {
        Lexer lexer = new Lexer(source);
        lexer.run();
        return lexer.tokens;
    }

    private void run() throws ExpressionException {
        while (i < source.length()) {
            char c = source.charAt(i);
            int column = i + 1;
            if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
                i++;
            } else if (isDigit(c) || (c == '.' && i + 1 < source.length() && isDigit(source.charAt(i + 1)))) {
                number();
            } else if (isNameStart(c)) {
                int start = i;
                while (i < source.length() && isNamePart(source.charAt(i))) {
                    i++;
                }
                tokens.add(new Token(Kind.NAME, source.substring(start, i), column));
            } else {
                symbol(c, column);
            }
        }
        tokens.add(new Token(Kind.END, "", source.length() + 1));
    }

    private void number() throws ExpressionException {
        int start = i;
        skipDigits();
        if (i < source.length() && source.charAt(i) == '.') {
            i++;
            skipDigits();
        }
        if (i < source.length() && (source.charAt(i) == 'e' || source.charAt(i) == 'E')) {
            int exponent = i + 1;
            if (exponent < source.length() && (source.charAt(exponent) == '+' || source.charAt(exponent) == '-')) {
                exponent++;
            }
            if (exponent >= source.length() || !isDigit(source.charAt(exponent))) {
                throw new ExpressionException(start + 1, "malformed number '" + source.substring(start, Math.min(exponent, source.length()))
                        + "': the exponent needs digits, as in 1e-3");
            }
            i = exponent;
            skipDigits();
        }
        String text = source.substring(start, i);
        // Safe: the text is digits, at most one '.', and an exponent, which parseDouble always accepts.
        double value = Double.parseDouble(text);
        if (Double.isInfinite(value)) {
            throw new ExpressionException(start + 1, "number " + text + " is too large");
        }
        tokens.add(new Token(Kind.NUMBER, text, start + 1));
    }

    private void symbol(char c, int column) throws ExpressionException {
        char next = i + 1 < source.length() ? source.charAt(i + 1) : '\0';
        switch (c) {
            case '+':
                add(Kind.PLUS, "+", column);
                break;
            case '-':
                add(Kind.MINUS, "-", column);
                break;
            case '*':
                if (next == '*') {
                    throw new ExpressionException(column, "'**' is not an operator here; write powers with '^', as in x ^ 2");
                }
                add(Kind.STAR, "*", column);
                break;
            case '/':
                add(Kind.SLASH, "/", column);
                break;
            case '^':
                add(Kind.CARET, "^", column);
                break;
            case '(':
                add(Kind.LEFT_PAREN, "(", column);
                break;
            case ')':
                add(Kind.RIGHT_PAREN, ")", column);
                break;
            case ',':
                add(Kind.COMMA, ",", column);
                break;
            case '<':
                if (next == '=') {
                    add(Kind.LESS_OR_EQUAL, "<=", column);
                } else {
                    add(Kind.LESS, "<", column);
                }
                break;
            case '>':
                if (next == '=') {
                    add(Kind.GREATER_OR_EQUAL, ">=", column);
                } else {
                    add(Kind.GREATER, ">", column);
                }
                break;
            case '=':
                if (next != '=') {
                    throw new ExpressionException(column, "'=' is not an operator; compare with '=='");
                }
                add(Kind.EQUAL, "==", column);
                break;
            case '!':
                if (next != '=') {
                    throw new ExpressionException(column, "unexpected character '!'; 'not equal' is written '!='");
                }
                add(Kind.NOT_EQUAL, "!=", column);
                break;
            default:
                throw unexpected(c, column);
        }
    }

    private ExpressionException unexpected(char c, int column) {
        if (c == '.' && !tokens.isEmpty() && tokens.get(tokens.size() - 1).kind() == Kind.NAME) {
            return new ExpressionException(column, "unexpected '.' after '" + tokens.get(tokens.size() - 1).text()
                    + "': names have no parts, and functions are called without a module, as in abs(w)");
        }
        return new ExpressionException(column, "unexpected character " + quote(source.codePointAt(i)));
    }

    /** Printable ASCII as itself; anything else (control characters, other scripts) by its code point. */
    private static String quote(int codePoint) {
        if (codePoint >= 0x21 && codePoint < 0x7f) {
            return "'" + (char) codePoint + "'";
        }
        return String.format("U+%04X", codePoint);
    }

    private void add(Kind kind, String text, int column) {
        tokens.add(new Token(kind, text, column));
        i += text.length();
    }

    private void skipDigits() {
        while (i < source.length() && isDigit(source.charAt(i))) {
            i++;
        }
    }

    // Character.isDigit would let other scripts' digits through, which parseDouble refuses.
    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static boolean isNameStart(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
    }

    private static boolean isNamePart(char c) {
        return isNameStart(c) || isDigit(c);
    }
}
