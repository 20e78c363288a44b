package io.kerasregistry.keras;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Files Keras itself wrote ({@code ../shared/fixtures/keras-real}, described in its PROVENANCE.tsv);
 * skipped when that folder is absent.
 */
class RealFilesTest {

    private final KerasReader reader = Fixtures.reader();

    private KerasModel read(String name) {
        return Fixtures.read(reader, Fixtures.real(name));
    }

    private static Layer layer(Network network, String name) {
        return network.layers().stream().filter(l -> l.name().equals(name)).findFirst().orElseThrow();
    }

    private static List<String> weightNames(KerasModel model, String path) {
        return model.weights().forLayer(path).orElseThrow().weights().stream().map(WeightRef::name).toList();
    }

    @TestFactory
    Stream<DynamicTest> everyWeightOfEveryFileIsReadable() {
        if (!Fixtures.realAvailable()) {
            return Stream.of(DynamicTest.dynamicTest("real fixtures absent",
                    () -> assumeTrue(false, "real Keras fixtures not present")));
        }
        return Fixtures.list(Fixtures.realDir()).stream()
                .filter(p -> p.toString().endsWith(".h5") || p.toString().endsWith(".keras"))
                .map(file -> DynamicTest.dynamicTest(file.getFileName().toString(), () -> {
                    KerasModel model = Fixtures.read(reader, file);
                    long total = 0;
                    try (WeightData data = reader.openWeights(file, model)) {
                        for (LayerWeights layer : model.weights().layers()) {
                            for (WeightRef weight : layer.weights()) {
                                float[] values = data.readFloats(weight);
                                assertThat(values).hasSize((int) weight.elementCount());
                                for (float v : values) {
                                    assertThat(Float.isFinite(v)).isTrue();
                                }
                                total += values.length;
                            }
                        }
                    }
                    if (!model.subclassed()) {
                        assertThat(total).isEqualTo(model.paramCount());
                    }
                }));
    }

    @Test
    void keras1LstmKeepsItsTwelveGateArraysAsStored() {
        KerasModel model = read("k1.2.2_seq_lstm.h5");
        assertThat(model.kerasVersion()).isEqualTo("1.2.2");
        assertThat(model.backend()).isNull();
        assertThat(model.paramCount()).isEqualTo(10451);
        assertThat(weightNames(model, "lstm_1")).containsExactly("lstm_1_W_i:0", "lstm_1_U_i:0", "lstm_1_b_i:0",
                "lstm_1_W_c:0", "lstm_1_U_c:0", "lstm_1_b_c:0", "lstm_1_W_f:0", "lstm_1_U_f:0", "lstm_1_b_f:0",
                "lstm_1_W_o:0", "lstm_1_U_o:0", "lstm_1_b_o:0");
        Layer lstm = layer(model.network(), "lstm_1");
        assertThat(lstm.config().get("units").asInt()).isEqualTo(50);
        assertThat(lstm.config().get("recurrent_activation").stringValue()).isEqualTo("hard_sigmoid");
        assertThat(lstm.config().get("recurrent_initializer").stringValue()).isEqualTo("orthogonal");
        assertThat(lstm.config().get("dropout").asDouble()).isEqualTo(0.2);
        assertThat(lstm.config().get("unit_forget_bias").booleanValue()).isTrue();
        assertThat(model.network().inputs()).containsExactly(new TensorRef("lstm_1_input", 0, 0));
        assertThat(model.inputs()).containsExactly(new TensorSpec("lstm_1_input", Arrays.asList(null, 1L, 1L), "float32"));
        try (WeightData data = reader.openWeights(Fixtures.real("k1.2.2_seq_lstm.h5"), model)) {
            float[] wi = data.readFloats(model.weights().forLayer("lstm_1").orElseThrow().weights().get(0));
            assertThat(wi[0]).isEqualTo(-0.01426939f, org.assertj.core.data.Offset.offset(1e-7f));
            assertThat(data.readFloats(model.weights().forLayer("dense_1").orElseThrow().weights().get(1)))
                    .containsExactly(new float[] {0.0744933f}, org.assertj.core.data.Offset.offset(1e-7f));
        }
    }

    @Test
    void lambdaLayersAreReportedWithTheirStorage() {
        KerasModel raw = read("k2.0.9_functional_lambda_rawbytecode.h5");
        assertThat(raw.findings()).extracting(Finding::code, Finding::layerPath)
                .containsExactly(tuple("LAMBDA_BYTECODE", "lambda_3"), tuple("LAMBDA_BYTECODE", "lambda_4"));
        assertThat(raw.findings().get(0).message()).contains("raw_unicode_escape", "Keras 2.1.1 and earlier");
        KerasModel base64 = read("k2.1.3_functional_lambda_base64.h5");
        assertThat(base64.findings()).singleElement().satisfies(f -> {
            assertThat(f.severity()).isEqualTo(Finding.Severity.UNSAFE);
            assertThat(f.message()).contains("base64", "output_shape is Python code too");
        });
        assertThat(layer(base64.network(), "concatenate_1").calls().get(0).inputs())
                .containsExactly(new TensorRef("space_to_depth_x2", 0, 0), new TensorRef("input_2", 0, 0));
    }

    @Test
    void batchNormalizationWeightsComeTrainableFirst() {
        KerasModel model = read("k2.1.3_seq_cnn_batchnorm.h5");
        assertThat(weightNames(model, "batch_normalization_1")).containsExactly(
                "batch_normalization_1/gamma:0", "batch_normalization_1/beta:0",
                "batch_normalization_1/moving_mean:0", "batch_normalization_1/moving_variance:0");
        assertThat(model.network().layers().get(0).name()).isEqualTo("conv2d_1_input");
    }

    @Test
    void statefulGruTakesItsInitialStateAsASecondInput() {
        KerasModel model = read("tfk2.2.4_functional_gru_stateful.h5");
        assertThat(layer(model.network(), "gru_1").calls().get(0).inputs())
                .containsExactly(new TensorRef("input_1", 0, 0), new TensorRef("input_2", 0, 0));
        assertThat(model.inputs()).extracting(TensorSpec::shape)
                .containsExactly(List.of(1L, 3L, 1L), List.of(1L, 1L));
        assertThat(weightNames(model, "gru_1")).containsExactly("gru_1/kernel:0", "gru_1/recurrent_kernel:0");
    }

    @Test
    void tfKeras22L1L2KeepsBothFactors() {
        KerasModel model = read("tfk2.2.4_seq_conv1d_l1l2_optimizer.h5");
        assertThat(model.regularizers()).hasSize(4).allSatisfy(r -> {
            assertThat(r.kind()).isEqualTo(RegularizerKind.L1L2);
            assertThat(r.l1()).isEqualTo(0.0);
            assertThat(r.l2()).isEqualTo(9.999999747378752e-05);
        });
        assertThat(model.customObjects()).isEmpty();
        assertThat(model.layers()).extracting(LayerSummary::outputShape).first().isEqualTo("(None, 256, 32)");
    }

    @Test
    void customPartsOfBothSerializationStyles() {
        for (String name : List.of("tfk2.3_custom_parts_subclass_regularizer.h5", "tfk2.14_custom_parts_newstyle.h5")) {
            KerasModel model = read(name);
            assertThat(model.customObjects()).as(name).extracting(CustomObjectRef::kind, CustomObjectRef::name,
                    CustomObjectRef::layerPath, CustomObjectRef::attribute).containsExactly(
                    tuple(CustomObjectKind.ACTIVATION, "my_softplus", "dense_1", "activation"),
                    tuple(CustomObjectKind.INITIALIZER, "my_glorot_initializer", "dense_1", "kernel_initializer"),
                    tuple(CustomObjectKind.REGULARIZER, "MyL1Regularizer", "dense_1", "kernel_regularizer"),
                    tuple(CustomObjectKind.CONSTRAINT, "my_positive_weights", "dense_1", "kernel_constraint"));
            assertThat(model.regularizers()).singleElement().satisfies(r -> {
                assertThat(r.kind()).isEqualTo(RegularizerKind.CUSTOM);
                assertThat(r.factor()).isEqualTo(0.01);
                assertThat(r.name()).isEqualTo("MyL1Regularizer");
            });
            assertThat(model.initializers()).filteredOn(i -> !i.builtIn()).extracting(ObjectRef::name)
                    .containsExactly("my_glorot_initializer");
        }
    }

    @Test
    void tfKerasNewOptimizersAreNotCustom() {
        KerasModel model = read("tfk2.11_functional_attention_customadam.h5");
        assertThat(model.trainingConfig().get("optimizer_config").get("class_name").stringValue())
                .isEqualTo("Custom>Adam");
        assertThat(model.customObjects()).isEmpty();
        assertThat(model.outputs()).extracting(TensorSpec::name).containsExactly("outputs");
    }

    @Test
    void customLayerClassesAreCustomObjects() {
        KerasModel model = read("tfk2.14_custom_layer.h5");
        assertThat(model.customObjects()).extracting(CustomObjectRef::kind, CustomObjectRef::name,
                CustomObjectRef::layerPath).containsExactly(tuple(CustomObjectKind.LAYER, "MyDense", "my_dense"),
                tuple(CustomObjectKind.LAYER, "MyDense", "my_dense_1"));
        assertThat(model.paramCount()).isEqualTo(301);
    }

    @Test
    void keras3LegacyHdf5WeightNamesArePaths() {
        KerasModel model = read("k3.9_legacy_h5_seq_cnn.h5");
        assertThat(model.kerasVersion()).isEqualTo("3.9.0");
        assertThat(weightNames(model, "conv2d")).containsExactly("sequential/conv2d/kernel", "sequential/conv2d/bias");
        assertThat(model.paramCount()).isEqualTo(183_747);
    }

    @Test
    void weightsOnlyFileIsPairedWithItsArchitectureInOrder() {
        Path weights = Fixtures.real("tfk2.4_lstm_weights_only.h5");
        KerasModel model = reader.read(weights, Fixtures.real("tfk2.4_lstm_weights_only.model.json"));
        assertThat(model.format()).isEqualTo(ModelFormat.KERAS_WEIGHTS_H5);
        assertThat(model.weights().layers()).extracting(LayerWeights::layerPath)
                .containsExactly("lstm_3", "lstm_4", "lstm_5", "dense_1");
        assertThat(weightNames(model, "lstm_3")).containsExactly("lstm_9/lstm_cell_9/kernel:0",
                "lstm_9/lstm_cell_9/recurrent_kernel:0", "lstm_9/lstm_cell_9/bias:0");
        assertThat(model.findings()).extracting(Finding::code).containsExactly("WEIGHTS_MATCHED_BY_ORDER");
    }

    @Test
    void teachableMachineNestedWeightsGoToTheInnerLayers() {
        KerasModel model = read("tfk2.4_teachable_machine_keras_model.h5");
        assertThat(model.paramCount()).isEqualTo(538_708);
        assertThat(weightNames(model, "sequential_1/model1/Conv1")).containsExactly("Conv1/kernel:0");
        assertThat(weightNames(model, "sequential_1/model1/bn_Conv1")).containsExactly("bn_Conv1/gamma:0",
                "bn_Conv1/beta:0", "bn_Conv1/moving_mean:0", "bn_Conv1/moving_variance:0");
        assertThat(weightNames(model, "sequential_3/dense_Dense2")).containsExactly("dense_Dense2/kernel:0");
        Layer nested = layer(model.network(), "sequential_1");
        assertThat(nested.calls()).extracting(Call::inputs)
                .containsExactly(List.of(new TensorRef("sequential_1_input", 0, 0)));
        assertThat(layer(nested.nested(), "model1").nested().inputs()).containsExactly(new TensorRef("input_1", 0, 0));
        assertThat(model.outputs()).extracting(TensorSpec::shape).containsExactly(Arrays.asList(null, 4L));
        assertThat(model.findings()).isEmpty();
    }

    @Test
    void keras3MaskingLstmWeightsLiveInTheCell() {
        KerasModel model = read("k3.8_seq_masking_lstm.keras");
        assertThat(weightNames(model, "lstm")).containsExactly("cell/vars/0", "cell/vars/1", "cell/vars/2");
        assertThat(layer(model.network(), "masking").config().get("mask_value").get("class_name").stringValue())
                .isEqualTo("__tensor__");
        assertThat(model.inputs()).containsExactly(new TensorSpec("input_layer", List.of(2L, 3L, 2L), "float32"));
    }

    @Test
    void subclassedModelsAreRecordedAsSuch() {
        KerasModel model = read("k3.15_subclassed_nested_container.keras");
        assertThat(model.subclassed()).isTrue();
        assertThat(model.network()).isNull();
        assertThat(model.layers()).isEmpty();
        assertThat(model.modelClass()).isEqualTo("NestedDenseModel");
        assertThat(model.customObjects()).extracting(CustomObjectRef::kind, CustomObjectRef::name, CustomObjectRef::module)
                .containsExactly(tuple(CustomObjectKind.MODEL, "legacy_nested_container>NestedDenseModel", null));
        assertThat(model.weights().layers()).extracting(LayerWeights::layerPath)
                .containsExactly("d_0", "d_1", "d_2", "dense");
    }

    @Test
    void keras3NestedSequentialsInASequential() {
        KerasModel model = read("k3.9_seq_nested_seq_cnn.keras");
        assertThat(layer(model.network(), "sequential").nested().inputs())
                .containsExactly(new TensorRef("input_layer_1", 0, 0));
        assertThat(model.weights().layers()).extracting(LayerWeights::layerPath).startsWith("conv2d", "conv2d_1");
        assertThat(model.paramCount()).isEqualTo(183_747);
        assertThat(model.trainingConfig().get("metrics").get(0).stringValue()).isEqualTo("accuracy");
        assertThat(model.findings()).isEmpty();
    }
}
