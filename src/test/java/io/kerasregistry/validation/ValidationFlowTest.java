package io.kerasregistry.validation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.kerasregistry.support.HttpApi;
import io.kerasregistry.support.RegistryTest;
import io.kerasregistry.support.SharedFixtures;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The promise of the product, end to end over HTTP: uploads are reloaded with the registered custom
 * objects in child JVMs and run once; what fails says why; registering what was missing re-runs it.
 */
@RegistryTest
@TestPropertySource(properties = {"keras-registry.validation.workers=2", "keras-registry.validation.poll-interval=100ms"})
class ValidationFlowTest {

    static final Path GENERATED = Path.of("src", "test", "resources", "keras", "generated");
    static final Path ORACLE = Path.of("src", "test", "resources", "inference", "oracle");
    static final JsonMapper JSON = JsonMapper.builder().build();

    @LocalServerPort
    int port;

    @Autowired
    JdbcClient jdbc;

    HttpApi api;

    @BeforeEach
    void client() {
        api = new HttpApi(port);
    }

    @Test
    void theSeedScenarioFailsNamingTheMissingRegularizerThenPassesOnceItIsRegistered() throws Exception {
        JsonNode expected = expectedPenalties().get("k2_functional_custom_regularizer.h5");

        JsonNode uploaded = HttpApi.json(api.uploadMultipart("churn", "file",
                GENERATED.resolve("k2_functional_custom_regularizer.h5")));
        JsonNode failed = awaitFinal("churn", uploaded.get("version").asInt());

        assertThat(failed.get("validation").get("status").asString()).isEqualTo("FAILED");
        assertThat(failed.get("validation").get("summary").asString())
                .contains("Unknown regularizer: 'my_custom_regularizer'").contains("kernel_regularizer");
        JsonNode report = HttpApi.json(api.get("/api/v1/models/churn/versions/1/validations/latest"));
        JsonNode missing = report.get("missingObjects").get(0);
        assertThat(missing.get("kind").asString()).isEqualTo("regularizer");
        assertThat(missing.get("name").asString()).isEqualTo("my_custom_regularizer");
        assertThat(missing.get("layer").asString()).isEqualTo("dense");
        assertThat(missing.get("register").asString()).startsWith("PUT /api/v1/custom-objects/regularizer/my_custom_regularizer");

        // registering exactly what was missing queues the version again, without being asked
        assertThat(api.putJson("/api/v1/custom-objects/regularizer/my_custom_regularizer",
                "{\"implementation\":\"EXPRESSION\",\"expression\":\"0.001 * sum(abs(w))\"}").statusCode()).isEqualTo(201);
        JsonNode passed = awaitFinal("churn", 1);

        assertThat(passed.get("validation").get("status").asString()).as(passed.toString()).isEqualTo("PASSED");
        JsonNode good = HttpApi.json(api.get("/api/v1/models/churn/versions/1/validations/latest"));
        assertThat(good.get("customObjectsUsed").get(0).get("revision").asInt()).isEqualTo(1);
        for (JsonNode term : good.get("penalty").get("terms")) {
            String key = term.get("layer").asString() + "/" + term.get("attribute").asString();
            if (expected.get("terms").has(key)) {
                assertThat(term.get("value").asDouble()).as(key)
                        .isCloseTo(expected.get("terms").get(key).asDouble(), within(1e-9));
            }
        }
        assertThat(good.get("outputs").get(0).get("maxSoftmaxSumError").asDouble()).isLessThan(1e-5);
        assertThat(HttpApi.json(api.get("/api/v1/models/churn/versions/1/validations")).get("items")).hasSize(2);
        assertThat(jdbc.sql("SELECT type FROM audit_event WHERE model_name = 'churn' AND type LIKE 'VALIDATION_%' ORDER BY id")
                .query(String.class).list()).containsExactly("VALIDATION_FAILED", "VALIDATION_PASSED");
    }

    @Test
    void aModelWithFourCustomPartsPassesOnceAllFourAreRegistered() throws Exception {
        Path file = SharedFixtures.file("tfk2.3_custom_parts_subclass_regularizer.h5");
        JsonNode expected = expectedPenalties().get("tfk2.3_custom_parts_subclass_regularizer.h5");
        api.uploadMultipart("parts", "file", file);
        JsonNode failed = awaitFinal("parts", 1);
        assertThat(failed.get("validation").get("status").asString()).isEqualTo("FAILED");
        JsonNode report = HttpApi.json(api.get("/api/v1/models/parts/versions/1/validations/latest"));
        List<String> missing = new ArrayList<>();
        report.get("missingObjects").forEach(m -> missing.add(m.get("kind").asString() + "/" + m.get("name").asString()));
        assertThat(missing).containsExactlyInAnyOrder("activation/my_softplus", "initializer/my_glorot_initializer",
                "regularizer/MyL1Regularizer", "constraint/my_positive_weights");

        api.putJson("/api/v1/custom-objects/activation/my_softplus", "{\"implementation\":\"ALIAS\",\"alias\":\"softplus\"}");
        api.putJson("/api/v1/custom-objects/initializer/my_glorot_initializer", "{\"implementation\":\"INFERENCE_IDENTITY\"}");
        api.putJson("/api/v1/custom-objects/constraint/my_positive_weights", "{\"implementation\":\"INFERENCE_IDENTITY\"}");
        api.putJson("/api/v1/custom-objects/regularizer/MyL1Regularizer",
                "{\"implementation\":\"EXPRESSION\",\"expression\":\"factor * sum(abs(w))\"}");
        JsonNode passed = awaitFinal("parts", 1);

        assertThat(passed.get("validation").get("status").asString()).as(passed.toString()).isEqualTo("PASSED");
        JsonNode good = HttpApi.json(api.get("/api/v1/models/parts/versions/1/validations/latest"));
        assertThat(good.get("penalty").get("total").asDouble())
                .isCloseTo(expected.get("terms").get("dense_1/kernel_regularizer").asDouble(), within(1e-7));
    }

    @Test
    void lambdaBytecodeFailsUnderSafeModeAndNothingRuns() throws Exception {
        api.uploadMultipart("lambda", "file", GENERATED.resolve("k2_lambda_os_system.h5"));
        JsonNode version = awaitFinal("lambda", 1);

        assertThat(version.get("validation").get("status").asString()).isEqualTo("FAILED");
        assertThat(version.get("validation").get("summary").asString()).contains("security-scan").contains("safe mode");
    }

    @Test
    void pickledNpzWeightsFailAndAreNeverUnpickled() throws Exception {
        api.uploadMultipart("npz", "file", GENERATED.resolve("k3_npz_weights.keras"));
        JsonNode version = awaitFinal("npz", 1);

        assertThat(version.get("validation").get("status").asString()).isEqualTo("FAILED");
        assertThat(version.get("validation").get("summary").asString()).contains("NPZ_WEIGHTS");
    }

    /** Every model the oracle (TensorFlow.js) can run, uploaded with the oracle's output as its reference. */
    @TestFactory
    Stream<DynamicTest> oracleRunnableModelsPassWithTheirOracleReference() throws Exception {
        List<DynamicTest> tests = new ArrayList<>();
        List<Path> references;
        try (Stream<Path> files = Files.list(ORACLE)) {
            references = files.filter(p -> p.toString().endsWith(".oracle.json")).sorted().toList();
        }
        for (Path reference : references) {
            JsonNode oracle = JSON.readTree(reference.toFile());
            if (!oracle.path("unsupported").isNull()) {
                continue;
            }
            String fileName = reference.getFileName().toString().replace(".oracle.json", "");
            tests.add(DynamicTest.dynamicTest(fileName, () -> uploadWithReference(ORACLE.resolve(fileName), reference)));
        }
        return tests.stream();
    }

    private void uploadWithReference(Path model, Path reference) throws Exception {
        String name = "oracle-" + model.getFileName().toString().toLowerCase().replaceAll("[^a-z0-9]+", "-")
                .replaceAll("-+$", "");
        Path architecture = model.resolveSibling(model.getFileName().toString().replace(".h5", ".model.json"));
        HttpResponse<byte[]> upload = Files.exists(architecture) && !architecture.equals(model)
                ? api.uploadMultipart(name, "file", model, "architecture", architecture, "reference", reference)
                : api.uploadMultipart(name, "file", model, "reference", reference);
        assertThat(upload.statusCode()).as(HttpApi.text(upload)).isEqualTo(201);
        JsonNode version = awaitFinal(name, 1);
        JsonNode report = HttpApi.json(api.get("/api/v1/models/" + name + "/versions/1/validations/latest"));
        assertThat(version.get("validation").get("status").asString()).as(report.toString()).isEqualTo("PASSED");
        assertThat(report.get("reference").get("withinTolerance").asBoolean()).isTrue();
    }

    private JsonNode awaitFinal(String model, int version) throws InterruptedException {
        long deadline = System.nanoTime() + 240_000_000_000L;
        JsonNode current;
        do {
            current = HttpApi.json(api.get("/api/v1/models/" + model + "/versions/" + version));
            String status = current.get("validation").get("status").asString();
            if (status.equals("PASSED") || status.equals("FAILED") || status.equals("ERROR")) {
                return current;
            }
            Thread.sleep(200);
        } while (System.nanoTime() < deadline);
        throw new AssertionError("validation of " + model + " v" + version + " did not finish: " + current);
    }

    private static JsonNode expectedPenalties() throws Exception {
        return JSON.readTree(Path.of("src", "test", "resources", "validation", "expected_penalties.json").toFile());
    }
}
