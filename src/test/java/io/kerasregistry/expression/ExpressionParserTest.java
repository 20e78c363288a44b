package io.kerasregistry.expression;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kerasregistry.expression.Expression.Binary;
import io.kerasregistry.expression.Expression.Call;
import io.kerasregistry.expression.Expression.Literal;
import io.kerasregistry.expression.Expression.Name;
import io.kerasregistry.expression.Expression.Negate;
import io.kerasregistry.expression.Expression.Operator;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ExpressionParserTest {

    static Expression parse(String source) throws ExpressionException {
        return ExpressionParser.parse(source);
    }

    static String message(String source) {
        try {
            Expression e = parse(source);
            throw new AssertionError("expected '" + source + "' to be refused, got " + e);
        } catch (ExpressionException e) {
            return e.getMessage();
        }
    }

    @Nested
    class PrecedenceAndAssociativity {

        @ParameterizedTest(name = "{0}  =>  {1}")
        @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
                "1 + 2 * 3            | (1 + (2 * 3))",
                "1 * 2 + 3            | ((1 * 2) + 3)",
                "1 - 2 - 3            | ((1 - 2) - 3)",
                "8 / 4 / 2            | ((8 / 4) / 2)",
                "8 / 4 * 2            | ((8 / 4) * 2)",
                "2 ^ 3 ^ 2            | (2 ^ (3 ^ 2))",
                "-x ^ 2               | (-(x ^ 2))",
                "2 ^ -1               | (2 ^ (-1))",
                "-2 ^ -x ^ 2          | (-(2 ^ (-(x ^ 2))))",
                "2 * x ^ 2 / 3        | ((2 * (x ^ 2)) / 3)",
                "x ^ 2 * 3            | ((x ^ 2) * 3)",
                "(2 ^ 3) ^ 2          | ((2 ^ 3) ^ 2)",
                "(-x) ^ 2             | ((-x) ^ 2)",
                "a * -b               | (a * (-b))",
                "a - -b               | (a - (-b))",
                "--x                  | (-(-x))",
                "-a * b               | ((-a) * b)",
                "(1 + 2) * 3          | ((1 + 2) * 3)",
                "((x))                | x",
                "x < 1 + 2            | (x < (1 + 2))",
                "-x >= 2 * y          | ((-x) >= (2 * y))",
                "(x < 1) < 2          | ((x < 1) < 2)",
                "x == 1               | (x == 1)",
                "x != 1               | (x != 1)",
                "x <= 1               | (x <= 1)",
                "x > 1                | (x > 1)",
                "where(x > 0, x, 0.01 * x) | where((x > 0), x, (0.01 * x))",
                "max(a, b)            | max(a, b)",
                "f()                  | f()",
                "factor * sum(abs(w)) | (factor * sum(abs(w)))",
                "x * sigmoid(1.702 * x) | (x * sigmoid((1.702 * x)))",
                "\" \t\n x \r\n+1 \"  | (x + 1)",
        })
        void readsAsPythonWould(String source, String canonical) throws ExpressionException {
            assertThat(parse(source)).hasToString(canonical);
        }

        @Test
        void aTreeRecordsTheColumnOfEachToken() throws ExpressionException {
            assertThat(parse("a + -sum(b)")).isEqualTo(new Binary(Operator.ADD, new Name("a", 1),
                    new Negate(new Call("sum", List.of(new Name("b", 10)), 6), 5), 3));
        }

        @Test
        void theCanonicalFormParsesBackToTheSameTree() throws ExpressionException {
            Expression e = parse("-x^2 + where(x > 0.5, 1e-3 * x, -2 ^ -x) / max(x, 2.5e10)");
            assertThat(parse(e.toString())).hasToString(e.toString());
        }
    }

    @Nested
    class Numbers {

        @ParameterizedTest(name = "{0} = {1}")
        @CsvSource({
                "1e-3, 0.001",
                "1E+3, 1000",
                "2.5e2, 250",
                ".5, 0.5",
                "5., 5",
                "007, 7",
                "0.000, 0",
                "1e-400, 0",
                "1.7976931348623157e308, 1.7976931348623157e308",
        })
        void decimalAndScientific(String source, double value) throws ExpressionException {
            assertThat(parse(source)).isEqualTo(new Literal(value, 1));
        }

        @Test
        void aLiteralPrintsShortly() throws ExpressionException {
            assertThat(parse("2.0 + 1e-4 + 0.5")).hasToString("((2 + 1.0E-4) + 0.5)");
        }

        @Test
        void aNumberTooLargeForADoubleIsRefused() {
            assertThat(message("x * 1e999")).isEqualTo("at column 5: number 1e999 is too large");
        }

        @Test
        void anExponentNeedsDigits() {
            assertThat(message("2 * 1e")).isEqualTo("at column 5: malformed number '1e': the exponent needs digits, as in 1e-3");
            assertThat(message("1e+x")).isEqualTo("at column 1: malformed number '1e+': the exponent needs digits, as in 1e-3");
        }
    }

    @Nested
    class Errors {

        @ParameterizedTest(name = "{0}")
        @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
                "(1 + 2          | at column 7: expected ')' but found end of expression",
                "sum(w           | at column 6: expected ',' or ')' but found end of expression",
                "sum(w x)        | at column 7: expected ',' or ')' but found name 'x'",
                "\"\"            | at column 1: expected an expression but found end of expression",
                "\"   \"         | at column 4: expected an expression but found end of expression",
                "1 +             | at column 4: expected a number, a name, '(' or '-' but found end of expression",
                "+x              | at column 1: expected a number, a name, '(' or '-' but found '+'",
                ")               | at column 1: expected a number, a name, '(' or '-' but found ')'",
                "abs(w,)         | at column 7: expected a number, a name, '(' or '-' but found ')'",
                "(x))            | at column 4: expected an operator or end of expression but found ')'",
                "2x              | at column 2: expected an operator or end of expression but found name 'x' (multiplication is written with '*', as in 2 * x)",
                "(x + 1)(x - 1)  | at column 8: expected an operator or end of expression but found '(' (multiplication is written with '*', as in 2 * x)",
                "1.5.5           | at column 4: expected an operator or end of expression but found number .5 (multiplication is written with '*', as in 2 * x)",
                "x ** 2          | at column 3: '**' is not an operator here; write powers with '^', as in x ^ 2",
                "x = 1           | at column 3: '=' is not an operator; compare with '=='",
                "!x              | at column 1: unexpected character '!'; 'not equal' is written '!='",
                "a < b < c       | at column 7: comparisons cannot be chained; add parentheses, or multiply the results: (a < b) * (b < c)",
                "(a < b >= c)    | at column 8: comparisons cannot be chained; add parentheses, or multiply the results: (a < b) * (b < c)",
                "tf.abs(w)       | at column 3: unexpected '.' after 'tf': names have no parts, and functions are called without a module, as in abs(w)",
                "x # comment     | at column 3: unexpected character '#'",
                "w[0]            | at column 2: unexpected character '['",
                "\"__import__('os')\" | at column 12: unexpected character '''",
                "lambda x: x     | at column 9: unexpected character ':'",
                "x + é           | at column 5: unexpected character U+00E9",
                "x + 😀          | at column 5: unexpected character U+1F600",
                "x + ١           | at column 5: unexpected character U+0661",
        })
        void nameTheColumnAndWhatWasExpected(String source, String expected) {
            assertThat(message(source)).isEqualTo(expected);
        }

        @Test
        void controlCharactersAreNamedByCodePoint() {
            assertThat(message("x\u0000")).isEqualTo("at column 2: unexpected character U+0000");
            assertThat(message("x\u000b+1")).isEqualTo("at column 2: unexpected character U+000B");
        }

        @Test
        void aParseErrorIsOneProblem() {
            assertThatThrownBy(() -> parse("1 +")).isInstanceOfSatisfying(ExpressionException.class,
                    e -> assertThat(e.problems()).containsExactly(new ExpressionException.Problem(4,
                            "expected a number, a name, '(' or '-' but found end of expression")));
        }
    }

    @Nested
    class Limits {

        @Test
        void theLongestExpressionIsAccepted() throws ExpressionException {
            String source = "x" + " ".repeat(ExpressionParser.MAX_LENGTH - 1);
            assertThat(parse(source)).isEqualTo(new Name("x", 1));
        }

        @Test
        void oneCharacterMoreIsRefusedAsAWhole() {
            String source = "x" + " ".repeat(ExpressionParser.MAX_LENGTH);
            assertThatThrownBy(() -> parse(source)).isInstanceOfSatisfying(ExpressionException.class, e -> {
                assertThat(e).hasMessage("the expression is 2001 characters long; at most 2000 are allowed");
                assertThat(e.problems()).singleElement().extracting(ExpressionException.Problem::column).isEqualTo(0);
            });
        }

        @Test
        void tenThousandOpenParenthesesAreRefusedWithoutOverflowingTheStack() {
            String source = "(".repeat(10_000) + "x" + ")".repeat(10_000);
            assertThatThrownBy(() -> parse(source)).isExactlyInstanceOf(ExpressionException.class)
                    .hasMessageContaining("at most 2000");
            assertThatThrownBy(() -> parse("(".repeat(10_000))).isExactlyInstanceOf(ExpressionException.class);
        }

        @Test
        void aHundredThousandCharactersAreRefused() {
            String source = "x+".repeat(50_000) + "x";
            assertThat(source).hasSize(100_001);
            assertThatThrownBy(() -> parse(source)).isExactlyInstanceOf(ExpressionException.class)
                    .hasMessage("the expression is 100001 characters long; at most 2000 are allowed");
        }

        @Test
        void redundantParenthesesNestUpToTheNestingLimit() throws ExpressionException {
            int limit = ExpressionParser.MAX_NESTING;
            assertThat(parse("(".repeat(limit) + "x" + ")".repeat(limit))).isEqualTo(new Name("x", limit + 1));
            assertThat(message("(".repeat(limit + 1) + "x" + ")".repeat(limit + 1)))
                    .isEqualTo("at column 129: the expression nests deeper than 128 parentheses, calls, minus signs and exponents");
            assertThat(message("-(".repeat(65) + "x" + ")".repeat(65)))
                    .isEqualTo("at column 129: the expression nests deeper than 128 parentheses, calls, minus signs and exponents");
        }

        @Test
        void treesAreAtMostSixtyFourLevelsDeep() throws ExpressionException {
            parse("-".repeat(63) + "x");
            // The tree is too deep at the outermost sign.
            assertThat(message("-".repeat(64) + "x")).isEqualTo("at column 1: the expression nests deeper than 64 levels");
            parse("abs(".repeat(63) + "x" + ")".repeat(63));
            assertThat(message("abs(".repeat(64) + "x" + ")".repeat(64))).startsWith("at column 1: the expression nests deeper");
            assertThat(message("2^".repeat(64) + "x")).startsWith("at column 2: the expression nests deeper");
        }

        @Test
        void aLongChainIsADeepTreeAndCountsToo() throws ExpressionException {
            // 1+1+...+1 is parsed in a loop, but its tree is as deep as it is long.
            parse("x" + "+x".repeat(63));
            assertThat(message("x" + "+x".repeat(64))).isEqualTo("at column 128: the expression nests deeper than 64 levels");
        }

        @Test
        void theNumberOfNodesIsLimited() throws ExpressionException {
            String group = "(x+x+x+x+x+x+x+x)";
            parse(String.join("+", Collections.nCopies(16, group)));
            assertThat(message(String.join("+", Collections.nCopies(17, group))))
                    .endsWith("the expression is too large: more than 256 numbers, names, operators and calls");
        }
    }
}
