package io.kerasregistry.inference;

import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;
import tools.jackson.databind.JsonNode;

/**
 * The forward pass of a custom Keras layer. This is also the service interface a Java plug-in
 * implements (found with {@link java.util.ServiceLoader}), so it stays small and uses no ND4J type
 * beyond {@link INDArray}.
 *
 * <p>Implementations must not modify their inputs or weights.
 */
public interface CustomLayer {

    /** The name Keras looks the layer up by: its {@code registered_name} ({@code pkg>Name}) or class name. */
    String name();

    /**
     * Computes the layer's outputs.
     *
     * @param config  the layer's config as stored in the model file
     * @param weights the layer's stored weights in Keras's {@code layer.weights} order, float32
     * @param inputs  the tensors the layer is called with, float32, batch first
     * @return the layer's outputs, in the order Keras returns them
     */
    List<INDArray> forward(JsonNode config, List<INDArray> weights, List<INDArray> inputs);
}
