package io.kerasregistry.expression;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * Feeds arbitrary text to the parser and the role checks: the only acceptable outcomes are a tree or
 * an {@link ExpressionException}; anything else thrown (a {@code StackOverflowError}, an index out of
 * bounds) is a finding.
 *
 * <p>Without {@code JAZZER_FUZZ} this runs the seeds in
 * {@code src/test/resources/io/kerasregistry/expression/ExpressionParserFuzzTestInputs/parseAndCheck/}
 * as ordinary tests; {@code JAZZER_FUZZ=1 ./mvnw test -Dtest=ExpressionParserFuzzTest} fuzzes (see
 * {@code docs/expressions.md}). The input is raw bytes read as UTF-8, so a seed file is just an
 * expression.
 */
class ExpressionParserFuzzTest {

    @FuzzTest(maxDuration = "30s")
    void parseAndCheck(byte[] input) {
        String source = new String(input, StandardCharsets.UTF_8);
        Expression expression;
        try {
            expression = ExpressionParser.parse(source);
        } catch (ExpressionException e) {
            assertPointsIntoTheSource(e, source);
            return;
        }
        assertCanonicalFormIsAFixedPoint(expression);
        for (ExpressionRole role : ExpressionRole.values()) {
            try {
                CheckedExpression checked = expression.check(role);
                Map<String, Object> config = new HashMap<>();
                checked.parameters().forEach(name -> config.put(name, 1.0));
                assertThat(checked.bind(config)).containsOnlyKeys(checked.parameters());
            } catch (ExpressionException e) {
                assertPointsIntoTheSource(e, source);
            }
        }
    }

    private static void assertPointsIntoTheSource(ExpressionException e, String source) {
        assertThat(e.problems()).isNotEmpty().allSatisfy(p -> assertThat(p.column()).isBetween(0, source.length() + 1));
    }

    /** The fully parenthesized rendering must read back as itself whenever it fits the length limit. */
    private static void assertCanonicalFormIsAFixedPoint(Expression expression) {
        String canonical = expression.toString();
        if (canonical.length() > ExpressionParser.MAX_LENGTH) {
            return;
        }
        try {
            assertThat(ExpressionParser.parse(canonical)).hasToString(canonical);
        } catch (ExpressionException e) {
            throw new AssertionError("the canonical form " + canonical + " does not parse: " + e.getMessage(), e);
        }
    }
}
