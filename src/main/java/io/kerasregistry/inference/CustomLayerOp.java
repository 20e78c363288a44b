package io.kerasregistry.inference;

import io.kerasregistry.keras.Call;
import java.util.ArrayList;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;
import tools.jackson.databind.JsonNode;

/** A layer computed by a user-registered {@link CustomLayer}. Masks do not pass through it. */
final class CustomLayerOp implements LayerOp {

    private final CustomLayer impl;
    private final JsonNode config;
    private final Weights weights;

    CustomLayerOp(CustomLayer impl, JsonNode config, Weights weights) {
        this.impl = impl;
        this.config = config;
        this.weights = weights;
    }

    @Override
    public List<Tensor> forward(List<Tensor> inputs, Call call, RunState run) {
        List<INDArray> in = inputs.stream().map(Tensor::value).toList();
        List<INDArray> out = impl.forward(config, weights.all(), in);
        List<Tensor> result = new ArrayList<>(out.size());
        for (INDArray o : out) {
            result.add(Tensor.of(Nd.f32(o)));
        }
        return result;
    }
}
