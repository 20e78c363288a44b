package io.kerasregistry.inference;

import io.kerasregistry.keras.Call;
import java.util.List;

/** A Sequential or Functional model used as a layer of another. */
final class GraphOp implements LayerOp {

    private final CompiledGraph graph;

    GraphOp(CompiledGraph graph) {
        this.graph = graph;
    }

    @Override
    public List<Tensor> forward(List<Tensor> inputs, Call call, RunState run) {
        return graph.run(inputs, run);
    }
}
