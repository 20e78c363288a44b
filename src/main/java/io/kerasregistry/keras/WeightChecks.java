package io.kerasregistry.keras;

import io.kerasregistry.keras.ParsedModel.Era;
import io.kerasregistry.keras.ParsedModel.WalkedLayer;
import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * Checks that stored weight shapes agree with the layer configs where that is cheap and certain
 * (Keras 2/3 kernel layouts, as the layers' {@code build} methods create them: {@code Dense} kernel
 * {@code [in, units]}, convolution kernels {@code [*kernel_size, in, filters]}, {@code Embedding}
 * {@code [input_dim, output_dim]}, recurrent kernels {@code [in, gates * units]}). A contradiction means
 * the file was assembled by hand; Keras would refuse to load it, and an inference engine trusting the
 * config would read out of bounds.
 */
final class WeightChecks {

    private WeightChecks() {
    }

    static void check(ParsedModel model, List<LayerWeights> manifest) {
        if (model.era() == Era.KERAS1) {
            return; // Keras 1 stores per-gate arrays and Theano kernel layouts; checked by the engine
        }
        java.util.Map<String, WalkedLayer> byPath = new java.util.HashMap<>();
        model.layers().forEach(l -> byPath.putIfAbsent(l.path(), l));
        for (LayerWeights weights : manifest) {
            WalkedLayer layer = byPath.get(weights.layerPath());
            if (layer == null || layer.wrapped() || weights.weights().isEmpty()) {
                continue;
            }
            check(layer, weights.weights());
        }
    }

    private static void check(WalkedLayer layer, List<WeightRef> weights) {
        String className = Keras1Config.canonicalClassName(layer.className());
        JsonNode config = layer.config();
        List<Long> first = weights.get(0).shape();
        switch (className) {
            case "Dense" -> {
                Long units = integer(config, "units");
                if (first.size() != 2) {
                    throw new CorruptModelException("layer " + layer.path() + " (" + layer.className() + "): weight "
                            + weights.get(0).name() + " has shape " + first + ", but a Dense kernel is 2-D");
                }
                if (units != null && last(first) != units) {
                    throw contradiction(layer, weights.get(0), "units=" + units);
                }
                if (units != null && weights.size() >= 2 && ConfigReader.flag(config, "use_bias", true)
                        && weights.get(1).shape().size() == 1 && weights.get(1).shape().get(0) != units.longValue()) {
                    throw contradiction(layer, weights.get(1), "units=" + units);
                }
            }
            case "Conv1D", "Conv2D", "Conv3D" -> {
                int rank = className.charAt(4) - '0';
                Long filters = integer(config, "filters");
                if (filters != null && first.size() == rank + 2 && last(first) != filters) {
                    throw contradiction(layer, weights.get(0), "filters=" + filters);
                }
                JsonNode kernelSize = config.get("kernel_size");
                if (kernelSize != null && kernelSize.isArray() && kernelSize.size() == rank && first.size() == rank + 2) {
                    for (int i = 0; i < rank; i++) {
                        if (kernelSize.get(i).isIntegralNumber() && kernelSize.get(i).asLong() != first.get(i)) {
                            throw contradiction(layer, weights.get(0), "kernel_size=" + kernelSize);
                        }
                    }
                }
            }
            case "Embedding" -> {
                Long inputDim = integer(config, "input_dim");
                Long outputDim = integer(config, "output_dim");
                if (inputDim != null && outputDim != null && first.size() == 2
                        && (first.get(0) != inputDim.longValue() || first.get(1) != outputDim.longValue())) {
                    throw contradiction(layer, weights.get(0), "input_dim=" + inputDim + ", output_dim=" + outputDim);
                }
            }
            case "LSTM", "GRU", "SimpleRNN" -> {
                Long units = integer(config, "units");
                int gates = className.equals("LSTM") ? 4 : className.equals("GRU") ? 3 : 1;
                if (units != null && first.size() == 2 && last(first) != gates * units) {
                    throw contradiction(layer, weights.get(0), "units=" + units);
                }
                if (units != null && weights.size() >= 2) {
                    List<Long> recurrent = weights.get(1).shape();
                    if (recurrent.size() == 2 && (recurrent.get(0) != units.longValue()
                            || recurrent.get(1) != gates * units)) {
                        throw contradiction(layer, weights.get(1), "units=" + units);
                    }
                }
            }
            default -> {
                // no cheap, certain check
            }
        }
    }

    private static long last(List<Long> shape) {
        return shape.get(shape.size() - 1);
    }

    private static Long integer(JsonNode config, String key) {
        JsonNode value = config.get(key);
        return value != null && value.isIntegralNumber() ? value.asLong() : null;
    }

    private static CorruptModelException contradiction(WalkedLayer layer, WeightRef weight, String config) {
        return new CorruptModelException("layer " + layer.path() + " (" + layer.className() + "): weight "
                + weight.name() + " has shape " + weight.shape() + ", which contradicts its config " + config);
    }
}
