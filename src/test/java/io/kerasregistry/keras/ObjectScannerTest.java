package io.kerasregistry.keras;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** Custom objects, findings and unsafe modules across serialization styles. */
class ObjectScannerTest {

    private final KerasReadLimits limits = KerasReadLimits.defaults();
    private final KerasJson json = new KerasJson(limits);

    private ObjectScanner.Result scan(String config, String training) {
        JsonNode architecture = json.parse(config.replace('\'', '"'), "config");
        ParsedModel parsed = new ConfigReader(limits).read(architecture, null);
        return ObjectScanner.scan(architecture, parsed, training == null ? null : json.parse(training.replace('\'', '"'),
                "training"));
    }

    private static String sequential(String layer) {
        return "{'class_name': 'Sequential', 'config': {'name': 's', 'layers': [" + layer + "]}}";
    }

    @Test
    void findsCustomObjectsInKeras3Archives() {
        KerasModel model = Fixtures.reader().read(Fixtures.generated("k3_custom_objects.keras"));
        assertThat(model.customObjects()).extracting(CustomObjectRef::kind, CustomObjectRef::name,
                CustomObjectRef::layerPath, CustomObjectRef::attribute).containsExactly(
                tuple(CustomObjectKind.LAYER, "my_pkg>ScaledDense", "scaled", null),
                tuple(CustomObjectKind.INITIALIZER, "my_init", "scaled", "kernel_initializer"),
                tuple(CustomObjectKind.CONSTRAINT, "NonNegative", "scaled", "kernel_constraint"),
                tuple(CustomObjectKind.OPTIMIZER, "my_pkg>Lookahead", null, "optimizer"),
                tuple(CustomObjectKind.LOSS, "FocalLoss", null, "loss"),
                tuple(CustomObjectKind.METRIC, "my_metric", null, "metrics"));
        assertThat(model.customObjects().get(0).module()).isEqualTo("my_pkg.layers");
        assertThat(model.initializers()).extracting(ObjectRef::name, ObjectRef::builtIn)
                .contains(tuple("my_init", false));
    }

    @Test
    void kerasOwnOptimizersLossesAndMetricsAreNotCustom() {
        ObjectScanner.Result result = scan(sequential("{'class_name': 'Dense', 'config': {'name': 'd', 'units': 1}}"), """
                {'optimizer_config': {'class_name': 'Custom>Adam', 'config': {}}, 'loss': {'out_a': 'mse',
                 'out_b': {'class_name': 'BinaryCrossentropy', 'config': {}}}, 'metrics': [['accuracy'], ['mae', 'AUC']],
                 'weighted_metrics': [{'class_name': 'MeanMetricWrapper', 'config': {'name': 'acc', 'fn': 'binary_accuracy'}}]}
                """);
        assertThat(result.customObjects()).isEmpty();
        ObjectScanner.Result custom = scan(sequential("{'class_name': 'Dense', 'config': {'name': 'd', 'units': 1}}"), """
                {'optimizer_config': {'class_name': 'Addons>RectifiedAdam', 'config': {}}, 'loss': ['my_loss'],
                 'metrics': [{'class_name': 'MeanMetricWrapper', 'config': {'name': 'f', 'fn': 'f1_macro'}}]}
                """);
        assertThat(custom.customObjects()).extracting(CustomObjectRef::kind, CustomObjectRef::name).containsExactly(
                tuple(CustomObjectKind.OPTIMIZER, "Addons>RectifiedAdam"), tuple(CustomObjectKind.LOSS, "my_loss"),
                tuple(CustomObjectKind.METRIC, "f1_macro"));
    }

    @Test
    void reportsTensorFlowOpLayers() {
        ObjectScanner.Result result = scan("""
                {'class_name': 'Functional', 'config': {'name': 'm', 'layers': [
                  {'class_name': 'InputLayer', 'name': 'x', 'config': {'name': 'x'}, 'inbound_nodes': []},
                  {'class_name': 'TFOpLambda', 'name': 'tf.math.add', 'config': {'name': 'tf.math.add',
                   'function': 'math.add'}, 'inbound_nodes': [[['x', 0, 0, {'y': 1.0}]]]},
                  {'class_name': 'TFOpLambda', 'name': 'tf.io.write_file', 'config': {'name': 'tf.io.write_file',
                   'function': 'io.write_file'}, 'inbound_nodes': [[['x', 0, 0, {}]]]}],
                 'input_layers': [['x', 0, 0]], 'output_layers': [['tf.math.add', 0, 0]]}}
                """, null);
        assertThat(result.findings()).extracting(Finding::code, Finding::severity, Finding::layerPath).containsExactly(
                tuple("TF_OP_LAMBDA", Finding.Severity.WARNING, "tf.math.add"),
                tuple("UNSAFE_MODULE", Finding.Severity.UNSAFE, "tf.io.write_file"));
    }

    @Test
    void flagsModulesThatRunCodeButNotPlainFunctions() {
        for (String dangerous : List.of(
                "{'module': 'os', 'class_name': 'system', 'config': 'id'}",
                "{'module': 'builtins', 'class_name': 'function', 'config': 'eval'}",
                "{'module': 'keras.utils', 'class_name': 'function', 'config': 'get_file'}",
                "{'module': 'subprocess.Popen', 'class_name': 'Popen', 'config': {}}")) {
            ObjectScanner.Result result = scan(sequential("{'class_name': 'Dense', 'config': {'name': 'd', 'units': 1, "
                    + "'activation': " + dangerous + "}}"), null);
            assertThat(result.findings()).as(dangerous).extracting(Finding::code).containsExactly("UNSAFE_MODULE");
        }
        ObjectScanner.Result benign = scan(sequential("{'class_name': 'Dense', 'config': {'name': 'd', 'units': 1, "
                + "'activation': {'module': 'builtins', 'class_name': 'function', 'config': 'my_softplus'}}}"), null);
        assertThat(benign.findings()).isEmpty();
        assertThat(benign.customObjects()).extracting(CustomObjectRef::name).containsExactly("my_softplus");
    }

    @Test
    void customFunctionalSubclassesAreCustomModelsWithAGraph() {
        String config = """
                {'module': 'my_pkg', 'class_name': 'MyModel', 'registered_name': 'my_pkg>MyModel', 'config': {
                 'name': 'm', 'layers': [
                  {'class_name': 'InputLayer', 'name': 'x', 'config': {'name': 'x', 'batch_shape': [null, 2]},
                   'inbound_nodes': []},
                  {'class_name': 'Dense', 'name': 'd', 'config': {'name': 'd', 'units': 1},
                   'inbound_nodes': [{'args': [{'class_name': '__keras_tensor__', 'config': {'keras_history': ['x', 0, 0]}}],
                                      'kwargs': {}}]}],
                 'input_layers': [['x', 0, 0]], 'output_layers': [['d', 0, 0]]}}
                """;
        JsonNode architecture = json.parse(config.replace('\'', '"'), "config");
        ParsedModel parsed = new ConfigReader(limits).read(architecture, "3.4.0");
        assertThat(parsed.subclassed()).isFalse();
        assertThat(parsed.network().layers()).hasSize(2);
        assertThat(ObjectScanner.scan(architecture, parsed, null).customObjects())
                .extracting(CustomObjectRef::kind, CustomObjectRef::name)
                .containsExactly(tuple(CustomObjectKind.MODEL, "my_pkg>MyModel"));
    }
}
