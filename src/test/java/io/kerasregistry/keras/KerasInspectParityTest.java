package io.kerasregistry.keras;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import tools.jackson.databind.JsonNode;

/**
 * The reader agrees with the maintainers' reference inspector ({@code keras_inspect.py}) on layer
 * classes, regularizers (layer, attribute, kind, factors), custom-object names and Lambda layers, for
 * every real file and every generated one. The expectations are written by
 * {@code tools/fixtures/inspect_expected.sh}.
 */
class KerasInspectParityTest {

    /** Keras 1 argument names the reader reports under their Keras 2 names. */
    private static final Map<String, String> KERAS1_NAMES = Map.of("W_regularizer", "kernel_regularizer",
            "b_regularizer", "bias_regularizer", "U_regularizer", "recurrent_regularizer", "init",
            "kernel_initializer", "inner_init", "recurrent_initializer", "W_constraint", "kernel_constraint",
            "b_constraint", "bias_constraint", "U_constraint", "recurrent_constraint");

    private final KerasReader reader = Fixtures.reader();

    @TestFactory
    Stream<DynamicTest> realFiles() {
        Path expected = Fixtures.resource("expected");
        return Fixtures.list(expected).stream()
                .map(json -> DynamicTest.dynamicTest(json.getFileName().toString(), () -> {
                    assumeTrue(Fixtures.realAvailable(), "real Keras fixtures not present");
                    check(Fixtures.realDir(), Fixtures.readJson(json));
                }));
    }

    @TestFactory
    Stream<DynamicTest> generatedFiles() {
        Path expected = Fixtures.resource("expected/generated");
        return Fixtures.list(expected).stream()
                .map(json -> DynamicTest.dynamicTest(json.getFileName().toString(),
                        () -> check(Fixtures.resource("generated"), Fixtures.readJson(json))));
    }

    private void check(Path dir, JsonNode expected) {
        Path file = dir.resolve(expected.get("file").stringValue());
        assumeTrue(Files.isRegularFile(file), file + " not present");
        JsonNode architecture = expected.get("architecture");
        KerasModel model = architecture == null ? reader.read(file)
                : reader.read(file, dir.resolve(architecture.stringValue()));

        List<String> classes = new ArrayList<>();
        expected.get("layer_classes").forEach(c -> classes.add(c.stringValue()));
        assertThat(model.layers()).extracting(LayerSummary::className).as("layer classes").containsExactlyElementsOf(classes);

        List<String> expectedRegularizers = new ArrayList<>();
        for (JsonNode r : expected.get("regularizers")) {
            expectedRegularizers.add(String.join(" ", r.get("layer").stringValue(), r.get("attribute").stringValue(),
                    r.get("kind").stringValue(), number(r.get("l1")), number(r.get("l2")), number(r.get("factor")),
                    String.valueOf(text(r.get("mode")))));
        }
        List<String> actualRegularizers = model.regularizers().stream()
                .map(r -> String.join(" ", r.layerPath(), r.originalAttribute(), r.kind().name(), number(r.l1()),
                        number(r.l2()), number(r.factor()), String.valueOf(r.mode())))
                .toList();
        assertThat(actualRegularizers).as("regularizers").containsExactlyElementsOf(expectedRegularizers);

        Set<String> expectedCustom = new LinkedHashSet<>();
        for (JsonNode c : expected.get("custom_objects")) {
            String attribute = text(c.get("attribute"));
            expectedCustom.add(String.join(" ", c.get("kind").stringValue(), c.get("name").stringValue(),
                    String.valueOf(text(c.get("layer"))),
                    String.valueOf(attribute == null ? null : KERAS1_NAMES.getOrDefault(attribute, attribute))));
        }
        // the inspector does not look at training configs or recurrent activations; those are compared elsewhere
        Set<String> actualCustom = new LinkedHashSet<>();
        for (CustomObjectRef c : model.customObjects()) {
            boolean inspectorSees = c.kind() == CustomObjectKind.MODEL || (c.layerPath() != null
                    && !Objects.equals(c.attribute(), "recurrent_activation")
                    && !Objects.equals(c.attribute(), "inner_activation"));
            if (inspectorSees) {
                actualCustom.add(String.join(" ", c.kind().name(), c.name(), String.valueOf(c.layerPath()),
                        String.valueOf(c.attribute())));
            }
        }
        assertThat(actualCustom).as("custom objects").containsExactlyInAnyOrderElementsOf(expectedCustom);

        Map<String, Integer> expectedLambdas = new HashMap<>();
        for (JsonNode l : expected.get("lambdas")) {
            String text = l.stringValue();
            expectedLambdas.merge(text.substring(0, text.indexOf(':')), 1, Integer::sum);
        }
        Map<String, Integer> actualLambdas = new HashMap<>();
        model.findings().stream().filter(f -> f.code().equals("LAMBDA_BYTECODE"))
                .forEach(f -> actualLambdas.merge(f.layerPath(), 1, Integer::sum));
        assertThat(actualLambdas).as("Lambda findings").isEqualTo(expectedLambdas);
        assertThat(model.findings()).filteredOn(f -> f.code().equals("LAMBDA_BYTECODE"))
                .allSatisfy(f -> assertThat(f.severity()).isEqualTo(Finding.Severity.UNSAFE));

        if (expected.hasNonNull("model_class")) {
            assertThat(model.modelClass()).isEqualTo(expected.get("model_class").stringValue());
        }
        if (expected.hasNonNull("keras_version") && !expected.get("keras_version").stringValue().startsWith("(")) {
            assertThat(model.kerasVersion()).isEqualTo(expected.get("keras_version").stringValue());
        }
    }

    private static String text(JsonNode node) {
        return node == null || node.isNull() ? null : node.stringValue();
    }

    private static String number(JsonNode node) {
        return node == null || node.isNull() ? "null" : String.valueOf(node.doubleValue());
    }

    private static String number(Double value) {
        return value == null ? "null" : String.valueOf(value.doubleValue());
    }
}
