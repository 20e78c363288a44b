package io.kerasregistry.customobjects;

import static org.assertj.core.api.Assertions.assertThat;

import io.kerasregistry.support.HttpApi;
import io.kerasregistry.support.RegistryTest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

@RegistryTest
class CustomObjectsApiTest {

    private static final String L1 = "{\"implementation\":\"EXPRESSION\",\"expression\":\"0.001 * sum(abs(w))\","
            + "\"description\":\"the seed scenario's regularizer\"}";

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
    void registeringReplacingAndDeletingKeepsRevisionsAndAnAuditTrail() {
        String path = "/api/v1/custom-objects/regularizer/my_custom_regularizer";
        HttpResponse<byte[]> created = api.putJson(path, L1);
        assertThat(created.statusCode()).isEqualTo(201);
        assertThat(created.headers().firstValue("ETag")).hasValue("\"1\"");
        JsonNode body = HttpApi.json(created);
        assertThat(body.get("kind").asString()).isEqualTo("regularizer");
        assertThat(body.get("expression").asString()).isEqualTo("0.001 * sum(abs(w))");

        HttpResponse<byte[]> replaced = api.putJson(path, "{\"implementation\":\"ALIAS\",\"alias\":{\"class_name\":\"L1\",\"config\":{\"l1\":0.001}}}",
                "If-Match", "\"1\"");
        assertThat(replaced.statusCode()).isEqualTo(200);
        assertThat(HttpApi.json(replaced).get("revision").asInt()).isEqualTo(2);
        assertThat(HttpApi.json(replaced).get("alias").get("class_name").asString()).isEqualTo("L1");

        assertThat(api.putJson(path, L1, "If-Match", "\"1\"").statusCode()).as("stale If-Match").isEqualTo(412);
        assertThat(api.putJson(path, L1, "If-None-Match", "*").statusCode()).as("create-only").isEqualTo(412);

        HttpResponse<byte[]> fetched = api.get(path);
        assertThat(fetched.headers().firstValue("ETag")).hasValue("\"2\"");

        assertThat(api.send(api.request(path).DELETE().build()).statusCode()).isEqualTo(204);
        assertThat(api.get(path).statusCode()).isEqualTo(404);
        HttpResponse<byte[]> again = api.putJson(path, L1);
        assertThat(HttpApi.json(again).get("revision").asInt()).as("revisions keep counting after a deletion").isEqualTo(4);

        assertThat(jdbc.sql("SELECT type FROM audit_event WHERE details->>'name' = 'my_custom_regularizer' ORDER BY id")
                .query(String.class).list())
                .containsExactly("CUSTOM_OBJECT_REGISTERED", "CUSTOM_OBJECT_REPLACED", "CUSTOM_OBJECT_DELETED",
                        "CUSTOM_OBJECT_REGISTERED");
        assertThat(jdbc.sql("SELECT count(*) FROM custom_object_revision WHERE name = 'my_custom_regularizer'")
                .query(Integer.class).single()).isEqualTo(4);
    }

    @Test
    void namesAsKerasWritesThemAreAccepted() {
        assertThat(api.putJson("/api/v1/custom-objects/layer/legacy_nested_container%3ENestedDenseModel",
                "{\"implementation\":\"INFERENCE_IDENTITY\"}").statusCode()).isEqualTo(201);
        assertThat(api.putJson("/api/v1/custom-objects/activation/my_softplus",
                "{\"implementation\":\"ALIAS\",\"alias\":\"softplus\"}").statusCode()).isEqualTo(201);
        JsonNode activations = HttpApi.json(api.get("/api/v1/custom-objects?kind=activation"));
        assertThat(activations.get("items")).extracting(i -> i.get("name").asString()).contains("my_softplus")
                .doesNotContain("legacy_nested_container>NestedDenseModel");
        assertThat(api.get("/api/v1/custom-objects/layer/legacy_nested_container%3ENestedDenseModel").statusCode())
                .isEqualTo(200);
    }

    @Test
    void definitionsThatCouldNeverWorkAreRefused() {
        assertThat(status("regularizer", "a", "{\"implementation\":\"ALIAS\"}")).isEqualTo(400);
        assertThat(status("regularizer", "a", "{\"implementation\":\"EXPRESSION\"}")).isEqualTo(400);
        assertThat(status("initializer", "a", "{\"implementation\":\"EXPRESSION\",\"expression\":\"w\"}")).isEqualTo(400);
        assertThat(status("layer", "a", "{\"implementation\":\"PLUGIN\"}")).isEqualTo(400);
        assertThat(status("activation", "a", "{\"implementation\":\"INFERENCE_IDENTITY\"}")).isEqualTo(400);
        assertThat(status("gadget", "a", "{\"implementation\":\"INFERENCE_IDENTITY\"}")).isEqualTo(400);
        assertThat(status("layer", "has space", "{\"implementation\":\"INFERENCE_IDENTITY\"}")).isEqualTo(400);
        assertThat(status("layer", "a", "{\"implementation\":\"MAGIC\"}")).isEqualTo(400);
        assertThat(status("regularizer", "a", "{\"implementation\":\"INFERENCE_IDENTITY\"}")).isEqualTo(400);
        assertThat(status("activation", "a", "{\"implementation\":\"ALIAS\",\"alias\":\"softplu\"}")).isEqualTo(400);
        assertThat(status("regularizer", "a", "{\"implementation\":\"ALIAS\",\"alias\":{\"class_name\":\"L3\"}}"))
                .isEqualTo(400);
        assertThat(status("regularizer", "a", "{\"implementation\":\"EXPRESSION\",\"expression\":\"abs(w)\"}"))
                .as("a regularizer must reduce to a number").isEqualTo(400);
        assertThat(status("activation", "a", "{\"implementation\":\"EXPRESSION\",\"expression\":\"w * 2\"}"))
                .as("an activation is a function of x").isEqualTo(400);
    }

    @Test
    void anExpressionThatDoesNotParseIsRefusedNamingWhere() {
        HttpResponse<byte[]> response = api.putJson("/api/v1/custom-objects/regularizer/broken",
                "{\"implementation\":\"EXPRESSION\",\"expression\":\"0.01 * sum(abs(w)\"}");

        assertThat(response.statusCode()).isEqualTo(400);
        JsonNode problem = HttpApi.json(response);
        assertThat(problem.get("detail").asString()).contains("column");
        assertThat(problem.get("expressionProblems").get(0).get("column").asInt()).isPositive();
    }

    @Test
    void ofParallelCreateOnlyRegistrationsExactlyOneWins() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Callable<Integer>> racers = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                racers.add(() -> api.putJson("/api/v1/custom-objects/metric/raced", "{\"implementation\":\"INFERENCE_IDENTITY\"}",
                        "If-None-Match", "*").statusCode());
            }
            List<Integer> statuses = new ArrayList<>();
            for (Future<Integer> f : pool.invokeAll(racers)) {
                statuses.add(f.get());
            }
            assertThat(statuses).filteredOn(s -> s == 201).hasSize(1);
            assertThat(statuses).filteredOn(s -> s == 412).hasSize(7);
        } finally {
            pool.shutdownNow();
        }
    }

    private int status(String kind, String name, String body) {
        return api.putJson("/api/v1/custom-objects/" + kind + "/" + name.replace(" ", "%20"), body).statusCode();
    }
}
