package io.kerasregistry.keras;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What the reader makes of each layout, on the generated fixtures (tools/fixtures/make_keras_fixtures.py). */
class KerasReaderTest {

    private final KerasReader reader = Fixtures.reader();

    private static Layer layer(Network network, String name) {
        return network.layers().stream().filter(l -> l.name().equals(name)).findFirst().orElseThrow();
    }

    private static List<String> weightNames(KerasModel model, String path) {
        return model.weights().forLayer(path).orElseThrow().weights().stream().map(WeightRef::name).toList();
    }

    @Test
    void findsTheCustomRegularizerOfTheSeedScenarioInKeras2Hdf5() {
        KerasModel model = reader.read(Fixtures.generated("k2_functional_custom_regularizer.h5"));
        assertThat(model.format()).isEqualTo(ModelFormat.KERAS_H5);
        assertThat(model.kerasVersion()).isEqualTo("2.15.0");
        assertThat(model.backend()).isEqualTo("tensorflow");
        assertSeedScenario(model);
        assertThat(model.trainingConfig().get("loss").stringValue()).isEqualTo("mse");
        assertThat(weightNames(model, "dense")).containsExactly("dense/kernel:0", "dense/bias:0");
        assertThat(model.weights().forLayer("dense").orElseThrow().weights().get(0).location())
                .isEqualTo("/model_weights/dense/dense/kernel:0");
    }

    @Test
    void findsTheCustomRegularizerOfTheSeedScenarioInKeras3Archive() {
        KerasModel model = reader.read(Fixtures.generated("k3_functional_custom_regularizer.keras"));
        assertThat(model.format()).isEqualTo(ModelFormat.KERAS_V3);
        assertThat(model.kerasVersion()).isEqualTo("3.8.0");
        assertSeedScenario(model);
        assertThat(model.trainingConfig().path("optimizer").get("class_name").stringValue()).isEqualTo("Adam");
        assertThat(weightNames(model, "dense")).containsExactly("vars/0", "vars/1");
        assertThat(model.weights().forLayer("dense_1").orElseThrow().weights().get(0).location())
                .isEqualTo("/layers/dense_1/vars/0");
    }

    private static void assertSeedScenario(KerasModel model) {
        assertThat(model.customObjects()).extracting(CustomObjectRef::kind, CustomObjectRef::name,
                CustomObjectRef::layerPath, CustomObjectRef::attribute)
                .containsExactly(tuple(CustomObjectKind.REGULARIZER, "my_custom_regularizer", "dense",
                        "kernel_regularizer"));
        assertThat(model.regularizers()).extracting(RegularizerRef::layerPath, RegularizerRef::attribute,
                        RegularizerRef::kind, RegularizerRef::l1, RegularizerRef::l2, RegularizerRef::name)
                .containsExactly(
                        tuple("dense", "kernel_regularizer", RegularizerKind.CUSTOM, null, null, "my_custom_regularizer"),
                        tuple("dense_1", "kernel_regularizer", RegularizerKind.L2, null, 0.001, "L2"),
                        tuple("dense_1", "bias_regularizer", RegularizerKind.L1, 0.0005, null, "L1"),
                        tuple("dense_1", "activity_regularizer", RegularizerKind.L1L2, 0.0, 0.01, "L1L2"));
        assertThat(model.modelClass()).isEqualTo("Functional");
        assertThat(model.paramCount()).isEqualTo(46);
        assertThat(model.inputs()).containsExactly(new TensorSpec("features", java.util.Arrays.asList(null, 8L), "float32"));
        assertThat(model.outputs()).extracting(TensorSpec::name, TensorSpec::shape)
                .containsExactly(tuple("dense_1", java.util.Arrays.asList(null, 2L)));
        Network network = model.network();
        assertThat(network.inputs()).containsExactly(new TensorRef("features", 0, 0));
        assertThat(layer(network, "dense_1").calls()).extracting(Call::inputs)
                .containsExactly(List.of(new TensorRef("dense", 0, 0)));
        assertThat(model.layers()).extracting(LayerSummary::path, LayerSummary::paramCount, LayerSummary::outputShape)
                .containsExactly(tuple("features", 0L, "(None, 8)"), tuple("dense", 36L, "(None, 4)"),
                        tuple("dense_1", 10L, "(None, 2)"));
    }

    @Test
    void normalisesRegularizersOfEveryFormIncludingInsideWrappers() {
        KerasModel model = reader.read(Fixtures.generated("k2_regularizer_zoo.h5"));
        assertThat(model.regularizers()).extracting(RegularizerRef::layerPath, RegularizerRef::attribute,
                        RegularizerRef::kind, RegularizerRef::l1, RegularizerRef::l2, RegularizerRef::factor)
                .containsExactly(
                        tuple("bidirectional/lstm", "kernel_regularizer", RegularizerKind.L1L2, 0.0, 9.999999747378752e-05,
                                null),
                        tuple("bidirectional/lstm", "recurrent_regularizer", RegularizerKind.L2, null, 0.01, null),
                        tuple("proj", "kernel_regularizer", RegularizerKind.L1, 0.01, null, null),
                        tuple("proj", "bias_regularizer", RegularizerKind.L2, null, 0.01, null),
                        tuple("td/td_dense", "kernel_regularizer", RegularizerKind.L1L2, 0.01, 0.01, null),
                        tuple("custom_reg", "kernel_regularizer", RegularizerKind.CUSTOM, null, null, 0.02));
        assertThat(model.customObjects()).extracting(CustomObjectRef::name).containsExactly("MyL1Regularizer");
        assertThat(model.constraints()).extracting(ObjectRef::layerPath, ObjectRef::attribute, ObjectRef::name,
                ObjectRef::builtIn).contains(tuple("proj", "kernel_constraint", "MaxNorm", true));
        // a wrapper holds its inner layers' weights, in Keras's order: forward then backward
        assertThat(weightNames(model, "bidirectional")).containsExactly(
                "bidirectional/forward_lstm/lstm_cell_1/kernel:0",
                "bidirectional/forward_lstm/lstm_cell_1/recurrent_kernel:0",
                "bidirectional/forward_lstm/lstm_cell_1/bias:0",
                "bidirectional/backward_lstm/lstm_cell_2/kernel:0",
                "bidirectional/backward_lstm/lstm_cell_2/recurrent_kernel:0",
                "bidirectional/backward_lstm/lstm_cell_2/bias:0");
        assertThat(model.layers()).filteredOn(l -> l.path().equals("bidirectional/lstm"))
                .extracting(LayerSummary::paramCount).containsExactly(0L);
        assertThat(model.layers()).filteredOn(l -> l.path().equals("bidirectional"))
                .extracting(LayerSummary::paramCount, LayerSummary::outputShape).containsExactly(tuple(192L, "(None, 6)"));
    }

    @Test
    void readsKeras3RegularizersInWrappersAndCells() {
        KerasModel model = reader.read(Fixtures.generated("k3_functional_nested.keras"));
        assertThat(model.regularizers()).extracting(RegularizerRef::layerPath, RegularizerRef::attribute,
                        RegularizerRef::kind, RegularizerRef::l1, RegularizerRef::l2)
                .containsExactly(
                        tuple("sequential/inner", "kernel_regularizer", RegularizerKind.L1L2, 0.001, 0.002),
                        tuple("bidirectional/forward_lstm", "recurrent_regularizer", RegularizerKind.L2, null, 0.003),
                        tuple("bidirectional/backward_lstm", "recurrent_regularizer", RegularizerKind.L2, null, 0.003),
                        tuple("rnn/gru_cell", "kernel_regularizer", RegularizerKind.L1, 0.004, null));
        KerasModel sequential = reader.read(Fixtures.generated("k3_sequential_build_shape.keras"));
        assertThat(sequential.regularizers()).extracting(RegularizerRef::kind, RegularizerRef::factor,
                RegularizerRef::mode).containsExactly(tuple(RegularizerKind.ORTHOGONAL, 0.02, "columns"),
                tuple(RegularizerKind.ORTHOGONAL, 0.01, "rows"));
    }

    @Test
    void readsChunkedLayerAndWeightNames() {
        KerasModel model = reader.read(Fixtures.generated("k2_chunked_layer_names.h5"));
        assertThat(model.layers()).extracting(LayerSummary::name).element(1).asString().hasSize(20004);
        assertThat(model.weights().layers()).extracting(LayerWeights::layerPath).containsExactly("head", "many");
        assertThat(weightNames(model, "many")).hasSize(2).first().asString().hasSize(33007);
        assertThat(model.paramCount()).isEqualTo(20);
    }

    @Test
    void attributesKeras2NestedModelWeightsToInnerLayersAndNormalisesNodeIndices() {
        KerasModel model = reader.read(Fixtures.generated("k2_nested_shared.h5"));
        Network network = model.network();
        // tf.keras counts the nested model's own node first: config node 1 and 2 are its calls 0 and 1
        assertThat(layer(network, "encoder").calls()).hasSize(2);
        assertThat(layer(network, "shared").calls()).extracting(Call::inputs).containsExactly(
                List.of(new TensorRef("encoder", 0, 0)), List.of(new TensorRef("encoder", 1, 0)));
        assertThat(layer(network, "add").calls().get(0).inputs()).containsExactly(new TensorRef("shared", 0, 0),
                new TensorRef("shared", 1, 0));
        assertThat(network.outputs()).containsExactly(new TensorRef("add", 0, 0), new TensorRef("encoder", 1, 0));
        assertThat(layer(network, "encoder").nested().layers()).extracting(Layer::path)
                .containsExactly("encoder/enc_in", "encoder/enc_dense");
        assertThat(model.weights().layers()).extracting(LayerWeights::layerPath)
                .containsExactly("encoder/enc_dense", "shared");
        assertThat(model.outputs()).extracting(TensorSpec::shape)
                .containsExactly(java.util.Arrays.asList(null, 2L), java.util.Arrays.asList(null, 3L));
    }

    @Test
    void readsKeras3SharedLayersMultipleInputsAndOutputsAndStateKwargs() {
        KerasModel model = reader.read(Fixtures.generated("k3_shared_multi_io.keras"));
        Network network = model.network();
        // dict inputs and outputs flatten in sorted key order, as Keras's tree.flatten does
        assertThat(network.inputs()).extracting(TensorRef::layer).containsExactly("a", "b", "seq");
        assertThat(network.outputs()).containsExactly(new TensorRef("encoder", 1, 0), new TensorRef("lstm", 0, 0),
                new TensorRef("add", 0, 0));
        assertThat(layer(network, "shared").calls()).extracting(Call::inputs).containsExactly(
                List.of(new TensorRef("encoder", 0, 0)), List.of(new TensorRef("encoder", 1, 0)));
        Call lstm = layer(network, "lstm").calls().get(0);
        assertThat(lstm.inputs()).containsExactly(new TensorRef("seq", 0, 0), new TensorRef("add", 0, 0),
                new TensorRef("shared", 1, 0));
        assertThat(lstm.kwargs()).containsKeys("initial_state", "mask", "training");
        assertThat(model.weights().layers()).extracting(LayerWeights::layerPath)
                .containsExactly("encoder/enc_dense", "shared", "lstm");
        assertThat(weightNames(model, "lstm")).containsExactly("cell/vars/0", "cell/vars/1", "cell/vars/2");
    }

    @Test
    void readsKeras3NestedModelsWrappersAndCells() {
        KerasModel model = reader.read(Fixtures.generated("k3_functional_nested.keras"));
        assertThat(model.weights().layers()).extracting(LayerWeights::layerPath)
                .containsExactly("sequential/inner", "sequential/bn", "bidirectional", "rnn", "head");
        assertThat(weightNames(model, "bidirectional")).containsExactly("forward_layer/cell/vars/0",
                "forward_layer/cell/vars/1", "forward_layer/cell/vars/2", "backward_layer/cell/vars/0",
                "backward_layer/cell/vars/1", "backward_layer/cell/vars/2");
        assertThat(weightNames(model, "sequential/bn")).containsExactly("vars/0", "vars/1", "vars/2", "vars/3");
        assertThat(model.weights().forLayer("head").orElseThrow().weights().get(0).location())
                .isEqualTo("/layers/dense/vars/0");
        assertThat(model.findings()).extracting(Finding::code).doesNotContain("UNMATCHED_WEIGHTS", "MISSING_WEIGHTS");
    }

    @Test
    void readsADeflatedWeightsEntryLikeAStoredOne() {
        KerasModel stored = reader.read(Fixtures.generated("k3_functional_nested.keras"));
        KerasModel deflated = reader.read(Fixtures.generated("k3_functional_nested_deflated.keras"));
        assertThat(deflated.weights()).isEqualTo(stored.weights());
        assertThat(deflated.paramCount()).isEqualTo(291);
    }

    @Test
    void synthesisesTheInputOfASequentialWithoutOne() {
        KerasModel keras3 = reader.read(Fixtures.generated("k3_sequential_build_shape.keras"));
        assertThat(keras3.network().inputs()).containsExactly(new TensorRef("input_layer", 0, 0));
        assertThat(keras3.inputs()).containsExactly(new TensorSpec("input_layer", java.util.Arrays.asList(null, 3L),
                "float32"));
        assertThat(keras3.layers()).extracting(LayerSummary::className).containsExactly("Dense", "Dropout", "Dense");
        // the Dropout's seed generator state is not a weight
        assertThat(keras3.findings()).extracting(Finding::code).doesNotContain("UNMATCHED_WEIGHTS");
        KerasModel keras1 = reader.read(Fixtures.generated("k1_seq_conv_regularizers.h5"));
        assertThat(keras1.network().layers().get(0).name()).isEqualTo("convolution2d_1_input");
        assertThat(keras1.inputs()).containsExactly(new TensorSpec("convolution2d_1_input",
                java.util.Arrays.asList(null, 6L, 6L, 1L), "float32"));
    }

    @Test
    void mapsKeras1ArgumentsToKeras2Names() {
        KerasModel model = reader.read(Fixtures.generated("k1_seq_conv_regularizers.h5"));
        assertThat(model.kerasVersion()).isEqualTo("1.2.2");
        assertThat(model.backend()).isNull();
        Layer conv = layer(model.network(), "convolution2d_1");
        assertThat(conv.className()).isEqualTo("Convolution2D");
        assertThat(conv.canonicalClassName()).isEqualTo("Conv2D");
        assertThat(conv.config().get("filters").asInt()).isEqualTo(4);
        assertThat(conv.config().get("kernel_size").toString()).isEqualTo("[3,3]");
        assertThat(conv.config().get("padding").stringValue()).isEqualTo("same");
        assertThat(conv.config().get("strides").toString()).isEqualTo("[1,1]");
        assertThat(conv.config().get("data_format").stringValue()).isEqualTo("channels_last");
        assertThat(conv.config().get("kernel_initializer").stringValue()).isEqualTo("glorot_uniform");
        assertThat(conv.config().get("use_bias").booleanValue()).isTrue();
        assertThat(conv.config().has("nb_filter")).isFalse();
        assertThat(layer(model.network(), "dropout_1").config().get("rate").asDouble()).isEqualTo(0.25);
        assertThat(layer(model.network(), "dense_1").config().get("units").asInt()).isEqualTo(3);
        assertThat(model.regularizers()).extracting(RegularizerRef::layerPath, RegularizerRef::attribute,
                        RegularizerRef::originalAttribute, RegularizerRef::kind, RegularizerRef::l1, RegularizerRef::l2,
                        RegularizerRef::name)
                .containsExactly(
                        tuple("convolution2d_1", "kernel_regularizer", "W_regularizer", RegularizerKind.L1L2, 0.0, 0.01,
                                "WeightRegularizer"),
                        tuple("dense_1", "kernel_regularizer", "W_regularizer", RegularizerKind.L1L2, 0.001, 0.0,
                                "WeightRegularizer"),
                        tuple("dense_1", "activity_regularizer", "activity_regularizer", RegularizerKind.L1L2, 0.0,
                                0.002, "ActivityRegularizer"));
        assertThat(model.constraints()).extracting(ObjectRef::attribute, ObjectRef::name, ObjectRef::builtIn)
                .containsExactly(tuple("kernel_constraint", "MaxNorm", true));
        assertThat(model.customObjects()).isEmpty();
        assertThat(model.architecture().get("config").get(0).get("config").has("nb_filter")).isTrue();
        assertThat(weightNames(model, "convolution2d_1")).containsExactly("convolution2d_1_W:0", "convolution2d_1_b:0");
        assertThat(model.layers()).extracting(LayerSummary::outputShape)
                .containsExactly("(None, 6, 6, 4)", "(None, 144)", "(None, 144)", "(None, 3)");
    }

    @Test
    void pairsWeightsWrittenUnderOtherNamesInOrder() {
        KerasModel model = reader.read(Fixtures.generated("k2_pair.weights.h5"), Fixtures.generated("k2_pair.model.json"));
        assertThat(model.format()).isEqualTo(ModelFormat.KERAS_WEIGHTS_H5);
        assertThat(model.kerasVersion()).isEqualTo("2.6.0");
        assertThat(model.weights().layers()).extracting(LayerWeights::layerPath)
                .containsExactly("dense", "block/inner_dense", "block/inner_bn", "out");
        assertThat(weightNames(model, "block/inner_bn")).containsExactly("inner_bn_2/gamma:0", "inner_bn_2/beta:0",
                "inner_bn_2/moving_mean:0", "inner_bn_2/moving_variance:0");
        assertThat(model.findings()).extracting(Finding::code).contains("WEIGHTS_MATCHED_BY_ORDER")
                .doesNotContain("MISSING_WEIGHTS");
        KerasModel keras3 = reader.read(Fixtures.generated("k3_pair.weights.h5"), Fixtures.generated("k3_pair.model.json"));
        assertThat(keras3.format()).isEqualTo(ModelFormat.KERAS_WEIGHTS_H5);
        assertThat(keras3.weights().layers()).extracting(LayerWeights::layerPath).containsExactly("d1", "d2");
        assertThat(keras3.paramCount()).isEqualTo(26);
    }

    @Test
    void readsTfKeras213CheckpointDependenciesWithSkippedCountersAndWindowsPaths() {
        for (String name : List.of("tfk213_layer_checkpoint_dependencies.keras", "tfk213_windows_backslash.keras")) {
            KerasModel model = reader.read(Fixtures.generated(name));
            assertThat(model.weights().layers()).extracting(LayerWeights::layerPath, l -> l.weights().get(0).shape())
                    .as(name).containsExactly(tuple("dense", List.of(4L, 8L)), tuple("dense_1", List.of(8L, 6L)),
                            tuple("dense_2", List.of(6L, 2L)));
            try (WeightData data = reader.openWeights(Fixtures.generated(name), model)) {
                assertThat(data.readFloats(model.weights().layers().get(2).weights().get(1))).hasSize(2);
            }
        }
        KerasModel windows = reader.read(Fixtures.generated("tfk213_windows_backslash.keras"));
        assertThat(windows.findings()).extracting(Finding::code).contains("WINDOWS_PATHS");
        assertThat(windows.weights().layers().get(0).weights().get(0).location())
                .isEqualTo("/_layer_checkpoint_dependencies\\dense/vars/0");
    }

    @Test
    void reportsNpzWeightsWithoutOpeningThem() {
        Path file = Fixtures.generated("k3_npz_weights.keras");
        KerasModel model = reader.read(file);
        assertThat(model.findings()).extracting(Finding::code, Finding::severity)
                .containsExactly(tuple("NPZ_WEIGHTS", Finding.Severity.UNSAFE));
        assertThat(model.weights().layers()).isEmpty();
        assertThat(model.layers()).extracting(LayerSummary::className).containsExactly("InputLayer", "Dense");
        assertThatThrownBy(() -> reader.openWeights(file, model)).isInstanceOf(UnsupportedModelException.class)
                .hasMessageContaining("npz");
    }

    @Test
    void reportsLambdaCodeAndDangerousModules() {
        KerasModel model = reader.read(Fixtures.generated("k3_lambda_unsafe.keras"));
        assertThat(model.findings()).extracting(Finding::code, Finding::layerPath).containsExactly(
                tuple("LAMBDA_BYTECODE", "lambda"), tuple("LAMBDA_BYTECODE", "named"), tuple("UNSAFE_MODULE", "evil"));
        assertThat(model.findings().get(0).message()).contains("__lambda__", "base64");
        assertThat(model.findings().get(1).message()).contains("my_transform");
        assertThat(model.findings().get(2).message()).contains("subprocess.check_output");
        assertThat(model.customObjects()).extracting(CustomObjectRef::kind, CustomObjectRef::name, CustomObjectRef::module)
                .containsExactly(tuple(CustomObjectKind.ACTIVATION, "check_output", "subprocess"));
        KerasModel keras2 = reader.read(Fixtures.generated("k2_lambda_os_system.h5"));
        assertThat(keras2.findings()).extracting(Finding::code).containsExactly("LAMBDA_BYTECODE", "UNSAFE_MODULE");
        assertThat(keras2.findings().get(1).message()).contains("os.system");
    }

    @Test
    void recognisesFilesBySignatureNotName() {
        assertThat(KerasReader.sniff(Fixtures.generated("hdf5_named.keras"))).contains(ModelFormat.KERAS_H5);
        assertThat(KerasReader.sniff(Fixtures.generated("k2_userblock.h5"))).contains(ModelFormat.KERAS_H5);
        assertThat(KerasReader.sniff(Fixtures.generated("k3_npz_weights.keras"))).contains(ModelFormat.KERAS_V3);
        assertThat(KerasReader.sniff(Fixtures.hostile("not_a_model.txt"))).isEqualTo(Optional.empty());
        assertThat(reader.read(Fixtures.generated("hdf5_named.keras")).format()).isEqualTo(ModelFormat.KERAS_H5);
        KerasModel userBlock = reader.read(Fixtures.generated("k2_userblock.h5"));
        assertThat(userBlock.paramCount()).isEqualTo(46);
        try (WeightData data = reader.openWeights(Fixtures.generated("k2_userblock.h5"), userBlock)) {
            assertThat(data.readFloats(userBlock.weights().layers().get(0).weights().get(0))).hasSize(32);
        }
    }

    @Test
    void recordsCustomLayersAndTheirModels() {
        KerasModel model = reader.read(Fixtures.generated("k2_chunked_layer_names.h5"));
        assertThat(model.customObjects()).extracting(CustomObjectRef::kind, CustomObjectRef::name,
                CustomObjectRef::layerPath).containsExactly(tuple(CustomObjectKind.LAYER, "ManyWeights", "many"));
    }
}
