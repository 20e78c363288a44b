package io.kerasregistry.registry;

import static org.assertj.core.api.Assertions.assertThat;

import io.kerasregistry.support.HttpApi;
import io.kerasregistry.support.RegistryTest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

/** What the Keras reader found, as users browse it over HTTP. */
@RegistryTest
class ArchitectureApiTest {

    static final Path GENERATED = Path.of("src", "test", "resources", "keras", "generated");

    @LocalServerPort
    int port;

    HttpApi api;

    @BeforeEach
    void client() {
        api = new HttpApi(port);
    }

    @Test
    void regularizersOfEveryFormAreListedNormalisedPerLayerAndAttribute() {
        JsonNode version = HttpApi.json(api.uploadMultipart("zoo", "file", GENERATED.resolve("k2_regularizer_zoo.h5")));
        assertThat(version.get("modelClass").asString()).isEqualTo("Functional");
        assertThat(version.get("kerasVersion").asString()).isEqualTo("2.2.4-tf");
        assertThat(version.get("paramCount").asLong()).isPositive();

        JsonNode regularizers = HttpApi.json(api.get("/api/v1/models/zoo/versions/1/regularizers")).get("items");
        List<String> seen = new ArrayList<>();
        regularizers.forEach(r -> seen.add(r.get("layer").asString() + " " + r.get("attribute").asString() + " "
                + r.get("kind").asString()));
        assertThat(seen).contains("proj kernel_regularizer L1", "proj bias_regularizer L2",
                "custom_reg kernel_regularizer CUSTOM");
        JsonNode l1 = find(regularizers, "proj", "kernel_regularizer");
        assertThat(l1.get("l1").asDouble()).as("a bare 'l1' string takes Keras's default").isEqualTo(0.01);
        JsonNode custom = find(regularizers, "custom_reg", "kernel_regularizer");
        assertThat(custom.get("name").asString()).isEqualTo("MyL1Regularizer");
        assertThat(custom.get("factor").asDouble()).isEqualTo(0.02);
        assertThat(custom.get("config").get("class_name").asString()).isEqualTo("MyL1Regularizer");

        JsonNode customObjects = HttpApi.json(api.get("/api/v1/models/zoo/versions/1/custom-objects")).get("items");
        assertThat(customObjects).anySatisfy(c -> {
            assertThat(c.get("kind").asString()).isEqualTo("regularizer");
            assertThat(c.get("name").asString()).isEqualTo("MyL1Regularizer");
            assertThat(c.get("layer").asString()).isEqualTo("custom_reg");
        });

        JsonNode layers = HttpApi.json(api.get("/api/v1/models/zoo/versions/1/layers")).get("items");
        List<String> classes = new ArrayList<>();
        layers.forEach(l -> classes.add(l.get("className").asString()));
        assertThat(classes).contains("Bidirectional", "TimeDistributed", "RepeatVector", "Dense");

        JsonNode architecture = HttpApi.json(api.get("/api/v1/models/zoo/versions/1/architecture"));
        assertThat(architecture.get("class_name").asString()).isIn("Functional", "Model");
        assertThat(architecture.get("config").get("layers").isArray()).isTrue();
    }

    @Test
    void theSummaryIsLaidOutLikeKerasModelSummaryWithARegularizersColumn() {
        api.uploadMultipart("summary", "file", GENERATED.resolve("k2_functional_custom_regularizer.h5"));

        HttpResponse<byte[]> response = api.get("/api/v1/models/summary/versions/1/summary");

        assertThat(response.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/plain");
        String text = HttpApi.text(response);
        assertThat(text).contains("Layer (type)", "Output Shape", "Param #", "Regularizers")
                .contains("dense (Dense)", "kernel:my_custom_regularizer")
                .contains("Total params: 46", "Trainable params: 46", "Non-trainable params: 0");
        String denseLine = text.lines().filter(l -> l.contains("dense (Dense)")).findFirst().orElseThrow();
        assertThat(denseLine).contains("36");
    }

    @Test
    void findingsNameLambdaCodeAndUnsafeModulesWithoutRunningThem() {
        api.uploadMultipart("lambda", "file", GENERATED.resolve("k2_lambda_os_system.h5"));

        JsonNode findings = HttpApi.json(api.get("/api/v1/models/lambda/versions/1/findings")).get("items");

        List<String> codes = new ArrayList<>();
        findings.forEach(f -> codes.add(f.get("code").asString() + "/" + f.get("severity").asString()));
        assertThat(codes).contains("LAMBDA_BYTECODE/UNSAFE", "UNSAFE_MODULE/UNSAFE");
    }

    @Test
    void versionsCanBeFilteredByLayerClassAndRegularizerKind() {
        api.uploadMultipart("filtered", "file", GENERATED.resolve("k2_regularizer_zoo.h5"));
        api.uploadRaw("filtered", TestModels.denseH5(4000), "plain.h5");

        assertThat(versions("/api/v1/models/filtered/versions?layerClass=Bidirectional")).containsExactly(1);
        assertThat(versions("/api/v1/models/filtered/versions?layerClass=Dense")).containsExactly(2, 1);
        assertThat(versions("/api/v1/models/filtered/versions?regularizerKind=CUSTOM")).containsExactly(1);
        assertThat(versions("/api/v1/models/filtered/versions?regularizerKind=ORTHOGONAL")).isEmpty();
        assertThat(api.get("/api/v1/models/filtered/versions?regularizerKind=WEIRD").statusCode()).isEqualTo(400);
    }

    @Test
    void capabilitiesListWhatValidationComputes() {
        JsonNode capabilities = HttpApi.json(api.get("/api/v1/capabilities"));

        List<String> layers = new ArrayList<>();
        capabilities.get("layers").forEach(l -> layers.add(l.asString()));
        assertThat(layers).contains("Dense", "Conv2D", "LSTM", "GRU", "MultiHeadAttention", "Bidirectional");
        List<String> activations = new ArrayList<>();
        capabilities.get("activations").forEach(a -> activations.add(a.asString()));
        assertThat(activations).contains("relu", "gelu", "hard_sigmoid", "swish", "mish");
    }

    private List<Integer> versions(String path) {
        List<Integer> versions = new ArrayList<>();
        HttpApi.json(api.get(path)).get("items").forEach(v -> versions.add(v.get("version").asInt()));
        return versions;
    }

    private static JsonNode find(JsonNode items, String layer, String attribute) {
        for (JsonNode item : items) {
            if (item.get("layer").asString().equals(layer) && item.get("attribute").asString().equals(attribute)) {
                return item;
            }
        }
        throw new AssertionError("no " + attribute + " on " + layer + " in " + items);
    }
}
