package io.kerasregistry.inference.expression;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.kerasregistry.expression.ExpressionException;
import io.kerasregistry.expression.ExpressionParser;
import io.kerasregistry.expression.ExpressionRole;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class ExpressionCompilerTest {

    static CompiledExpression compile(String source, ExpressionRole role, Map<String, ?> config) throws ExpressionException {
        return ExpressionCompiler.compile(ExpressionParser.parse(source).check(role), config);
    }

    static CompiledExpression activation(String source) throws ExpressionException {
        return compile(source, ExpressionRole.ACTIVATION, Map.of());
    }

    static float[] floats(INDArray a) {
        return a.dup().data().asFloat();
    }

    static INDArray randomWeights(long seed, long... shape) {
        SplittableRandom random = new SplittableRandom(seed);
        int n = 1;
        for (long d : shape) {
            n *= (int) d;
        }
        float[] data = new float[n];
        for (int i = 0; i < n; i++) {
            data[i] = (float) random.nextDouble(-3, 3);
        }
        return Nd4j.createFromArray(data).reshape(shape);
    }

    @Nested
    class TheIssuesExamples {

        @Test
        void anL1RegularizerWithItsFactorFromTheModelsConfig() throws ExpressionException {
            INDArray w = randomWeights(1, 16, 8);
            CompiledExpression l1 = compile("factor * sum(abs(w))", ExpressionRole.REGULARIZER, Map.of("factor", 0.001));
            double expected = 0;
            for (float v : floats(w)) {
                expected += Math.abs((double) v);
            }
            assertThat(l1.applyScalar(w)).isCloseTo(0.001 * expected, within(1e-15));
        }

        @Test
        void aKerasStyleL2() throws ExpressionException {
            INDArray w = Nd4j.createFromArray(new float[][] {{1, -2}, {3, 0.5f}});
            CompiledExpression l2 = compile("l2 * sum(square(w))", ExpressionRole.REGULARIZER,
                    Map.of("l2", 0.01, "name", "L2"));
            assertThat(l2.applyScalar(w)).isCloseTo(0.01 * 14.25, within(1e-17));
        }

        @Test
        void logOfExpPlusOneIsSoftplus() throws ExpressionException {
            INDArray x = Nd4j.linspace(DataType.FLOAT, -8, 0.25, 65);
            float[] written = floats(activation("log(exp(x) + 1)").apply(x));
            float[] builtIn = floats(activation("softplus(x)").apply(x));
            float[] input = floats(x);
            for (int i = 0; i < input.length; i++) {
                double exact = Math.log1p(Math.exp(input[i]));
                assertThat((double) written[i]).as("log(exp(x) + 1) at %s", input[i]).isCloseTo(exact, within(3e-7 * (1 + exact)));
                assertThat((double) builtIn[i]).as("softplus at %s", input[i]).isCloseTo(exact, within(3e-7 * (1 + exact)));
            }
        }

        @Test
        void softplusStaysFiniteWhereTheNaiveFormulaOverflows() throws ExpressionException {
            INDArray x = Nd4j.createFromArray(100f, -100f);
            assertThat(floats(activation("softplus(x)").apply(x))).containsExactly(100f, 0f);
            assertThat(floats(activation("log(exp(x) + 1)").apply(x))[0]).isInfinite();
        }

        @Test
        void theSigmoidApproximationOfGelu() throws ExpressionException {
            INDArray x = randomWeights(2, 4, 25);
            float[] result = floats(activation("x * sigmoid(1.702 * x)").apply(x));
            float[] input = floats(x);
            for (int i = 0; i < input.length; i++) {
                double v = input[i];
                assertThat((double) result[i]).isCloseTo(v / (1 + Math.exp(-1.702 * v)), within(1e-6));
            }
        }
    }

    @Nested
    class Semantics {

        @Test
        void regularizersAccumulateInFloat64() throws ExpressionException {
            // In float32, 2^24 + 1 is 2^24: four ones added one by one would vanish.
            INDArray w = Nd4j.createFromArray(16_777_216f, 1f, 1f, 1f, 1f);
            assertThat(compile("sum(w)", ExpressionRole.REGULARIZER, Map.of()).applyScalar(w)).isEqualTo(16_777_220.0);
            assertThat(floats(compile("0 * w + sum(w)", ExpressionRole.CONSTRAINT, Map.of()).apply(w)))
                    .containsOnly(16_777_220f);
        }

        @Test
        void comparisonsGiveZeroOrOneInEveryArrangement() throws ExpressionException {
            INDArray x = Nd4j.createFromArray(0f, 1f, 2f);
            String[][] cases = {
                    {"x < 1", "1 > x", "x < 1 * (x == x)"},
                    {"x <= 1", "1 >= x", "x <= 1 * (x == x)"},
                    {"x > 1", "1 < x", "x > 1 * (x == x)"},
                    {"x >= 1", "1 <= x", "x >= 1 * (x == x)"},
                    {"x == 1", "1 == x", "x == 1 * (x == x)"},
                    {"x != 1", "1 != x", "x != 1 * (x == x)"},
            };
            float[][] expected = {{1, 0, 0}, {1, 1, 0}, {0, 0, 1}, {0, 1, 1}, {0, 1, 0}, {1, 0, 1}};
            for (int i = 0; i < cases.length; i++) {
                for (String source : cases[i]) {
                    assertThat(floats(activation(source).apply(x))).as(source).containsExactly(expected[i]);
                }
            }
        }

        @Test
        void equalityIsExact() throws ExpressionException {
            INDArray x = Nd4j.createFromArray(1f, 0.5f);
            assertThat(floats(activation("x == 1.000001").apply(x))).containsExactly(0f, 0f);
            assertThat(floats(activation("x == 0.5").apply(x))).containsExactly(0f, 1f);
            // One unit in the last place apart: equal within any epsilon, not equal.
            assertThat(floats(activation("x == x * 1.0000001").apply(x))).containsExactly(0f, 0f);
            assertThat(floats(activation("x != x * 1.0000001").apply(x))).containsExactly(1f, 1f);
        }

        @Test
        void nanInfinityAndDomainErrorsFollowIeee() throws ExpressionException {
            INDArray x = Nd4j.createFromArray(-1f, 0f, 4f);
            assertThat(floats(activation("log(x)").apply(x))).containsExactly(Float.NaN, Float.NEGATIVE_INFINITY, (float) Math.log(4));
            assertThat(floats(activation("sqrt(x)").apply(x))).containsExactly(Float.NaN, 0f, 2f);
            assertThat(floats(activation("1 / x").apply(x))).containsExactly(-1f, Float.POSITIVE_INFINITY, 0.25f);
            assertThat(floats(activation("x ^ 0.5").apply(x))).containsExactly(Float.NaN, 0f, 2f);
        }

        @Test
        void nanPropagatesThroughMaxAndMinAsInNumpy() throws ExpressionException {
            INDArray x = Nd4j.createFromArray(Float.NaN, -1f, 3f);
            assertThat(floats(activation("max(x, 0)").apply(x))).containsExactly(Float.NaN, 0f, 3f);
            assertThat(floats(activation("min(0, x)").apply(x))).containsExactly(Float.NaN, -1f, 0f);
            assertThat(floats(activation("max(x, -x)").apply(x))).containsExactly(Float.NaN, 1f, 3f);
            assertThat(floats(activation("relu(x)").apply(x))).containsExactly(Float.NaN, 0f, 3f);
            assertThat(compile("max(w)", ExpressionRole.REGULARIZER, Map.of()).applyScalar(x)).isNaN();
            assertThat(compile("min(w)", ExpressionRole.REGULARIZER, Map.of()).applyScalar(x)).isNaN();
            assertThat(compile("max(w)", ExpressionRole.REGULARIZER, Map.of())
                    .applyScalar(Nd4j.createFromArray(-1f, 3f))).isEqualTo(3.0);
        }

        @Test
        void aNanScalarStaysNanAgainstATensor() throws ExpressionException {
            // ND4J's own scalar arithmetic would take NaN as 1e-5 here.
            INDArray w = Nd4j.createFromArray(1f, Float.NaN, 3f);
            CompiledExpression centred = compile("w - mean(w)", ExpressionRole.CONSTRAINT, Map.of());
            assertThat(floats(centred.apply(w))).containsOnly(Float.NaN);
            CompiledExpression scaled = compile("x * c + c", ExpressionRole.ACTIVATION, Map.of("c", Double.NaN));
            assertThat(floats(scaled.apply(Nd4j.createFromArray(1f, 2f)))).containsOnly(Float.NaN);
        }

        @Test
        void whereTakesNonZeroAndNanAsTrue() throws ExpressionException {
            INDArray x = Nd4j.createFromArray(Float.NaN, 0f, -2f);
            assertThat(floats(activation("where(x, 1, 2)").apply(x))).containsExactly(1f, 2f, 1f);
            assertThat(floats(activation("where(x > 0, log(x), x)").apply(Nd4j.createFromArray(-1f, Float.MIN_VALUE, 1f))))
                    .containsExactly(-1f, (float) Math.log(Float.MIN_VALUE), 0f);
        }

        @Test
        void aConditionThatIsOneNumberPicksABranchForTheWholeTensor() throws ExpressionException {
            CompiledExpression constraint = compile("where(sum(w) > 0, w, 0)", ExpressionRole.CONSTRAINT, Map.of());
            assertThat(floats(constraint.apply(Nd4j.createFromArray(1f, 2f)))).containsExactly(1f, 2f);
            assertThat(floats(constraint.apply(Nd4j.createFromArray(-1f, -2f)))).containsExactly(0f, 0f);
        }

        @Test
        void sigmoidAndTanhSaturateWithoutNan() throws ExpressionException {
            INDArray x = Nd4j.createFromArray(-1000f, 1000f, Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY);
            assertThat(floats(activation("sigmoid(x)").apply(x))).containsExactly(0f, 1f, 0f, 1f);
            assertThat(floats(activation("tanh(x)").apply(x))).containsExactly(-1f, 1f, -1f, 1f);
        }

        @Test
        void configValuesMayBeBooleansAndIntegers() throws ExpressionException {
            CompiledExpression leaky = compile("where(enabled, where(x > 0, x, alpha * x), x)", ExpressionRole.ACTIVATION,
                    Map.of("enabled", true, "alpha", 2));
            assertThat(floats(leaky.apply(Nd4j.createFromArray(-1f, 3f)))).containsExactly(-2f, 3f);
            assertThat(leaky.values()).containsExactly(Map.entry("alpha", 2.0), Map.entry("enabled", 1.0));
        }

        @Test
        void aRegularizerThatIgnoresItsWeights() throws ExpressionException {
            assertThat(compile("2 * 3 ^ 2", ExpressionRole.REGULARIZER, Map.of()).applyScalar(Nd4j.createFromArray(1f)))
                    .isEqualTo(18.0);
        }
    }

    @Nested
    class Tensors {

        @Test
        void theInputIsNeverModified() throws ExpressionException {
            String[] everyOperation = {
                    "-x", "abs(x)", "sqrt(x)", "square(x)", "exp(x)", "log(x)", "sigmoid(x)", "tanh(x)", "relu(x)",
                    "softplus(x)", "x + x", "x - 1", "1 - x", "x * 2", "2 / x", "x / x", "x ^ 2", "2 ^ x", "x ^ x",
                    "x < 0", "0 <= x", "x > x", "x >= 1", "x == 0", "x != x", "max(x, 0)", "min(x, x)", "max(1, x)",
                    "where(x > 0, x, 0)", "where(x, 1, x)", "x"};
            INDArray input = Nd4j.createFromArray(-2f, -0f, 0.5f, 3f, Float.NaN, Float.POSITIVE_INFINITY);
            float[] before = floats(input);
            for (String source : everyOperation) {
                activation(source).apply(input);
                assertThat(floats(input)).as(source).isEqualTo(before);
            }
            for (String source : new String[] {"w - mean(w)", "w / max(abs(w))", "where(w > min(w), w, 0)"}) {
                compile(source, ExpressionRole.CONSTRAINT, Map.of()).apply(input);
                assertThat(floats(input)).as(source).isEqualTo(before);
            }
            INDArray doubles = input.castTo(DataType.DOUBLE);
            double[] doublesBefore = doubles.dup().data().asDouble();
            compile("sum(abs(w)) + sum(square(w)) + mean(relu(w))", ExpressionRole.REGULARIZER, Map.of()).applyScalar(doubles);
            assertThat(doubles.dup().data().asDouble()).isEqualTo(doublesBefore);
        }

        @Test
        void aViewIsReadNotWritten() throws ExpressionException {
            INDArray matrix = Nd4j.createFromArray(new float[][] {{1, -2}, {3, -4}});
            INDArray column = matrix.getColumn(1);
            assertThat(floats(activation("relu(x) + x").apply(column))).containsExactly(-2f, -4f);
            assertThat(floats(matrix)).containsExactly(1f, -2f, 3f, -4f);
        }

        @Test
        void theIdentityReturnsACopy() throws ExpressionException {
            INDArray x = Nd4j.createFromArray(1f, 2f);
            INDArray result = activation("x").apply(x);
            assertThat(result).isNotSameAs(x);
            result.addi(10);
            assertThat(floats(x)).containsExactly(1f, 2f);
            INDArray chosen = compile("where(1 > 0, w, 0)", ExpressionRole.CONSTRAINT, Map.of()).apply(x);
            assertThat(chosen).isNotSameAs(x);
        }

        @ParameterizedTest
        @ValueSource(strings = {"DOUBLE", "HALF", "INT", "FLOAT"})
        void theResultIsFloat32OfTheInputsShape(DataType type) throws ExpressionException {
            INDArray x = Nd4j.createFromArray(new float[][] {{1, 2, 3}, {4, 5, 6}}).castTo(type);
            INDArray result = activation("x * 2 + 1").apply(x);
            assertThat(result.dataType()).isEqualTo(DataType.FLOAT);
            assertThat(result.shape()).containsExactly(2, 3);
            assertThat(floats(result)).containsExactly(3f, 5f, 7f, 9f, 11f, 13f);
        }

        @Test
        void aScalarTensor() throws ExpressionException {
            INDArray result = activation("x * sigmoid(x)").apply(Nd4j.scalar(2f));
            assertThat(result.rank()).isZero();
            assertThat(result.getDouble(0)).isCloseTo(2 / (1 + Math.exp(-2)), within(1e-6));
        }

        @Test
        void aTensorResultThatTurnsOutToBeOneNumberIsBroadcast() throws ExpressionException {
            INDArray result = compile("where(max(w) > 10, w, 0.5)", ExpressionRole.CONSTRAINT, Map.of())
                    .apply(Nd4j.createFromArray(new float[][] {{1, 2}, {3, 4}}));
            assertThat(result.shape()).containsExactly(2, 2);
            assertThat(floats(result)).containsOnly(0.5f);
        }

        @Test
        void emptyTensors() throws ExpressionException {
            INDArray empty = Nd4j.create(DataType.FLOAT, 0, 3);
            INDArray activated = activation("x * sigmoid(1.702 * x) + where(x > 0, 1, x)").apply(empty);
            assertThat(activated.isEmpty()).isTrue();
            assertThat(activated.shape()).containsExactly(0, 3);
            assertThat(activated.dataType()).isEqualTo(DataType.FLOAT);
            assertThat(compile("w - mean(w)", ExpressionRole.CONSTRAINT, Map.of()).apply(empty).shape()).containsExactly(0, 3);
            assertThat(compile("where(sum(w) > 0, w, 1)", ExpressionRole.CONSTRAINT, Map.of()).apply(empty).shape())
                    .containsExactly(0, 3);
            assertThat(compile("0.1 * sum(abs(w)) + 1", ExpressionRole.REGULARIZER, Map.of()).applyScalar(empty)).isEqualTo(1.0);
            assertThat(compile("mean(w)", ExpressionRole.REGULARIZER, Map.of()).applyScalar(empty)).isNaN();
            assertThat(compile("max(w)", ExpressionRole.REGULARIZER, Map.of()).applyScalar(empty)).isEqualTo(Double.NEGATIVE_INFINITY);
            assertThat(compile("min(w)", ExpressionRole.REGULARIZER, Map.of()).applyScalar(empty)).isEqualTo(Double.POSITIVE_INFINITY);
        }
    }

    @Nested
    class Misuse {

        @Test
        void aRegularizerGivesOneNumberAndTheOthersATensor() throws ExpressionException {
            CompiledExpression regularizer = compile("sum(w)", ExpressionRole.REGULARIZER, Map.of());
            CompiledExpression activation = activation("x");
            INDArray x = Nd4j.createFromArray(1f);
            assertThatThrownBy(() -> regularizer.apply(x)).isInstanceOf(IllegalStateException.class)
                    .hasMessage("REGULARIZER gives one number; call applyScalar");
            assertThatThrownBy(() -> activation.applyScalar(x)).isInstanceOf(IllegalStateException.class)
                    .hasMessage("ACTIVATION gives a tensor; call apply");
        }

        @Test
        void aMissingConfigValueIsAnExpressionError() {
            assertThatThrownBy(() -> compile("factor * sum(abs(w))", ExpressionRole.REGULARIZER, Map.of("l1", 0.01)))
                    .isInstanceOf(ExpressionException.class)
                    .hasMessage("at column 1: the config has no value 'factor' (it has l1)");
        }
    }
}
