package io.kerasregistry.keras;

import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * What a model config says, before the weights are matched to it.
 *
 * @param modelClass the top-level {@code class_name}
 * @param modelName  the model's {@code name}, when the config records one
 * @param subclassed no layer list in the config
 * @param era        which Keras wrote the config
 * @param network    the graph, {@code null} for subclassed models
 * @param layers     every layer in the order the reference inspector lists them: a layer, then the
 *                   layers of a nested model, then a wrapper's inner layers
 * @param inputs     the model's inputs
 * @param outputNames the layers producing the model's outputs, in output order
 * @param findings   what the config walk found (Keras 1 {@code Merge}, Sequential without input, ...)
 */
record ParsedModel(String modelClass, @Nullable String modelName, boolean subclassed, Era era,
        @Nullable Network network, List<WalkedLayer> layers, List<TensorSpec> inputs, List<String> outputNames,
        List<Finding> findings) {

    enum Era { KERAS1, KERAS2, KERAS3 }

    /**
     * One layer of the config.
     *
     * @param path          the layer's path ({@code outer/inner}; a wrapper's inner layer is
     *                      {@code bidirectional/lstm})
     * @param name          its own name
     * @param className     the class name as written
     * @param dict          the layer's serialized form ({@code class_name}, {@code config}, ...) as stored
     * @param config        the config with Keras 1 argument names converted
     * @param originalNames for converted arguments, the name the file uses
     * @param trainable     its own flag and all enclosing models' and wrappers' flags
     * @param wrapped       an inner layer of a wrapper ({@code Bidirectional}, {@code TimeDistributed},
     *                      an RNN's {@code cell}): its weights are stored with the wrapper's
     */
    record WalkedLayer(String path, String name, String className, JsonNode dict, JsonNode config,
            Map<String, String> originalNames, boolean trainable, boolean wrapped) {

        String originalName(String attribute) {
            return originalNames.getOrDefault(attribute, attribute);
        }
    }
}
