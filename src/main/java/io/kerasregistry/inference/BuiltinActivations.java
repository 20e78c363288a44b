package io.kerasregistry.inference;

import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Keras's built-in activations as {@link CustomActivation}s, with the parameters Keras's functions take,
 * so that the custom-object catalogue can resolve a custom name to a built-in ({@code my_gelu} →
 * {@code gelu(approximate=True)}, {@code my_leaky} → {@code leaky_relu(negative_slope=0.1)}).
 */
public final class BuiltinActivations {

    private static final Map<String, Set<String>> PARAMETERS = Map.of(
            "gelu", Set.of("approximate"),
            "leaky_relu", Set.of("negative_slope"),
            "elu", Set.of("alpha"),
            "relu", Set.of("negative_slope", "max_value", "threshold"),
            "softmax", Set.of("axis"),
            "log_softmax", Set.of("axis"));

    private BuiltinActivations() {
    }

    /**
     * The built-in {@code name} with the given parameters (Keras's argument names; booleans as 0/1).
     *
     * @param kerasMajor the Keras major version whose definitions apply ({@code hard_sigmoid} changed in 3)
     * @return empty when there is no such built-in or it takes no such parameter
     */
    public static Optional<CustomActivation> of(String name, Map<String, Double> params, int kerasMajor) {
        Set<String> allowed = PARAMETERS.getOrDefault(name, Set.of());
        if (!allowed.containsAll(params.keySet())) {
            return Optional.empty();
        }
        UnaryOperator<INDArray> f = switch (name) {
            case "gelu" -> x -> Activations.gelu(x, params.getOrDefault("approximate", 0.0) != 0.0);
            case "leaky_relu" -> {
                double s = params.getOrDefault("negative_slope", 0.2);
                yield x -> Activations.leakyRelu(x, s);
            }
            case "elu" -> {
                double a = params.getOrDefault("alpha", 1.0);
                yield x -> Activations.elu(x, a);
            }
            case "relu" -> {
                double slope = params.getOrDefault("negative_slope", 0.0);
                Double max = params.get("max_value");
                double threshold = params.getOrDefault("threshold", 0.0);
                yield x -> ActivationLayers.relu(x, slope, max, threshold);
            }
            case "softmax", "log_softmax" -> {
                int axis = params.getOrDefault("axis", -1.0).intValue();
                boolean log = name.equals("log_softmax");
                yield x -> log ? Nd.logSoftmax(x, Nd.axis(axis, x.rank())) : Nd.softmax(x, Nd.axis(axis, x.rank()));
            }
            default -> {
                KerasFlavor flavor = new KerasFlavor(kerasMajor, -1, kerasMajor == 2);
                yield new Activations(flavor).builtIn(name);
            }
        };
        if (f == null) {
            return Optional.empty();
        }
        UnaryOperator<INDArray> g = f;
        return Optional.of(g::apply);
    }
}
