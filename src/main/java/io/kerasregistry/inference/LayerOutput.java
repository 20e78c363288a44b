package io.kerasregistry.inference;

import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * What one call of one layer produced, for "first divergent layer" reports.
 *
 * @param layerPath the layer's path from the top model
 * @param className its Keras class
 * @param call      which call of the layer (shared layers are called more than once)
 * @param outputs   its outputs, float32
 */
public record LayerOutput(String layerPath, String className, int call, List<INDArray> outputs) {

    public LayerOutput {
        outputs = List.copyOf(outputs);
    }
}
