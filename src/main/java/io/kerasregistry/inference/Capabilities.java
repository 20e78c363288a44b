package io.kerasregistry.inference;

import java.util.Set;
import java.util.TreeSet;

/**
 * What the inference engine computes, for the HTTP API to serve. Deliberately free of ND4J: the API
 * process must never load ND4J's natives, and this class references nothing that would.
 * A test keeps these lists equal to the engine's translator table and activation table.
 */
public final class Capabilities {

    private static final Set<String> LAYERS = Set.of(
            "InputLayer", "Dropout", "SpatialDropout1D", "SpatialDropout2D", "SpatialDropout3D", "GaussianNoise",
            "GaussianDropout", "AlphaDropout", "Identity", "RandomFlip", "RandomRotation", "RandomZoom",
            "RandomTranslation", "RandomContrast", "RandomBrightness", "RandomHeight", "RandomWidth",
            "Dense", "Activation", "Flatten", "Reshape", "Permute", "RepeatVector", "Masking", "Embedding",
            "Rescaling", "Normalization", "ActivityRegularization");

    private static final Set<String> ACTIVATIONS = Set.of(
            "linear", "relu", "relu6", "sigmoid", "hard_sigmoid", "tanh", "softmax", "log_softmax", "softplus",
            "softsign", "elu", "selu", "swish", "silu", "gelu", "exponential", "leaky_relu", "mish", "hard_silu",
            "hard_swish", "log_sigmoid", "hard_tanh", "tanh_shrink", "celu", "squareplus", "sparse_plus",
            "sparse_sigmoid", "soft_shrink", "hard_shrink");

    private static final Set<String> REGULARIZERS = Set.of("L1", "L2", "L1L2", "OrthogonalRegularizer");

    private Capabilities() {
    }

    /** Keras layer class names the engine computes, sorted. */
    public static Set<String> layerClasses() {
        return new TreeSet<>(LAYERS);
    }

    /** Keras built-in activation names the engine computes, sorted. */
    public static Set<String> activations() {
        return new TreeSet<>(ACTIVATIONS);
    }

    /** Built-in regularizer classes whose penalty the engine computes (plus their lower-case aliases). */
    public static Set<String> regularizers() {
        return new TreeSet<>(REGULARIZERS);
    }

    public static boolean supportsLayer(String className) {
        return LAYERS.contains(className);
    }

    public static boolean supportsActivation(String name) {
        return ACTIVATIONS.contains(name);
    }
}
