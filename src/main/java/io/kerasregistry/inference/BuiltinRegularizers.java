package io.kerasregistry.inference;

import java.util.Locale;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * Keras's built-in regularizers as {@link CustomRegularizer}s, so that the custom-object catalogue can
 * resolve a custom name to one ({@code my_reg} → {@code {"class_name": "L1", "config": {"l1": 0.001}}}),
 * as {@code custom_objects={"my_reg": keras.regularizers.L1(0.001)}} would.
 */
public final class BuiltinRegularizers {

    private static final double DEFAULT_FACTOR = 0.01;

    private BuiltinRegularizers() {
    }

    /**
     * The built-in a catalogue alias names: a string ({@code "l2"}, Keras's default factor 0.01) or
     * {@code {"class_name": "L1" | "L2" | "L1L2" | "OrthogonalRegularizer", "config": {...}}}.
     *
     * @return empty when the alias names no built-in regularizer
     */
    public static Optional<CustomRegularizer> of(@Nullable JsonNode alias) {
        if (alias == null || alias.isNull()) {
            return Optional.empty();
        }
        String name;
        JsonNode config;
        if (alias.isString()) {
            name = alias.asString();
            config = null;
        } else if (alias.isObject()) {
            name = alias.path("class_name").asString("");
            config = alias.path("config");
        } else {
            return Optional.empty();
        }
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "l1" -> {
                double l1 = factor(config, "l1", DEFAULT_FACTOR);
                yield Optional.of((cfg, w) -> l1 * Penalties.sumAbs(w));
            }
            case "l2" -> {
                double l2 = factor(config, "l2", DEFAULT_FACTOR);
                yield Optional.of((cfg, w) -> l2 * Penalties.sumSquares(w));
            }
            case "l1l2", "l1_l2" -> {
                double l1 = factor(config, "l1", config == null ? DEFAULT_FACTOR : 0);
                double l2 = factor(config, "l2", config == null ? DEFAULT_FACTOR : 0);
                yield Optional.of((cfg, w) -> l1 * Penalties.sumAbs(w) + l2 * Penalties.sumSquares(w));
            }
            case "orthogonalregularizer", "orthogonal_regularizer" -> {
                double factor = factor(config, "factor", DEFAULT_FACTOR);
                boolean rows = config == null || !config.path("mode").asString("rows").equals("columns");
                yield Optional.of((cfg, w) -> Penalties.orthogonal(w, factor, rows, 1e-14));
            }
            default -> Optional.empty();
        };
    }

    private static double factor(@Nullable JsonNode config, String key, double fallback) {
        if (config == null || !config.path(key).isNumber()) {
            return fallback;
        }
        return config.path(key).asDouble();
    }
}
