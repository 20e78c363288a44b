package io.kerasregistry.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kerasregistry.keras.KerasModel;
import io.kerasregistry.keras.LayerWeights;
import io.kerasregistry.keras.WeightRef;
import io.kerasregistry.keras.WeightsManifest;
import java.io.IOException;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/** Engine behaviour beyond the numbers: loading, inputs, layer outputs, batches, errors. */
class EngineTest {

    private final InferenceEngine engine = new InferenceEngine();

    static TestCase load(String name) throws IOException {
        return TestCase.load(NumpyCasesTest.CASES.resolve(name + ".json"));
    }

    @Test
    void everyWeightIsStreamedIntoNd4jOnceAndNeverCopiedOnTheHeap() throws IOException {
        TestCase c = load("nested_models_keras2_node_offset");
        engine.compile(c.model(), c.weights()).run(c.inputs(), false);
        long stored = c.model().weights().layers().stream().mapToLong(l -> l.weights().size()).sum();
        assertEquals(stored, c.weights().reads);
        assertEquals(stored, new HashSet<>(c.weights().readOrder).size());
        assertEquals(0, c.weights().heapReads);
    }

    @Test
    void nothingIsReadWhenTheModelCannotBeComputed() throws IOException {
        TestCase c = load("error_options_listed");
        assertThrows(UnsupportedModelFeaturesException.class, () -> engine.compile(c.model(), c.weights()));
        assertEquals(0, c.weights().reads);
    }

    @Test
    void everyProblemIsListed() throws IOException {
        TestCase c = load("error_unsupported_all_listed");
        UnsupportedModelFeaturesException e = assertThrows(UnsupportedModelFeaturesException.class,
                () -> engine.compile(c.model(), c.weights()));
        assertEquals(List.of("lc", "lam", "dense", "mine"), e.issues().stream().map(i -> i.layerPath()).toList());
        assertEquals(List.of(UnsupportedModelFeaturesException.Kind.LAYER, UnsupportedModelFeaturesException.Kind.LAYER,
                UnsupportedModelFeaturesException.Kind.UNKNOWN_CUSTOM_OBJECT,
                UnsupportedModelFeaturesException.Kind.UNKNOWN_CUSTOM_OBJECT),
                e.issues().stream().map(i -> i.kind()).toList());
    }

    @Test
    void layerOutputsAreKeptOnRequestInExecutionOrder() throws IOException {
        TestCase c = load("nested_models_keras2_node_offset");
        CompiledModel m = engine.compile(c.model(), c.weights());
        ForwardResult without = m.run(c.inputs(), false);
        assertTrue(without.layerOutputs().isEmpty());
        ForwardResult with = m.run(c.inputs(), true);
        assertEquals(List.of("inner/d1", "inner/deep/d2", "inner/deep", "inner", "out"),
                with.layerOutputs().stream().map(LayerOutput::layerPath).toList());
        LayerOutput last = with.layerOutputs().get(with.layerOutputs().size() - 1);
        Tolerance.assertClose("last layer output", with.outputs().get("out"), last.outputs().get(0));
    }

    /** Sample i of a batch gives what the same sample gives alone: nothing mixes samples. */
    @Test
    void anyBatchSizeGivesTheSameSamples() throws IOException {
        for (String name : List.of("masked_lstm_gru_keras3", "conv2d_same_stride2_odd", "multi_head_attention_keras3",
                "normalization_layers", "bidirectional_and_time_distributed")) {
            TestCase c = load(name);
            CompiledModel m = engine.compile(c.model(), c.weights());
            Map<String, INDArray> full = c.inputs();
            List<INDArray> all = List.copyOf(m.run(full, false).outputs().values());
            long batch = full.values().iterator().next().size(0);
            for (long i = 0; i < batch; i++) {
                Map<String, INDArray> one = new LinkedHashMap<>();
                for (var e : full.entrySet()) {
                    one.put(e.getKey(), sample(e.getValue(), i));
                }
                List<INDArray> single = List.copyOf(m.run(one, false).outputs().values());
                for (int o = 0; o < all.size(); o++) {
                    Tolerance.assertClose(name + " sample " + i + " output " + o, sample(all.get(o), i), single.get(o));
                }
            }
        }
    }

    private static INDArray sample(INDArray x, long i) {
        INDArray s = x.get(NDArrayIndex.interval(i, i + 1));
        long[] shape = x.shape().clone();
        shape[0] = 1;
        return s.dup('c').reshape('c', shape);
    }

    @Test
    void inputsAreCheckedByName() throws IOException {
        TestCase c = load("functional_two_inputs_two_outputs_any_order");
        CompiledModel m = engine.compile(c.model(), c.weights());
        assertEquals(List.of("in_a", "in_b"), m.inputNames());
        InferenceException missing = assertThrows(InferenceException.class,
                () -> m.run(Map.of("in_a", c.inputs().get("in_a")), false));
        assertTrue(missing.getMessage().contains("missing input 'in_b'"), missing.getMessage());
        Map<String, INDArray> extra = new LinkedHashMap<>(c.inputs());
        extra.put("other", Nd4j.zeros(1));
        assertThrows(InferenceException.class, () -> m.run(extra, false));
    }

    @Test
    void weightsThatContradictTheConfigAreReported() throws IOException {
        TestCase c = load("dense_relu_k2");
        KerasModel model = c.model();
        LayerWeights lw = model.weights().layers().get(0);
        WeightRef kernel = lw.weights().get(0);
        WeightRef wrong = new WeightRef(kernel.name(), List.of(5L, 7L), kernel.dtype(), kernel.location());
        KerasModel broken = new KerasModel(model.format(), model.kerasVersion(), model.backend(), model.modelClass(),
                false, model.architecture(), null, model.network(), model.layers(), model.inputs(), model.outputs(),
                model.regularizers(), model.constraints(), model.initializers(), model.customObjects(),
                model.findings(), new WeightsManifest(List.of(new LayerWeights(lw.layerPath(),
                        List.of(wrong, lw.weights().get(1))))));
        InferenceException e = assertThrows(InferenceException.class, () -> engine.compile(broken, c.weights()));
        assertTrue(e.getMessage().contains("dense/kernel:0 has shape [5, 7], expected [?, 4]"), e.getMessage());
    }
}
