package io.kerasregistry.inference.expression;

import static org.assertj.core.api.Assertions.assertThat;

import io.kerasregistry.expression.CheckedExpression;
import io.kerasregistry.expression.ExpressionException;
import io.kerasregistry.expression.ExpressionParser;
import io.kerasregistry.expression.ExpressionRole;
import io.kerasregistry.expression.RandomExpressions;
import io.kerasregistry.expression.ReferenceEvaluator;
import io.kerasregistry.expression.ReferenceEvaluator.Precision;
import java.util.Arrays;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Seeded random expressions of every role, compiled to ND4J and run on random tensors, against the
 * float64 {@link ReferenceEvaluator}. Each element must be within the reference's error bound for the
 * precision ND4J computes in (float32 for activations and constraints, float64 for regularizers);
 * elements the reference cannot judge (NaN, overflow, a comparison closer than its error) are skipped,
 * and an expression is redrawn until at least half of its elements can be judged. The input must come
 * back bit for bit unchanged.
 *
 * <p>A failure names its role and seed; the same seed draws the same expression and tensor again.
 */
class CompiledExpressionPropertyTest {

    private static final int SEEDS = 150;
    /** The bound is already conservative; the factor only absorbs a transcendental a few ulps worse than assumed. */
    private static final double SLACK = 2;

    @TestFactory
    Stream<DynamicTest> nd4jAgreesWithTheReference() {
        return Arrays.stream(ExpressionRole.values()).flatMap(role -> IntStream.range(0, SEEDS)
                .mapToObj(seed -> DynamicTest.dynamicTest(role + " seed " + seed, () -> run(Case.draw(role, seed)))));
    }

    /** One drawn case: an expression that can be judged on this tensor. */
    private record Case(CheckedExpression expression, Map<String, Object> config, float[] data, long[] shape,
                        ReferenceEvaluator.Result expected) {

        static Case draw(ExpressionRole role, int seed) throws ExpressionException {
            SplittableRandom random = new SplittableRandom(seed * 7919L + role.ordinal());
            long[] shape = shape(random);
            float[] data = values(random, Math.toIntExact(Arrays.stream(shape).reduce(1, (a, b) -> a * b)));
            double[] asDouble = new double[data.length];
            for (int i = 0; i < data.length; i++) {
                asDouble[i] = data[i];
            }
            Precision precision = role.reducesToScalar() ? Precision.FLOAT64 : Precision.FLOAT32;
            for (int attempt = 0; attempt < 200; attempt++) {
                String source = RandomExpressions.generate(random, role, 1 + random.nextInt(4));
                CheckedExpression checked = ExpressionParser.parse(source).check(role);
                Map<String, Object> config = RandomExpressions.config(random, checked.parameters());
                ReferenceEvaluator.Result expected = ReferenceEvaluator.evaluate(checked, checked.bind(config), asDouble, precision);
                long judged = expected.comparableCount();
                if (judged > 0 && 2 * judged >= expected.values().length) {
                    return new Case(checked, config, data, shape, expected);
                }
            }
            throw new AssertionError("no judgeable expression in 200 draws for " + role + " seed " + seed);
        }

        private static long[] shape(SplittableRandom random) {
            int rank = random.nextInt(4);
            long[] shape = new long[rank];
            for (int i = 0; i < rank; i++) {
                shape[i] = 1 + random.nextInt(5);
            }
            return shape;
        }

        private static float[] values(SplittableRandom random, int n) {
            float[] specials = {0f, 1f, -1f, 0.5f, 2f};
            float[] data = new float[n];
            for (int i = 0; i < n; i++) {
                data[i] = random.nextInt(8) == 0 ? specials[random.nextInt(specials.length)] : (float) random.nextDouble(-3, 3);
            }
            return data;
        }
    }

    private static void run(Case c) throws ExpressionException {
        INDArray input = Nd4j.createFromArray(c.data()).reshape(c.shape());
        float[] before = input.dup().data().asFloat();
        CompiledExpression compiled = ExpressionCompiler.compile(c.expression(), c.config());
        ReferenceEvaluator.Result expected = c.expected();
        String what = c.expression() + " with " + compiled.values() + " on " + Arrays.toString(c.data());

        if (c.expression().role().reducesToScalar()) {
            double actual = compiled.applyScalar(input);
            assertWithin(actual, expected.values()[0], expected.bounds()[0], what);
        } else {
            INDArray result = compiled.apply(input);
            assertThat(result.dataType()).isEqualTo(DataType.FLOAT);
            assertThat(result.shape()).isEqualTo(input.shape());
            assertThat(result).isNotSameAs(input);
            float[] actual = result.dup().data().asFloat();
            for (int i = 0; i < actual.length; i++) {
                int j = expected.scalar() ? 0 : i;
                double value = expected.values()[j];
                // A scalar result is broadcast into float32.
                double rounding = expected.scalar() ? Math.abs(value - (float) value) : 0;
                assertWithin(actual[i], value, expected.bounds()[j] + rounding, what + " at element " + i);
            }
        }
        assertThat(input.dup().data().asFloat()).as("the input after " + what).isEqualTo(before);
    }

    private static void assertWithin(double actual, double expected, double bound, String what) {
        if (!Double.isFinite(bound)) {
            return;
        }
        double tolerance = SLACK * bound;
        assertThat(Math.abs(actual - expected) <= tolerance)
                .as("%s: got %s, expected %s ± %s", what, actual, expected, tolerance)
                .isTrue();
    }
}
