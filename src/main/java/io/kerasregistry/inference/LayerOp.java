package io.kerasregistry.inference;

import io.kerasregistry.keras.Call;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;

/** One layer, ready to run once its weights are loaded. */
interface LayerOp {

    /**
     * Computes one call of the layer.
     *
     * @param inputs the call's input tensors with their masks
     * @param call   the stored call, for its keyword arguments
     * @param run    the state of the current forward pass
     */
    List<Tensor> forward(List<Tensor> inputs, Call call, RunState run);

    /** Called once after the weights are loaded: converts stored layouts into what forward uses. */
    default void prepare() {
    }

    /**
     * The weights a regularizer attribute applies to, keyed by the attribute without its
     * {@code _regularizer} suffix ({@code kernel}, {@code bias}, {@code recurrent}, {@code depthwise},
     * {@code pointwise}, {@code embeddings}, {@code gamma}, {@code beta}, {@code alpha}). Lists, as a
     * Bidirectional layer has one per direction.
     */
    default Map<String, List<INDArray>> regularizedWeights() {
        return Map.of();
    }
}
