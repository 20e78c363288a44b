package io.kerasregistry.expression;

import static io.kerasregistry.expression.ReferenceEvaluator.Precision.FLOAT32;
import static io.kerasregistry.expression.ReferenceEvaluator.Precision.FLOAT64;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.kerasregistry.expression.ReferenceEvaluator.Precision;
import io.kerasregistry.expression.ReferenceEvaluator.Result;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The oracle of the property tests has to be right on its own: hand-computed cases. */
class ReferenceEvaluatorTest {

    private static Result evaluate(String source, ExpressionRole role, Map<String, Double> values, Precision precision,
                                   double... tensor) throws ExpressionException {
        return ReferenceEvaluator.evaluate(ExpressionParser.parse(source).check(role), values, tensor, precision);
    }

    private static Result activation(String source, double... x) throws ExpressionException {
        return evaluate(source, ExpressionRole.ACTIVATION, Map.of(), FLOAT32, x);
    }

    @Test
    void anL1Penalty() throws ExpressionException {
        Result r = evaluate("factor * sum(abs(w))", ExpressionRole.REGULARIZER, Map.of("factor", 0.5), FLOAT64, 1, -2, 3);
        assertThat(r.scalar()).isTrue();
        assertThat(r.values()).containsExactly(3.0);
        assertThat(r.bounds()[0]).isPositive().isLessThan(1e-14);
    }

    @Test
    void theSigmoidApproximationOfGelu() throws ExpressionException {
        Result r = activation("x * sigmoid(1.702 * x)", 1, -1);
        assertThat(r.values()[0]).isCloseTo(1 / (1 + Math.exp(-1.702)), within(1e-15));
        assertThat(r.values()[1]).isCloseTo(-1 / (1 + Math.exp(1.702)), within(1e-15));
        // A few float32 roundings of a value near 1: around 1e-6, not 1e-3 and not 1e-12.
        assertThat(r.bounds()[0]).isBetween(1e-7, 1e-5);
    }

    @Test
    void precedenceAndWhere() throws ExpressionException {
        assertThat(activation("-x ^ 2", 3).values()).containsExactly(-9.0);
        assertThat(activation("2 ^ 3 ^ 2 * x", 1).values()).containsExactly(512.0);
        assertThat(activation("where(x > 0, x, 0.1 * x)", -1, 2).values()).containsExactly(-0.1, 2.0);
        assertThat(activation("(x < 1) + (x >= 1) * 10", 0.5, 1).values()).containsExactly(1.0, 10.0);
    }

    @Test
    void aComparisonCloserThanItsErrorIsNotJudged() throws ExpressionException {
        Result r = activation("x == 0.1", (float) 0.1, 1);
        assertThat(r.comparable(0)).isFalse();
        assertThat(r.comparable(1)).isTrue();
        assertThat(r.values()[1]).isZero();
        assertThat(activation("x > 0", 0).comparable(0)).as("exact operands decide even when equal").isTrue();
    }

    @Test
    void aCancellationWidensTheBound() throws ExpressionException {
        Result r = activation("exp(x) - exp(x)", 10);
        assertThat(r.values()).containsExactly(0.0);
        assertThat(r.bounds()[0]).isGreaterThan(1e-3).isLessThan(1e-1);
    }

    @Test
    void nanAndOverflowAreNotJudged() throws ExpressionException {
        assertThat(activation("log(x)", -1).comparable(0)).isFalse();
        assertThat(activation("sqrt(x)", -1e-3).comparable(0)).isFalse();
        assertThat(activation("exp(x)", 100).comparable(0)).as("finite in float64, infinite in float32").isFalse();
        assertThat(evaluate("exp(x)", ExpressionRole.ACTIVATION, Map.of(), FLOAT64, 100).comparable(0)).isTrue();
        assertThat(activation("where(x > 0, log(x), 0)", -1).comparable(0)).as("the branch not taken").isTrue();
    }

    @Test
    void reductionsOfAnEmptyTensor() throws ExpressionException {
        assertThat(evaluate("sum(w)", ExpressionRole.REGULARIZER, Map.of(), FLOAT64).values()).containsExactly(0.0);
        assertThat(evaluate("mean(w)", ExpressionRole.REGULARIZER, Map.of(), FLOAT64).values()[0]).isNaN();
        assertThat(evaluate("max(w)", ExpressionRole.REGULARIZER, Map.of(), FLOAT64).values())
                .containsExactly(Double.NEGATIVE_INFINITY);
    }
}
