package io.kerasregistry.inference;

import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The result of one forward pass.
 *
 * @param outputs      the model outputs in model output order, keyed by output layer name (made
 *                     unique with {@code :call:tensor} when one layer yields several outputs)
 * @param layerOutputs every layer call in execution order, nested models' layers included, when
 *                     requested; empty otherwise
 * @param penalty      weight regularization penalties at the stored weights plus the activity
 *                     regularization penalties of this run's inputs
 */
public record ForwardResult(Map<String, INDArray> outputs, List<LayerOutput> layerOutputs,
        RegularizationPenalty penalty) {

    public ForwardResult {
        outputs = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(outputs));
        layerOutputs = List.copyOf(layerOutputs);
    }
}
