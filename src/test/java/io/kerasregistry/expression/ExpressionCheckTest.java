package io.kerasregistry.expression;

import static io.kerasregistry.expression.ExpressionRole.ACTIVATION;
import static io.kerasregistry.expression.ExpressionRole.CONSTRAINT;
import static io.kerasregistry.expression.ExpressionRole.REGULARIZER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kerasregistry.expression.ExpressionException.Problem;
import java.math.BigDecimal;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ExpressionCheckTest {

    static CheckedExpression check(String source, ExpressionRole role) throws ExpressionException {
        return ExpressionParser.parse(source).check(role);
    }

    static String problems(String source, ExpressionRole role) {
        try {
            CheckedExpression checked = check(source, role);
            throw new AssertionError("expected '" + source + "' to be refused as " + role + ", got " + checked);
        } catch (ExpressionException e) {
            return e.getMessage();
        }
    }

    @Test
    void freeVariablesAreTheNamesUsedAsValuesSorted() throws ExpressionException {
        assertThat(ExpressionParser.parse("l2 * mean(w) + factor * sum(abs(w)) + where(w > t, 1, 0)").freeVariables())
                .containsExactly("factor", "l2", "t", "w");
        assertThat(ExpressionParser.parse("2 ^ 3").freeVariables()).isEmpty();
    }

    @Nested
    class Accepted {

        @ParameterizedTest(name = "{1}: {0}")
        @CsvSource(delimiter = '|', value = {
                "factor * sum(abs(w))                     | REGULARIZER | factor",
                "l2 * sum(square(w))                      | REGULARIZER | l2",
                "l1 * sum(abs(w)) + l2 * sum(square(w))   | REGULARIZER | l1 l2",
                "mean(w) ^ 2 + max(w) - min(w)            | REGULARIZER | ''",
                "0                                        | REGULARIZER | ''",
                "sum(max(w, 0)) * strength                | REGULARIZER | strength",
                "w / sqrt(sum(square(w)) + 1e-7)          | CONSTRAINT  | ''",
                "where(abs(w) > max_value, max_value, w)  | CONSTRAINT  | max_value",
                "relu(w)                                  | CONSTRAINT  | ''",
                "x * sigmoid(1.702 * x)                   | ACTIVATION  | ''",
                "log(exp(x) + 1)                          | ACTIVATION  | ''",
                "where(x > 0, x, alpha * x)               | ACTIVATION  | alpha",
                "min(max(x, 0), 6)                        | ACTIVATION  | ''",
                "x * sum(2) + mean(beta)                  | ACTIVATION  | beta",
                "0 * x + 1                                | ACTIVATION  | ''",
                "tanh(softplus(x)) * x                    | ACTIVATION  | ''",
        })
        void fitTheirRole(String source, ExpressionRole role, String parameters) throws ExpressionException {
            CheckedExpression checked = check(source, role);
            assertThat(checked.role()).isEqualTo(role);
            assertThat(checked.parameters()).containsExactly(parameters.isEmpty() ? new String[0] : parameters.split(" "));
        }

        @Test
        void aConstantRegularizerDoesNotUseItsTensor() throws ExpressionException {
            assertThat(check("0", REGULARIZER).usesTensor()).isFalse();
            assertThat(check("sum(w)", REGULARIZER).usesTensor()).isTrue();
        }
    }

    @Nested
    class Refused {

        @ParameterizedTest(name = "{1}: {0}")
        @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
                "abs(w)                | REGULARIZER | a regularizer must reduce w to one number, as in sum(abs(w)) or mean(square(w)), but this expression gives a tensor",
                "factor * w            | REGULARIZER | a regularizer must reduce w to one number, as in sum(abs(w)) or mean(square(w)), but this expression gives a tensor",
                "sum(abs(x))           | REGULARIZER | at column 9: 'x' is the tensor of an activation; in a regularizer the tensor is 'w'",
                "w * 2                 | ACTIVATION  | at column 1: 'w' is the tensor of a regularizer or a constraint; in an activation the tensor is 'x'",
                "mean(w)               | CONSTRAINT  | a constraint must give a tensor shaped like w, but this expression gives one number",
                "alpha                 | ACTIVATION  | an activation must give a tensor shaped like x, but this expression gives one number (it does not use x)",
                "x - max(x)            | ACTIVATION  | at column 5: an activation must work element by element, but max(...) reduces x over the whole batch to one number",
                "x / sum(exp(x))       | ACTIVATION  | at column 5: an activation must work element by element, but sum(...) reduces x over the whole batch to one number",
                "sigmod(x)             | ACTIVATION  | at column 1: unknown function 'sigmod'; did you mean 'sigmoid'?",
                "Sigmoid(x)            | ACTIVATION  | at column 1: unknown function 'Sigmoid'; did you mean 'sigmoid'?",
                "x * mix(x, 1)         | ACTIVATION  | at column 5: unknown function 'mix'; did you mean 'max' or 'min'?",
                "pow(x, 2)             | ACTIVATION  | at column 1: unknown function 'pow'; powers are written with '^', as in w ^ 2",
                "maximum(x, 0)         | ACTIVATION  | at column 1: unknown function 'maximum'; did you mean 'max'? max(a, b) is the elementwise maximum",
                "reduce_sum(w)         | REGULARIZER | at column 1: unknown function 'reduce_sum'; did you mean 'sum'?",
                "gelu(x)               | ACTIVATION  | at column 1: unknown function 'gelu'; write its tanh approximation: 0.5 * x * (1 + tanh(0.7978845608 * (x + 0.044715 * x ^ 3)))",
                "silu(x)               | ACTIVATION  | at column 1: unknown function 'silu'; write x * sigmoid(x)",
                "rel(x)                | ACTIVATION  | at column 1: unknown function 'rel'; did you mean 'relu'?",
                "eval(x)               | ACTIVATION  | at column 1: unknown function 'eval'; the functions are abs, sqrt, square, exp, log, sigmoid, tanh, relu, softplus, sum, mean, max, min, where",
                "w(2)                  | REGULARIZER | at column 1: 'w' is not a function; multiplication is written with '*', as in 2 * (w)",
                "sum(w, 1)             | REGULARIZER | at column 1: sum takes 1 argument but was given 2",
                "abs()                 | ACTIVATION  | at column 1: abs takes 1 argument but was given 0",
                "max(x, 1, 2)          | ACTIVATION  | at column 1: max takes 1 or 2 arguments but was given 3",
                "where(x > 0, x)       | ACTIVATION  | at column 1: where takes 3 arguments but was given 2",
                "sum + w               | REGULARIZER | at column 1: 'sum' is a function; call it, as in sum(w)",
        })
        void withAMessageThatSaysWhy(String source, ExpressionRole role, String message) {
            assertThat(problems(source, role)).isEqualTo(message);
        }

        @Test
        void everyProblemIsReportedInColumnOrder() {
            assertThatThrownBy(() -> check("foo(w) + sigmod(x) + sum(x, x)", ACTIVATION))
                    .isInstanceOfSatisfying(ExpressionException.class, e -> assertThat(e.problems()).containsExactly(
                            new Problem(1, "unknown function 'foo'; the functions are abs, sqrt, square, exp, log, "
                                    + "sigmoid, tanh, relu, softplus, sum, mean, max, min, where"),
                            new Problem(5, "'w' is the tensor of a regularizer or a constraint; in an activation the tensor is 'x'"),
                            new Problem(10, "unknown function 'sigmod'; did you mean 'sigmoid'?"),
                            new Problem(22, "sum takes 1 argument but was given 2")));
        }

        @Test
        void theResultKindIsJudgedOnlyOnceTheRestIsRight() {
            // 'abs(x)' in a regularizer is wrong twice over; the tensor name is the problem to fix first.
            assertThat(problems("abs(x)", REGULARIZER))
                    .isEqualTo("at column 5: 'x' is the tensor of an activation; in a regularizer the tensor is 'w'");
        }

        @Test
        void atMostTenProblemsAreListed() {
            String source = String.join(" + ", java.util.Collections.nCopies(12, "foo(x)"));
            assertThatThrownBy(() -> check(source, ACTIVATION)).isInstanceOfSatisfying(ExpressionException.class, e -> {
                assertThat(e.problems()).hasSize(10);
                assertThat(e.getMessage()).endsWith("; and 2 more");
            });
        }
    }

    @Nested
    class Binding {

        @Test
        void numbersAndBooleansAreTakenAndTheRestOfTheConfigIgnored() throws ExpressionException {
            CheckedExpression checked = check("where(on, factor, 0) * sum(abs(w)) + n * big", REGULARIZER);
            Map<String, Object> config = new HashMap<>();
            config.put("factor", 0.01);
            config.put("on", true);
            config.put("n", 3);
            config.put("big", new BigDecimal("1e3"));
            config.put("name", "my_regularizer");
            config.put("axes", List.of(1, 2));
            assertThat(checked.bind(config)).containsExactly(
                    Map.entry("big", 1000.0), Map.entry("factor", 0.01), Map.entry("n", 3.0), Map.entry("on", 1.0));
            config.put("on", false);
            assertThat(checked.bind(config)).containsEntry("on", 0.0);
        }

        @Test
        void aMissingValueIsNamedWithWhatTheConfigHas() throws ExpressionException {
            CheckedExpression checked = check("factor * sum(abs(w))", REGULARIZER);
            assertThatThrownBy(() -> checked.bind(Map.of("l1", 0.1, "l2", 0.2)))
                    .hasMessage("at column 1: the config has no value 'factor' (it has l1, l2)");
            assertThatThrownBy(() -> checked.bind(Map.of()))
                    .hasMessage("at column 1: the config has no value 'factor' (the config is empty)");
        }

        @Test
        void aValueThatIsNotANumberIsNamed() throws ExpressionException {
            CheckedExpression checked = check("sum(w) * a + b + c + d + e", REGULARIZER);
            Map<String, Object> config = new HashMap<>();
            config.put("a", List.of(0.1, 0.2));
            config.put("b", "l1");
            config.put("c", null);
            config.put("d", Map.of("k", 1));
            config.put("e", new double[] {1});
            assertThatThrownBy(() -> checked.bind(config)).isInstanceOfSatisfying(ExpressionException.class,
                    e -> assertThat(e.problems()).extracting(Problem::toString).containsExactly(
                            "at column 10: config value 'a' is a list; expressions use only numbers and booleans",
                            "at column 14: config value 'b' is text (\"l1\"); expressions use only numbers and booleans",
                            "at column 18: config value 'c' is null; expressions use only numbers and booleans",
                            "at column 22: config value 'd' is an object; expressions use only numbers and booleans",
                            "at column 26: config value 'e' is a list; expressions use only numbers and booleans"));
        }

        @Test
        void aLongTextIsCut() throws ExpressionException {
            CheckedExpression checked = check("sum(w) * a", REGULARIZER);
            assertThatThrownBy(() -> checked.bind(Map.of("a", "y".repeat(1000))))
                    .hasMessage("at column 10: config value 'a' is text (\"" + "y".repeat(40)
                            + "...\"); expressions use only numbers and booleans");
        }

        @Test
        void theColumnIsWhereTheParameterIsFirstUsed() throws ExpressionException {
            CheckedExpression checked = check("w * 0 + t * w + t", CONSTRAINT);
            assertThatThrownBy(() -> checked.bind(Map.of())).hasMessageStartingWith("at column 9:");
        }
    }
}
