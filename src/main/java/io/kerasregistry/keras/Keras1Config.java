package io.kerasregistry.keras;

import java.util.LinkedHashMap;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Keras 1 layer arguments under their Keras 2 names, as Keras 2's own converters rewrote them when
 * loading Keras 1 files ({@code keras/legacy/interfaces.py} in Keras 2.0-2.2:
 * {@code legacy_dense_support}, {@code legacy_conv2d_support}, {@code legacy_recurrent_support}, ...).
 * Class names are left as written ({@code Convolution2D} stays {@code Convolution2D}, so that the
 * registry lists what the file says); {@link #canonicalClassName} gives the Keras 2 class.
 */
final class Keras1Config {

    private Keras1Config() {
    }

    /** A converted config and, for renamed keys, the Keras 1 name each came from. */
    record Converted(ObjectNode config, Map<String, String> originalNames) {
    }

    private static final Map<String, String> CLASS_NAMES = Map.ofEntries(
            Map.entry("Convolution1D", "Conv1D"),
            Map.entry("Convolution2D", "Conv2D"),
            Map.entry("Convolution3D", "Conv3D"),
            Map.entry("AtrousConvolution1D", "Conv1D"),
            Map.entry("AtrousConvolution2D", "Conv2D"),
            Map.entry("Deconvolution2D", "Conv2DTranspose"),
            Map.entry("Deconvolution3D", "Conv3DTranspose"),
            Map.entry("SeparableConvolution1D", "SeparableConv1D"),
            Map.entry("SeparableConvolution2D", "SeparableConv2D"),
            Map.entry("Convolution2DTranspose", "Conv2DTranspose"),
            Map.entry("Convolution3DTranspose", "Conv3DTranspose"),
            Map.entry("Convolution1DTranspose", "Conv1DTranspose"),
            Map.entry("MaxPool1D", "MaxPooling1D"),
            Map.entry("MaxPool2D", "MaxPooling2D"),
            Map.entry("MaxPool3D", "MaxPooling3D"),
            Map.entry("AvgPool1D", "AveragePooling1D"),
            Map.entry("AvgPool2D", "AveragePooling2D"),
            Map.entry("AvgPool3D", "AveragePooling3D"),
            Map.entry("GlobalMaxPool1D", "GlobalMaxPooling1D"),
            Map.entry("GlobalMaxPool2D", "GlobalMaxPooling2D"),
            Map.entry("GlobalMaxPool3D", "GlobalMaxPooling3D"),
            Map.entry("GlobalAvgPool1D", "GlobalAveragePooling1D"),
            Map.entry("GlobalAvgPool2D", "GlobalAveragePooling2D"),
            Map.entry("GlobalAvgPool3D", "GlobalAveragePooling3D"),
            Map.entry("BatchNormalizationV1", "BatchNormalization"),
            Map.entry("BatchNormalizationV2", "BatchNormalization"),
            Map.entry("LSTMV1", "LSTM"),
            Map.entry("GRUV1", "GRU"));

    /**
     * The Keras 2/3 class that a class name stands for: Keras 1 names ({@code Convolution2D}) and
     * aliases Keras kept ({@code MaxPool2D}, {@code BatchNormalizationV2}) map to the class that defines
     * the layer; other names are returned as they are.
     */
    static String canonicalClassName(String className) {
        return CLASS_NAMES.getOrDefault(className, className);
    }

    /** Renames Keras 1 arguments of a built-in layer; {@code config} is not modified. */
    static Converted convert(String className, ObjectNode config) {
        String canonical = canonicalClassName(className);
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        Map<String, String> original = new LinkedHashMap<>();
        boolean embedding = canonical.equals("Embedding");
        for (Map.Entry<String, JsonNode> e : config.properties()) {
            String key = e.getKey();
            JsonNode value = e.getValue();
            String renamed = switch (key) {
                case "input_dtype" -> "dtype";
                case "output_dim" -> embedding ? key : "units";
                case "init" -> embedding ? "embeddings_initializer"
                        : canonical.equals("PReLU") ? "alpha_initializer" : "kernel_initializer";
                case "inner_init" -> "recurrent_initializer";
                case "inner_activation" -> "recurrent_activation";
                case "W_regularizer" -> embedding ? "embeddings_regularizer" : "kernel_regularizer";
                case "U_regularizer" -> "recurrent_regularizer";
                case "b_regularizer" -> "bias_regularizer";
                case "W_constraint" -> embedding ? "embeddings_constraint" : "kernel_constraint";
                case "U_constraint" -> "recurrent_constraint";
                case "b_constraint" -> "bias_constraint";
                case "border_mode" -> "padding";
                case "subsample", "subsample_length" -> "strides";
                case "stride" -> "strides";
                case "nb_filter" -> "filters";
                case "filter_length" -> "kernel_size";
                case "pool_length" -> "pool_size";
                case "dim_ordering" -> "data_format";
                case "p" -> "rate";
                case "sigma" -> "stddev";
                case "dropout_W" -> "dropout";
                case "dropout_U" -> "recurrent_dropout";
                case "consume_less" -> "implementation";
                case "forget_bias_init" -> "unit_forget_bias";
                case "bias" -> value.isBoolean() ? "use_bias" : key;
                case "beta_init" -> "beta_initializer";
                case "gamma_init" -> "gamma_initializer";
                case "atrous_rate" -> "dilation_rate";
                default -> key;
            };
            if (renamed.equals(key) || config.has(renamed)) {
                if (!isMergedKey(key)) {
                    out.set(key, value);
                }
                continue;
            }
            out.set(renamed, convertValue(key, value));
            original.put(renamed, key);
        }
        mergeKernelSize(config, out, original, "nb_row", "nb_col");
        mergeKernelSize(config, out, original, "kernel_dim1", "kernel_dim2", "kernel_dim3");
        for (String key : new String[] {"layer", "forward_layer", "backward_layer", "cell"}) {
            JsonNode inner = out.get(key);
            if (inner instanceof ObjectNode innerLayer && innerLayer.get("config") instanceof ObjectNode innerConfig
                    && innerLayer.get("class_name") != null && innerLayer.get("class_name").isString()) {
                ObjectNode copy = innerLayer.deepCopy();
                copy.set("config", convert(innerLayer.get("class_name").stringValue(), innerConfig).config());
                out.set(key, copy);
            }
        }
        return new Converted(out, Map.copyOf(original));
    }

    private static boolean isMergedKey(String key) {
        return key.equals("nb_row") || key.equals("nb_col") || key.startsWith("kernel_dim");
    }

    private static void mergeKernelSize(ObjectNode config, ObjectNode out, Map<String, String> original,
            String... keys) {
        if (config.has("kernel_size") || !config.has(keys[0])) {
            for (String key : keys) {
                if (config.has(key) && !out.has(key)) {
                    out.set(key, config.get(key));
                }
            }
            return;
        }
        ArrayNode size = JsonNodeFactory.instance.arrayNode();
        for (String key : keys) {
            size.add(config.get(key) == null ? JsonNodeFactory.instance.nullNode() : config.get(key));
        }
        out.set("kernel_size", size);
        original.put("kernel_size", String.join(",", keys));
    }

    private static JsonNode convertValue(String key, JsonNode value) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        return switch (key) {
            case "dim_ordering" -> switch (value.isString() ? value.stringValue() : "") {
                case "tf" -> f.stringNode("channels_last");
                case "th" -> f.stringNode("channels_first");
                default -> f.nullNode();
            };
            case "consume_less" -> switch (value.isString() ? value.stringValue() : "") {
                case "cpu" -> f.numberNode(0);
                case "mem" -> f.numberNode(1);
                case "gpu" -> f.numberNode(2);
                default -> value;
            };
            case "forget_bias_init" -> f.booleanNode(value.isString() && value.stringValue().equals("one"));
            case "filter_length", "subsample_length", "pool_length", "stride" ->
                    value.isNumber() ? f.arrayNode().add(value) : value;
            default -> value;
        };
    }
}
