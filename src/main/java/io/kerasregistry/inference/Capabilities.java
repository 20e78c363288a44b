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
            "Activation", "ActivityRegularization", "Add", "AdditiveAttention", "AlphaDropout",
            "AtrousConvolution1D", "AtrousConvolution2D", "Attention", "Average", "AveragePooling1D",
            "AveragePooling2D", "AveragePooling3D", "AvgPool1D", "AvgPool2D", "AvgPool3D", "BatchNormalization",
            "Bidirectional", "Concatenate", "Conv1D", "Conv1DTranspose", "Conv2D", "Conv2DTranspose", "Conv3D",
            "Conv3DTranspose", "Convolution1D", "Convolution2D", "Convolution3D", "Cropping1D", "Cropping2D",
            "Cropping3D", "CuDNNGRU", "CuDNNLSTM", "Dense", "DepthwiseConv1D", "DepthwiseConv2D", "Dot",
            "Dropout", "ELU", "EinsumDense", "Embedding", "Flatten", "GRU", "GaussianDropout", "GaussianNoise",
            "GlobalAveragePooling1D", "GlobalAveragePooling2D", "GlobalAveragePooling3D", "GlobalAvgPool1D",
            "GlobalAvgPool2D", "GlobalAvgPool3D", "GlobalMaxPool1D", "GlobalMaxPool2D", "GlobalMaxPool3D",
            "GlobalMaxPooling1D", "GlobalMaxPooling2D", "GlobalMaxPooling3D", "GroupNormalization", "Identity",
            "InputLayer", "LSTM", "LayerNormalization", "LeakyReLU", "Masking", "MaxPool1D", "MaxPool2D",
            "MaxPool3D", "MaxPooling1D", "MaxPooling2D", "MaxPooling3D", "Maximum", "Merge", "Minimum",
            "MultiHeadAttention", "Multiply", "Normalization", "PReLU", "Permute", "RMSNormalization", "RNN",
            "RandomBrightness", "RandomContrast", "RandomFlip", "RandomHeight", "RandomRotation",
            "RandomTranslation", "RandomWidth", "RandomZoom", "ReLU", "RepeatVector", "Rescaling", "Reshape",
            "Resizing", "SeparableConv1D", "SeparableConv2D", "SeparableConvolution2D", "SimpleRNN", "Softmax",
            "SpatialDropout1D", "SpatialDropout2D", "SpatialDropout3D", "Subtract", "ThresholdedReLU",
            "TimeDistributed", "UnitNormalization", "UpSampling1D", "UpSampling2D", "UpSampling3D",
            "ZeroPadding1D", "ZeroPadding2D", "ZeroPadding3D");

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
