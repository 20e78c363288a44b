package io.kerasregistry.keras;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** Config forms the fixtures do not cover, written inline. */
class ConfigReaderTest {

    private final KerasReadLimits limits = KerasReadLimits.defaults();
    private final KerasJson json = new KerasJson(limits);

    private ParsedModel parse(String config, String version) {
        return new ConfigReader(limits).read(json.parse(config.replace('\'', '"'), "config"), version);
    }

    private static Layer layer(Network network, String name) {
        return network.layers().stream().filter(l -> l.name().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void keras2TensorKwargsAreAppendedToTheInputs() {
        ParsedModel model = parse("""
                {'class_name': 'Functional', 'config': {'name': 'm', 'layers': [
                  {'class_name': 'InputLayer', 'name': 'x', 'config': {'name': 'x', 'batch_input_shape': [null, 3, 2]},
                   'inbound_nodes': []},
                  {'class_name': 'InputLayer', 'name': 'h', 'config': {'name': 'h', 'batch_input_shape': [null, 4]},
                   'inbound_nodes': []},
                  {'class_name': 'GRU', 'name': 'gru', 'config': {'name': 'gru', 'units': 4},
                   'inbound_nodes': [[['x', 0, 0, {'initial_state': [['h', 0, 0]], 'mask': ['x', 0, 0],
                                                     'training': false}]]]}],
                 'input_layers': [['x', 0, 0], ['h', 0, 0]], 'output_layers': [['gru', 0, 0]]}}
                """, "2.9.0");
        Call call = layer(model.network(), "gru").calls().get(0);
        assertThat(call.inputs()).containsExactly(new TensorRef("x", 0, 0), new TensorRef("h", 0, 0));
        assertThat(call.kwargs()).containsKeys("initial_state", "mask", "training");
    }

    @Test
    void keras1NodesHaveThreeElementsAndConstantsAreNotTensors() {
        ParsedModel model = parse("""
                {'class_name': 'Model', 'config': {'name': 'm', 'layers': [
                  {'class_name': 'InputLayer', 'name': 'x', 'config': {'name': 'x', 'batch_input_shape': [null, 3],
                   'input_dtype': 'float32'}, 'inbound_nodes': []},
                  {'class_name': 'Dense', 'name': 'd', 'config': {'name': 'd', 'output_dim': 2, 'init': 'glorot_uniform'},
                   'inbound_nodes': [[['x', 0, 0]]]},
                  {'class_name': 'TFOpLambda', 'name': 'add', 'config': {'name': 'add', 'function': 'math.add'},
                   'inbound_nodes': [[['d', 0, 0, {'y': 1.0}], ['_CONSTANT_VALUE', -1, 3.0, {}]]]}],
                 'input_layers': [['x', 0, 0]], 'output_layers': [['add', 0, 0]]}}
                """, null);
        assertThat(model.era()).isEqualTo(ParsedModel.Era.KERAS1);
        assertThat(layer(model.network(), "d").config().get("units").asInt()).isEqualTo(2);
        assertThat(layer(model.network(), "add").calls().get(0).inputs()).containsExactly(new TensorRef("d", 0, 0));
    }

    @Test
    void keras3NestedArgumentsAndTuples() {
        ParsedModel model = parse("""
                {'module': 'keras', 'class_name': 'Functional', 'config': {'name': 'm', 'layers': [
                  {'class_name': 'InputLayer', 'name': 'a', 'config': {'name': 'a', 'batch_shape': [null, 2]},
                   'inbound_nodes': []},
                  {'class_name': 'InputLayer', 'name': 'b', 'config': {'name': 'b', 'batch_shape': [null, 2]},
                   'inbound_nodes': []},
                  {'class_name': 'Concatenate', 'name': 'c', 'config': {'name': 'c', 'axis': -1},
                   'inbound_nodes': [{'args': [{'class_name': '__tuple__', 'config': {'value': [
                       {'class_name': '__keras_tensor__', 'config': {'shape': [null, 2], 'keras_history': ['a', 0, 0]}},
                       {'class_name': '__keras_tensor__', 'config': {'shape': [null, 2], 'keras_history': ['b', 0, 0]}}
                     ]}}], 'kwargs': {}}]}],
                 'input_layers': [['a', 0, 0], ['b', 0, 0]], 'output_layers': ['c', 0, 0]}}
                """, "3.3.0");
        assertThat(layer(model.network(), "c").calls().get(0).inputs()).containsExactly(new TensorRef("a", 0, 0),
                new TensorRef("b", 0, 0));
        assertThat(model.network().outputs()).containsExactly(new TensorRef("c", 0, 0));
    }

    @Test
    void refusesANodeIndexThatNoCallHas() {
        assertThatThrownBy(() -> parse("""
                {'class_name': 'Functional', 'config': {'name': 'm', 'layers': [
                  {'class_name': 'InputLayer', 'name': 'x', 'config': {'name': 'x'}, 'inbound_nodes': []},
                  {'class_name': 'Dense', 'name': 'd', 'config': {'name': 'd', 'units': 1}, 'inbound_nodes': [[['x', 0, 0, {}]]]},
                  {'class_name': 'Dense', 'name': 'e', 'config': {'name': 'e', 'units': 1}, 'inbound_nodes': [[['d', 3, 0, {}]]]}],
                 'input_layers': [['x', 0, 0]], 'output_layers': [['e', 0, 0]]}}
                """, "2.4.0")).isInstanceOf(CorruptModelException.class).hasMessageContaining("node 3 of layer d");
    }

    @Test
    void refusesDuplicateLayerNames() {
        assertThatThrownBy(() -> parse("""
                {'class_name': 'Sequential', 'config': {'name': 's', 'layers': [
                  {'class_name': 'Dense', 'config': {'name': 'd', 'units': 1, 'batch_input_shape': [null, 1]}},
                  {'class_name': 'Dense', 'config': {'name': 'd', 'units': 1}}]}}
                """, "2.4.0")).isInstanceOf(CorruptModelException.class).hasMessageContaining("two layers named d");
    }

    @Test
    void sequentialWithoutAnyInputShapeIsReportedNotInvented() {
        ParsedModel model = parse("""
                {'class_name': 'Sequential', 'config': {'name': 's', 'layers': [
                  {'class_name': 'Dense', 'config': {'name': 'd', 'units': 1}}]}}
                """, "2.4.0");
        assertThat(model.network().inputs()).isEmpty();
        assertThat(model.findings()).extracting(Finding::code).containsExactly("SEQUENTIAL_WITHOUT_INPUT");
        assertThat(layer(model.network(), "d").calls().get(0).inputs()).isEmpty();
    }

    @Test
    void trainableFlagsOfEnclosingModelsApply() {
        ParsedModel model = parse("""
                {'class_name': 'Sequential', 'config': {'name': 's', 'layers': [
                  {'class_name': 'Sequential', 'config': {'name': 'frozen', 'trainable': false, 'layers': [
                    {'class_name': 'Dense', 'config': {'name': 'd', 'units': 1, 'trainable': true,
                     'batch_input_shape': [null, 2]}}]}}]}}
                """, "2.4.0");
        assertThat(model.layers()).extracting(ParsedModel.WalkedLayer::path, ParsedModel.WalkedLayer::trainable)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("frozen", false),
                        org.assertj.core.groups.Tuple.tuple("frozen/d", false));
    }

    @Test
    void parsesPythonNonFiniteNumbers() {
        JsonNode node = json.parse("{\"mask_value\": NaN, \"max\": Infinity, \"min\": -Infinity}", "config");
        assertThat(node.get("mask_value").doubleValue()).isNaN();
        assertThat(node.get("min").doubleValue()).isEqualTo(Double.NEGATIVE_INFINITY);
        assertThatThrownBy(() -> json.parse("{\"a\": 1} trailing", "config")).isInstanceOf(CorruptModelException.class);
    }

    @Test
    void snakeCaseMatchesKeras() {
        assertThat(List.of("Dense", "Conv2D", "BatchNormalization", "LSTM", "GRUCell", "MyDense", "InputLayer",
                "Conv2DTranspose", "MultiHeadAttention")).extracting(Keras3Weights::snakeCase)
                .containsExactly("dense", "conv2d", "batch_normalization", "lstm", "gru_cell", "my_dense", "input_layer",
                        "conv2d_transpose", "multi_head_attention");
        assertThat(Keras3Weights.snakeCaseTfKeras("_Private")).isEqualTo("private__private");
    }
}
