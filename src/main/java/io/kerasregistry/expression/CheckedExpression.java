package io.kerasregistry.expression;

import io.kerasregistry.expression.ExpressionException.Problem;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An expression known to fit its role; only {@link Expression#check} makes one, so whatever
 * evaluates expressions can take this type and skip checking again.
 *
 * <p>Its {@linkplain #parameters() parameters} are the names that are neither the tensor nor a
 * function: they come from the custom object's config in the model file, given to {@link #bind}.
 */
public final class CheckedExpression {

    /** Long text in a config value would only drown the message. */
    private static final int MAX_QUOTED = 40;

    private final Expression expression;
    private final ExpressionRole role;
    private final Map<String, Integer> parameterColumns;
    private final boolean usesTensor;

    CheckedExpression(Expression expression, ExpressionRole role, Map<String, Integer> parameterColumns, boolean usesTensor) {
        this.expression = expression;
        this.role = role;
        this.parameterColumns = Collections.unmodifiableMap(new LinkedHashMap<>(parameterColumns));
        this.usesTensor = usesTensor;
    }

    public Expression expression() {
        return expression;
    }

    public ExpressionRole role() {
        return role;
    }

    /** The config values the expression needs, by name, sorted. */
    public Set<String> parameters() {
        return parameterColumns.keySet();
    }

    /** Whether the expression uses its tensor at all ({@code 0.0} is a valid, if idle, regularizer). */
    public boolean usesTensor() {
        return usesTensor;
    }

    /**
     * Picks the values of the {@linkplain #parameters() parameters} out of an object's config (the
     * {@code config} of {@code {"class_name": "MyL1Regularizer", "config": {"factor": 0.01}}}, as
     * read from JSON). Numbers are used as they are, booleans as 1 and 0; text, lists, objects and
     * {@code null} are refused when the expression uses them. Other config entries are ignored.
     *
     * @return each parameter's value, in the order of {@link #parameters()}
     * @throws ExpressionException naming every parameter that is missing or not a number, at the
     *                             column where the expression first uses it
     */
    public Map<String, Double> bind(Map<String, ?> config) throws ExpressionException {
        Map<String, Double> values = new LinkedHashMap<>();
        List<Problem> problems = new ArrayList<>();
        parameterColumns.forEach((name, column) -> {
            if (!config.containsKey(name)) {
                problems.add(new Problem(column, "the config has no value '" + name + "'" + available(config)));
                return;
            }
            Object value = config.get(name);
            if (value instanceof Number number) {
                values.put(name, number.doubleValue());
            } else if (value instanceof Boolean bool) {
                values.put(name, bool ? 1.0 : 0.0);
            } else {
                problems.add(new Problem(column, "config value '" + name + "' is " + describe(value)
                        + "; expressions use only numbers and booleans"));
            }
        });
        if (!problems.isEmpty()) {
            throw new ExpressionException(problems);
        }
        return Collections.unmodifiableMap(values);
    }

    private static String available(Map<String, ?> config) {
        if (config.isEmpty()) {
            return " (the config is empty)";
        }
        List<String> names = config.keySet().stream().sorted().limit(ExpressionException.MAX_REPORTED).toList();
        return " (it has " + String.join(", ", names) + (config.size() > names.size() ? ", ..." : "") + ")";
    }

    private static String describe(@org.jspecify.annotations.Nullable Object value) {
        if (value == null) {
            return "null";
        }
        if (value instanceof CharSequence text) {
            String shown = text.length() > MAX_QUOTED ? text.subSequence(0, MAX_QUOTED) + "..." : text.toString();
            return "text (\"" + shown + "\")";
        }
        if (value instanceof Collection<?> || value.getClass().isArray()) {
            return "a list";
        }
        if (value instanceof Map<?, ?>) {
            return "an object";
        }
        return "a " + value.getClass().getSimpleName();
    }

    @Override
    public String toString() {
        return role + " " + expression;
    }
}
