package io.kerasregistry.inference;

import io.kerasregistry.keras.KerasModel;
import io.kerasregistry.keras.TensorRef;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A model ready to run, holding its weights off-heap. Runs are independent of each other (stateful
 * RNNs start from zero state every run). Not thread-safe.
 */
public final class CompiledModel {

    private final CompiledGraph graph;
    private final Compilation comp;
    private final RegularizationPenalty weightPenalty;
    private final List<String> inputNames;
    private final List<String> outputNames;

    CompiledModel(KerasModel model, CompiledGraph graph, Compilation comp, RegularizationPenalty weightPenalty) {
        this.graph = graph;
        this.comp = comp;
        this.weightPenalty = weightPenalty;
        this.inputNames = graph.network().inputs().stream().map(TensorRef::layer).toList();
        this.outputNames = uniqueOutputNames(graph.network().outputs());
    }

    private static List<String> uniqueOutputNames(List<TensorRef> outs) {
        Map<String, Integer> count = new HashMap<>();
        for (TensorRef r : outs) {
            count.merge(r.layer(), 1, Integer::sum);
        }
        List<String> names = new ArrayList<>();
        for (TensorRef r : outs) {
            names.add(count.get(r.layer()) == 1 ? r.layer() : r.layer() + ":" + r.call() + ":" + r.tensor());
        }
        return names;
    }

    /** The input layer names, in model input order. */
    public List<String> inputNames() {
        return inputNames;
    }

    /** The output names used as keys of {@link ForwardResult#outputs()}, in model output order. */
    public List<String> outputNames() {
        return outputNames;
    }

    /** The weight regularization penalties at the stored weights (without activity penalties). */
    public RegularizationPenalty weightPenalty() {
        return weightPenalty;
    }

    /**
     * Runs the model.
     *
     * @param inputs           one array per input layer name, batch first; any numeric type
     *                         (converted to float32; integer ids for an Embedding are fine)
     * @param keepLayerOutputs whether to keep every layer call's outputs in the result
     */
    public ForwardResult run(Map<String, INDArray> inputs, boolean keepLayerOutputs) {
        List<Tensor> in = new ArrayList<>();
        for (String name : inputNames) {
            INDArray x = inputs.get(name);
            if (x == null) {
                throw new InferenceException("missing input '" + name + "'; the model's inputs are " + inputNames);
            }
            in.add(Tensor.of(Nd.f32(x)));
        }
        for (String name : inputs.keySet()) {
            if (!inputNames.contains(name)) {
                throw new InferenceException("unknown input '" + name + "'; the model's inputs are " + inputNames);
            }
        }
        RunState rs = new RunState(keepLayerOutputs);
        List<Tensor> out = graph.run(in, rs);
        Map<String, INDArray> named = new LinkedHashMap<>();
        for (int i = 0; i < out.size(); i++) {
            named.put(outputNames.get(i), out.get(i).value());
        }
        List<PenaltyTerm> terms = new ArrayList<>(weightPenalty.terms());
        terms.addAll(rs.activityPenalties);
        return new ForwardResult(named, rs.layerOutputs, RegularizationPenalty.of(terms));
    }
}
