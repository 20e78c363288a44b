package io.kerasregistry.expression;

import io.kerasregistry.expression.Expression.Binary;
import io.kerasregistry.expression.Expression.Call;
import io.kerasregistry.expression.Expression.Literal;
import io.kerasregistry.expression.Expression.Name;
import io.kerasregistry.expression.Expression.Negate;
import io.kerasregistry.expression.Expression.Operator;
import io.kerasregistry.expression.Lexer.Kind;
import io.kerasregistry.expression.Lexer.Token;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Reads the expression language. The grammar, from loosest to tightest binding:
 *
 * <pre>
 * expression     = additive [ comparison additive ]        (comparisons do not chain)
 * comparison     = "&lt;" | "&lt;=" | "&gt;" | "&gt;=" | "==" | "!="
 * additive       = multiplicative { ( "+" | "-" ) multiplicative }       (left-associative)
 * multiplicative = unary { ( "*" | "/" ) unary }                         (left-associative)
 * unary          = "-" unary | power
 * power          = primary [ "^" unary ]                   (right-associative: 2^3^2 = 2^9)
 * primary        = number | name | name "(" [ expression { "," expression } ] ")" | "(" expression ")"
 * number         = digits [ "." [ digits ] ] [ exponent ] | "." digits [ exponent ]
 * exponent       = ( "e" | "E" ) [ "+" | "-" ] digits
 * name           = ( letter | "_" ) { letter | digit | "_" }                 (ASCII, case-sensitive)
 * </pre>
 *
 * <p>As in Python's {@code **}, {@code ^} binds tighter than a unary minus on its left and accepts
 * one on its right: {@code -x^2} is {@code -(x^2)} and {@code 2^-1} is {@code 0.5}. Spaces, tabs and
 * line breaks between tokens are ignored. There is no unary plus, no implicit multiplication
 * ({@code 2x}) and no other syntax: no strings, attributes, indexing, assignments or lambdas.
 *
 * <p>The parser only builds the tree. Which names are functions, which is the tensor and which are
 * config values is decided by {@link Expression#check}.
 *
 * <p>Limits, each refused with an {@link ExpressionException} before any work grows with it:
 * {@value #MAX_LENGTH} characters; a tree at most {@value #MAX_DEPTH} levels deep (a long chain such
 * as {@code 1+1+1+...} is as deep as it is long); at most {@value #MAX_NESTING} parentheses, calls,
 * minus signs and exponents inside one another; and {@value #MAX_NODES} numbers, names, operators
 * and calls. The parser recurses once per such nesting, so no input can overflow the stack. The
 * nesting limit is twice the depth limit so that the fully parenthesized {@link Expression#toString()}
 * of every accepted tree, where {@code -a} becomes {@code (-a)}, is accepted too.
 */
public final class ExpressionParser {

    /** Longest expression, in characters. */
    public static final int MAX_LENGTH = 2000;
    /** Deepest tree: a number or a name is one level, {@code -x} two. */
    public static final int MAX_DEPTH = 64;
    /** Deepest nesting of parentheses, calls, minus signs and exponents, redundant parentheses included. */
    public static final int MAX_NESTING = 2 * MAX_DEPTH;
    /** Most numbers, names, operators and calls in one expression. */
    public static final int MAX_NODES = 256;

    private final List<Token> tokens;
    private int position;
    private int nesting;
    private int nodes;

    private ExpressionParser(List<Token> tokens) {
        this.tokens = tokens;
    }

    /**
     * Parses an expression.
     *
     * @throws ExpressionException naming the column and what was expected, e.g.
     *                             {@code at column 7: expected ')' but found end of expression}
     */
    public static Expression parse(String source) throws ExpressionException {
        if (source.length() > MAX_LENGTH) {
            throw new ExpressionException(0, "the expression is " + source.length()
                    + " characters long; at most " + MAX_LENGTH + " are allowed");
        }
        ExpressionParser parser = new ExpressionParser(Lexer.tokenize(source));
        if (parser.peek().kind() == Kind.END) {
            throw new ExpressionException(parser.peek().column(), "expected an expression but found end of expression");
        }
        Node root = parser.expression();
        Token rest = parser.peek();
        if (rest.kind() != Kind.END) {
            throw parser.expectedOperator(rest);
        }
        return root.expression();
    }

    /** A subtree and its height, which the records do not carry. */
    private record Node(Expression expression, int height) {
    }

    private Node expression() throws ExpressionException {
        Node left = additive();
        Operator comparison = comparison(peek());
        if (comparison == null) {
            return left;
        }
        Token operator = next();
        Node right = additive();
        if (comparison(peek()) != null) {
            throw new ExpressionException(peek().column(), "comparisons cannot be chained; add parentheses, "
                    + "or multiply the results: (a < b) * (b < c)");
        }
        return binary(comparison, left, right, operator);
    }

    private Node additive() throws ExpressionException {
        Node left = multiplicative();
        while (peek().kind() == Kind.PLUS || peek().kind() == Kind.MINUS) {
            Token operator = next();
            Node right = multiplicative();
            left = binary(operator.kind() == Kind.PLUS ? Operator.ADD : Operator.SUBTRACT, left, right, operator);
        }
        return left;
    }

    private Node multiplicative() throws ExpressionException {
        Node left = unary();
        while (peek().kind() == Kind.STAR || peek().kind() == Kind.SLASH) {
            Token operator = next();
            Node right = unary();
            left = binary(operator.kind() == Kind.STAR ? Operator.MULTIPLY : Operator.DIVIDE, left, right, operator);
        }
        return left;
    }

    private Node unary() throws ExpressionException {
        if (peek().kind() != Kind.MINUS) {
            return power();
        }
        Token minus = next();
        enter(minus);
        Node operand = unary();
        nesting--;
        return node(new Negate(operand.expression(), minus.column()), operand.height() + 1, minus);
    }

    private Node power() throws ExpressionException {
        Node base = primary();
        if (peek().kind() != Kind.CARET) {
            return base;
        }
        Token caret = next();
        enter(caret);
        Node exponent = unary();
        nesting--;
        return binary(Operator.POWER, base, exponent, caret);
    }

    private Node primary() throws ExpressionException {
        Token token = next();
        switch (token.kind()) {
            case NUMBER:
                return node(new Literal(Double.parseDouble(token.text()), token.column()), 1, token);
            case NAME:
                if (peek().kind() == Kind.LEFT_PAREN) {
                    return call(token);
                }
                return node(new Name(token.text(), token.column()), 1, token);
            case LEFT_PAREN:
                enter(token);
                Node inner = expression();
                nesting--;
                expect(Kind.RIGHT_PAREN, "')'");
                return inner;
            default:
                throw new ExpressionException(token.column(),
                        "expected a number, a name, '(' or '-' but found " + token.describe());
        }
    }

    private Node call(Token name) throws ExpressionException {
        next();
        enter(name);
        List<Expression> arguments = new ArrayList<>();
        int height = 0;
        if (peek().kind() == Kind.RIGHT_PAREN) {
            next();
        } else {
            while (true) {
                Node argument = expression();
                arguments.add(argument.expression());
                height = Math.max(height, argument.height());
                if (peek().kind() == Kind.RIGHT_PAREN) {
                    next();
                    break;
                }
                expect(Kind.COMMA, "',' or ')'");
            }
        }
        nesting--;
        return node(new Call(name.text(), arguments, name.column()), height + 1, name);
    }

    private Node binary(Operator operator, Node left, Node right, Token token) throws ExpressionException {
        return node(new Binary(operator, left.expression(), right.expression(), token.column()),
                Math.max(left.height(), right.height()) + 1, token);
    }

    private Node node(Expression expression, int height, Token token) throws ExpressionException {
        if (height > MAX_DEPTH) {
            throw new ExpressionException(token.column(), "the expression nests deeper than " + MAX_DEPTH + " levels");
        }
        if (++nodes > MAX_NODES) {
            throw new ExpressionException(token.column(), "the expression is too large: more than " + MAX_NODES
                    + " numbers, names, operators and calls");
        }
        return new Node(expression, height);
    }

    /** Guards every recursive descent, so the Java stack stays shallow whatever the input. */
    private void enter(Token token) throws ExpressionException {
        if (++nesting > MAX_NESTING) {
            throw new ExpressionException(token.column(), "the expression nests deeper than " + MAX_NESTING
                    + " parentheses, calls, minus signs and exponents");
        }
    }

    private void expect(Kind kind, String what) throws ExpressionException {
        Token token = next();
        if (token.kind() != kind) {
            throw new ExpressionException(token.column(), "expected " + what + " but found " + token.describe());
        }
    }

    private ExpressionException expectedOperator(Token found) {
        Kind kind = found.kind();
        String hint = kind == Kind.NAME || kind == Kind.NUMBER || kind == Kind.LEFT_PAREN
                ? " (multiplication is written with '*', as in 2 * x)"
                : "";
        return new ExpressionException(found.column(),
                "expected an operator or end of expression but found " + found.describe() + hint);
    }

    private static @Nullable Operator comparison(Token token) {
        switch (token.kind()) {
            case LESS:
                return Operator.LESS;
            case LESS_OR_EQUAL:
                return Operator.LESS_OR_EQUAL;
            case GREATER:
                return Operator.GREATER;
            case GREATER_OR_EQUAL:
                return Operator.GREATER_OR_EQUAL;
            case EQUAL:
                return Operator.EQUAL;
            case NOT_EQUAL:
                return Operator.NOT_EQUAL;
            default:
                return null;
        }
    }

    private Token peek() {
        return tokens.get(position);
    }

    private Token next() {
        Token token = tokens.get(position);
        if (token.kind() != Kind.END) {
            position++;
        }
        return token;
    }
}
