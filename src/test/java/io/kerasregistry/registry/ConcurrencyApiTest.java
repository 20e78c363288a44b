package io.kerasregistry.registry;

import static org.assertj.core.api.Assertions.assertThat;

import io.kerasregistry.support.HttpApi;
import io.kerasregistry.support.RegistryTest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * Races over real HTTP: many requests released at once against one model, one alias, one version,
 * one custom object. Each race has the outcome a serial run would have: no duplicate, no lost update,
 * one winner where only one can win. The audit chain stays intact through all of them.
 */
@RegistryTest
@TestPropertySource(properties = {
        "keras-registry.validation.poll-interval=100ms",
        // The 64 racing uploads are larger than this and end as ERROR without a child JVM each.
        "keras-registry.validation.max-input-size=12KB"})
class ConcurrencyApiTest {

    @LocalServerPort
    int port;

    @Autowired
    JdbcClient jdbc;

    HttpApi admin;
    ExecutorService pool;

    @BeforeEach
    void setUp() {
        admin = new HttpApi(port);
        pool = Executors.newFixedThreadPool(64);
    }

    @AfterEach
    void tearDown() {
        pool.shutdownNow();
    }

    @Test
    void sixtyFourParallelUploadsToOneModelGetVersionsOneToSixtyFour() throws Exception {
        List<byte[]> models = IntStream.range(0, 64).mapToObj(i -> TestModels.denseH5(40_000 + 37 * i)).toList();
        List<HttpResponse<byte[]>> responses = race(64, i -> admin.uploadRaw("crowd", models.get(i), "m" + i + ".h5"));

        Set<Integer> numbers = new HashSet<>();
        Set<String> hashes = new HashSet<>();
        for (HttpResponse<byte[]> response : responses) {
            assertThat(response.statusCode()).as(HttpApi.text(response)).isEqualTo(201);
            JsonNode version = HttpApi.json(response);
            numbers.add(version.get("version").asInt());
            hashes.add(version.get("sha256").asString());
        }
        assertThat(numbers).hasSize(64).containsAll(IntStream.rangeClosed(1, 64).boxed().toList());
        assertThat(hashes).hasSize(64);
        JsonNode listed = HttpApi.json(admin.get("/api/v1/models/crowd/versions?limit=1000")).get("items");
        assertThat(listed).hasSize(64);
        Set<String> listedHashes = new HashSet<>();
        listed.forEach(v -> listedHashes.add(v.get("sha256").asString()));
        assertThat(listedHashes).isEqualTo(hashes);
        assertThat(HttpApi.json(admin.get("/api/v1/events?model=crowd&type=VERSION_UPLOADED&limit=1000")).get("items"))
                .hasSize(64);
        assertThat(HttpApi.json(admin.get("/api/v1/events/verify")).get("intact").asBoolean()).isTrue();
    }

    @Test
    void parallelApprovalsOfOneVersionHaveOneWinner() throws Exception {
        assertThat(admin.uploadRaw("approve-race", TestModels.denseH5(3000), "m.h5").statusCode()).isEqualTo(201);
        awaitPassed("approve-race", 1);

        List<HttpResponse<byte[]>> responses = race(16, i -> admin.postJson("/api/v1/models/approve-race/versions/1/approval",
                "{\"decision\":\"APPROVED\",\"comment\":\"reviewer " + i + "\"}"));

        List<Integer> statuses = responses.stream().map(HttpResponse::statusCode).toList();
        assertThat(statuses).filteredOn(s -> s == 200).hasSize(1);
        assertThat(statuses).filteredOn(s -> s == 409).hasSize(15);
        assertThat(HttpApi.json(admin.get("/api/v1/models/approve-race/versions/1/approval")).get("items")).hasSize(1);
        assertThat(HttpApi.json(admin.get("/api/v1/events?model=approve-race&type=VERSION_APPROVED")).get("items"))
                .hasSize(1);
    }

    @Test
    void parallelAliasMovesWithIfMatchHaveOneWinnerAndKeepTheHistoryLinear() throws Exception {
        assertThat(admin.uploadRaw("alias-race", TestModels.denseH5(3001), "m.h5").statusCode()).isEqualTo(201);
        assertThat(admin.uploadRaw("alias-race", TestModels.denseH5(3002), "m.h5").statusCode()).isEqualTo(201);
        awaitPassed("alias-race", 1);
        awaitPassed("alias-race", 2);
        for (int v = 1; v <= 2; v++) {
            admin.postJson("/api/v1/models/alias-race/versions/" + v + "/approval", "{\"decision\":\"APPROVED\",\"comment\":\"ok\"}");
        }
        String etag = admin.putJson("/api/v1/models/alias-race/aliases/production", "{\"version\":1}").headers()
                .firstValue("ETag").orElseThrow();
        for (int round = 0; round < 5; round++) {
            String current = etag;
            int target = round % 2 == 0 ? 2 : 1;
            List<HttpResponse<byte[]>> responses = race(16, i -> admin.putJson("/api/v1/models/alias-race/aliases/production",
                    "{\"version\":" + target + "}", "If-Match", current));
            List<HttpResponse<byte[]>> winners = responses.stream().filter(r -> r.statusCode() == 200).toList();
            assertThat(winners).as("round " + round).hasSize(1);
            assertThat(responses).filteredOn(r -> r.statusCode() == 412).hasSize(15);
            etag = winners.get(0).headers().firstValue("ETag").orElseThrow();
        }
        assertThat(HttpApi.json(admin.get("/api/v1/models/alias-race/aliases/production")).get("version").asInt()).isEqualTo(2);
        assertThat(HttpApi.json(admin.get("/api/v1/models/alias-race/aliases/production/history")).get("items")).hasSize(6);
    }

    @Test
    void parallelRegistrationsOfOneCustomObjectHaveOneCreatorAndNoLostRevision() throws Exception {
        String path = "/api/v1/custom-objects/activation/race_activation";
        String body = "{\"implementation\":\"ALIAS\",\"alias\":\"softplus\"}";

        List<HttpResponse<byte[]>> creates = race(16, i -> admin.putJson(path, body, "If-None-Match", "*"));
        assertThat(creates).filteredOn(r -> r.statusCode() == 201).hasSize(1);
        assertThat(creates).filteredOn(r -> r.statusCode() == 412).hasSize(15);

        // Unconditional replacements all win, each with its own revision.
        List<HttpResponse<byte[]>> replaces = race(16, i -> admin.putJson(path, body));
        Set<Integer> revisions = new HashSet<>();
        for (HttpResponse<byte[]> response : replaces) {
            assertThat(response.statusCode()).isEqualTo(200);
            revisions.add(HttpApi.json(response).get("revision").asInt());
        }
        assertThat(revisions).hasSize(16);
        HttpResponse<byte[]> current = admin.get(path);
        int revision = HttpApi.json(current).get("revision").asInt();
        assertThat(revision).isEqualTo(17);

        // Conditional replacements of one revision: one winner.
        String etag = current.headers().firstValue("ETag").orElseThrow();
        List<HttpResponse<byte[]>> conditional = race(16, i -> admin.putJson(path, body, "If-Match", etag));
        assertThat(conditional).filteredOn(r -> r.statusCode() == 200).hasSize(1);
        assertThat(conditional).filteredOn(r -> r.statusCode() == 412).hasSize(15);
        assertThat(jdbc.sql("SELECT count(*) FROM custom_object_revision WHERE kind = 'activation' AND name = 'race_activation'")
                .query(Integer.class).single()).isEqualTo(18);
    }

    interface Call {
        HttpResponse<byte[]> run(int index) throws Exception;
    }

    /** Runs {@code n} calls released together by a latch, and their answers. */
    private List<HttpResponse<byte[]>> race(int n, Call call) throws Exception {
        CountDownLatch ready = new CountDownLatch(n);
        CountDownLatch go = new CountDownLatch(1);
        List<Callable<HttpResponse<byte[]>>> calls = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int index = i;
            calls.add(() -> {
                ready.countDown();
                go.await();
                return call.run(index);
            });
        }
        List<Future<HttpResponse<byte[]>>> futures = new ArrayList<>();
        for (Callable<HttpResponse<byte[]>> c : calls) {
            futures.add(pool.submit(c));
        }
        ready.await();
        go.countDown();
        List<HttpResponse<byte[]>> responses = new ArrayList<>();
        for (Future<HttpResponse<byte[]>> f : futures) {
            responses.add(f.get());
        }
        return responses;
    }

    private void awaitPassed(String model, int version) throws InterruptedException {
        for (int i = 0; i < 1200; i++) {
            String status = HttpApi.json(admin.get("/api/v1/models/" + model + "/versions/" + version))
                    .at("/validation/status").asString();
            if (status.equals("PASSED")) {
                return;
            }
            assertThat(status).isIn("PENDING", "RUNNING");
            Thread.sleep(200);
        }
        throw new AssertionError("validation of " + model + " v" + version + " did not pass in time");
    }
}
