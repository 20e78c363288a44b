package io.kerasregistry.expression;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Seeded random expressions of every role: each must parse back from its canonical text to the same
 * text, pass the checks for the role it was made for, and evaluate in the reference evaluator.
 */
class RandomExpressionsTest {

    private static final int SEEDS = 200;

    @TestFactory
    Stream<DynamicTest> randomExpressionsRoundTripAndFitTheirRole() {
        return Arrays.stream(ExpressionRole.values()).flatMap(role -> IntStream.range(0, SEEDS).mapToObj(seed ->
                DynamicTest.dynamicTest(role + " seed " + seed, () -> {
                    SplittableRandom random = new SplittableRandom(seed);
                    String source = RandomExpressions.generate(random, role, 4);
                    Expression expression = ExpressionParser.parse(source);
                    assertThat(expression).hasToString(source);
                    CheckedExpression checked = expression.check(role);
                    assertThat(expression.freeVariables()).isSubsetOf(Set.of("a", "b", "factor", role.tensorVariable()));
                    Map<String, Double> values = checked.bind(RandomExpressions.config(random, checked.parameters()));
                    ReferenceEvaluator.Result result = ReferenceEvaluator.evaluate(checked, values,
                            new double[] {-1.5, 0, 0.25, 2}, ReferenceEvaluator.Precision.FLOAT32);
                    if (role.reducesToScalar()) {
                        assertThat(result.scalar()).isTrue();
                    }
                })));
    }
}
