package io.kerasregistry.registry;

import static org.assertj.core.api.Assertions.assertThat;

import io.kerasregistry.support.HttpApi;
import io.kerasregistry.support.RegistryTest;
import java.net.http.HttpResponse;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
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
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;

/** Issue 6, as a new user would try it with curl: roles, approval, aliases, history, audit. */
@RegistryTest
@TestPropertySource(properties = {"keras-registry.approval.four-eyes=true", "keras-registry.validation.poll-interval=100ms"})
class ApprovalAndAliasesApiTest {

    @LocalServerPort
    int port;

    @Autowired
    JdbcClient jdbc;

    HttpApi admin;
    HttpApi reader;
    HttpApi publisher;
    HttpApi approver;

    @BeforeEach
    void tokens() {
        admin = new HttpApi(port);
        String suffix = Long.toString(System.nanoTime());
        reader = admin.withToken(token("reader-" + suffix, "READER"));
        publisher = admin.withToken(token("publisher-" + suffix, "PUBLISHER"));
        approver = admin.withToken(token("approver-" + suffix, "APPROVER"));
    }

    @Test
    void fromUploadToAPipelineFetchingProduction() throws Exception {
        byte[] model = TestModels.denseH5(6000);
        assertThat(reader.uploadRaw("fraud", model, "fraud.h5").statusCode()).as("a reader cannot upload").isEqualTo(403);

        HttpResponse<byte[]> uploaded = publisher.uploadRaw("fraud", model, "fraud.h5");
        assertThat(uploaded.statusCode()).isEqualTo(201);
        HttpResponse<byte[]> early = approver.postJson("/api/v1/models/fraud/versions/1/approval",
                "{\"decision\":\"APPROVED\",\"comment\":\"looks good\"}");
        assertThat(early.statusCode()).as("approval before validation passed").isEqualTo(409);
        assertThat(HttpApi.json(early).get("detail").asString()).contains("validation is");

        awaitValidation("fraud", 1);
        assertThat(approver.postJson("/api/v1/models/fraud/versions/1/approval",
                "{\"decision\":\"APPROVED\",\"comment\":\"\"}").statusCode()).as("a comment is required").isEqualTo(400);
        HttpResponse<byte[]> approved = approver.postJson("/api/v1/models/fraud/versions/1/approval",
                "{\"decision\":\"APPROVED\",\"comment\":\"AUC 0.93 on the holdout set\"}");
        assertThat(approved.statusCode()).as(HttpApi.text(approved)).isEqualTo(200);
        assertThat(HttpApi.json(approved).get("approval").get("status").asString()).isEqualTo("APPROVED");
        assertThat(HttpApi.json(approved).get("approval").get("by").asString()).startsWith("approver-");

        HttpResponse<byte[]> pointed = approver.putJson("/api/v1/models/fraud/aliases/production", "{\"version\":1}");
        assertThat(pointed.statusCode()).isEqualTo(201);
        String etag = pointed.headers().firstValue("ETag").orElseThrow();

        HttpResponse<byte[]> fetched = reader.get("/api/v1/models/fraud/aliases/production/content");
        assertThat(fetched.statusCode()).isEqualTo(200);
        assertThat(sha256(fetched.body())).isEqualTo(sha256(model)).isEqualTo(HttpApi.json(uploaded).get("sha256").asString());
        assertThat(fetched.headers().firstValue("Keras-Registry-Version")).hasValue("1");
        HttpResponse<byte[]> latest = reader.get("/api/v1/models/fraud/versions/latest/content?approval=APPROVED");
        assertThat(latest.body()).isEqualTo(model);
        assertThat(latest.headers().firstValue("Keras-Registry-Version")).hasValue("1");

        // a second version, approved, moves production; a stale If-Match is refused
        Instant beforeMove = Instant.now();
        publisher.uploadRaw("fraud", TestModels.denseH5(6001), "fraud.h5");
        awaitValidation("fraud", 2);
        approver.postJson("/api/v1/models/fraud/versions/2/approval", "{\"decision\":\"APPROVED\",\"comment\":\"retrained\"}");
        HttpResponse<byte[]> moved = approver.putJson("/api/v1/models/fraud/aliases/production", "{\"version\":2}",
                "If-Match", etag);
        assertThat(moved.statusCode()).isEqualTo(200);
        HttpResponse<byte[]> stale = approver.putJson("/api/v1/models/fraud/aliases/production", "{\"version\":1}",
                "If-Match", etag);
        assertThat(stale.statusCode()).isEqualTo(412);
        assertThat(HttpApi.json(reader.get("/api/v1/models/fraud/versions/latest?approval=APPROVED")).get("version").asInt())
                .isEqualTo(2);

        JsonNode history = HttpApi.json(reader.get("/api/v1/models/fraud/aliases/production/history"));
        assertThat(history.get("items")).extracting(c -> c.get("version").asInt()).containsExactly(1, 2);
        JsonNode atTime = HttpApi.json(reader.get("/api/v1/models/fraud/aliases/production/history?at=" + beforeMove));
        assertThat(atTime.get("items").get(0).get("version").asInt()).as("what was in production before the move")
                .isEqualTo(1);

        List<String> story = new ArrayList<>();
        HttpApi.json(reader.get("/api/v1/events?model=fraud&limit=100")).get("items").forEach(e -> story.add(e.get("type").asString()));
        assertThat(story).containsSubsequence("MODEL_CREATED", "VERSION_UPLOADED", "VALIDATION_PASSED", "VERSION_APPROVED",
                "ALIAS_MOVED", "VERSION_UPLOADED", "VALIDATION_PASSED", "VERSION_APPROVED", "ALIAS_MOVED");
        assertThat(HttpApi.json(reader.get("/api/v1/events/verify")).get("intact").asBoolean()).isTrue();

        // someone edits the audit log behind the registry's back
        long approval = jdbc.sql("SELECT id FROM audit_event WHERE model_name = 'fraud' AND type = 'VERSION_APPROVED' "
                + "ORDER BY id LIMIT 1").query(Long.class).single();
        jdbc.sql("UPDATE audit_event SET actor = 'mallory' WHERE id = :id").param("id", approval).update();
        JsonNode verdict = HttpApi.json(reader.get("/api/v1/events/verify"));
        assertThat(verdict.get("intact").asBoolean()).isFalse();
        assertThat(verdict.get("firstBrokenId").asLong()).isEqualTo(approval);
    }

    @Test
    void aliasesPointOnlyAtApprovedVersionsUnlessAnAdminForcesItWithAReason() throws Exception {
        publisher.uploadRaw("unreviewed", TestModels.denseH5(5000), "m.h5");
        awaitValidation("unreviewed", 1);

        assertThat(approver.putJson("/api/v1/models/unreviewed/aliases/staging", "{\"version\":1}").statusCode()).isEqualTo(409);
        assertThat(approver.putJson("/api/v1/models/unreviewed/aliases/staging", "{\"version\":1,\"force\":true,\"reason\":\"hotfix\"}")
                .statusCode()).as("forcing is for admins").isEqualTo(403);
        assertThat(admin.putJson("/api/v1/models/unreviewed/aliases/staging", "{\"version\":1,\"force\":true}").statusCode())
                .as("forcing needs a reason").isEqualTo(400);
        HttpResponse<byte[]> forced = admin.putJson("/api/v1/models/unreviewed/aliases/staging",
                "{\"version\":1,\"force\":true,\"reason\":\"incident 4711 hotfix\"}");
        assertThat(forced.statusCode()).isEqualTo(201);
        assertThat(HttpApi.json(forced).get("forced").asBoolean()).isTrue();
        JsonNode change = HttpApi.json(reader.get("/api/v1/models/unreviewed/aliases/staging/history")).get("items").get(0);
        assertThat(change.get("reason").asString()).isEqualTo("incident 4711 hotfix");
        assertThat(reader.get("/api/v1/models/unreviewed/versions/latest?approval=APPROVED").statusCode()).isEqualTo(404);
    }

    @Test
    void withFourEyesTheUploaderCannotApproveTheirOwnVersion() throws Exception {
        String both = token("both-" + System.nanoTime(), "PUBLISHER", "APPROVER");
        HttpApi selfApprover = admin.withToken(both);
        selfApprover.uploadRaw("own", TestModels.denseH5(5100), "m.h5");
        awaitValidation("own", 1);

        HttpResponse<byte[]> own = selfApprover.postJson("/api/v1/models/own/versions/1/approval",
                "{\"decision\":\"APPROVED\",\"comment\":\"mine\"}");
        assertThat(own.statusCode()).isEqualTo(409);
        assertThat(HttpApi.json(own).get("detail").asString()).contains("four-eyes");
        assertThat(approver.postJson("/api/v1/models/own/versions/1/approval",
                "{\"decision\":\"APPROVED\",\"comment\":\"reviewed\"}").statusCode()).isEqualTo(200);
    }

    @Test
    void ofParallelAliasMovesWithTheSameIfMatchExactlyOneWins() throws Exception {
        publisher.uploadRaw("race", TestModels.denseH5(5200), "m.h5");
        publisher.uploadRaw("race", TestModels.denseH5(5201), "m.h5");
        awaitValidation("race", 1);
        awaitValidation("race", 2);
        approver.postJson("/api/v1/models/race/versions/1/approval", "{\"decision\":\"APPROVED\",\"comment\":\"ok\"}");
        approver.postJson("/api/v1/models/race/versions/2/approval", "{\"decision\":\"APPROVED\",\"comment\":\"ok\"}");
        String etag = approver.putJson("/api/v1/models/race/aliases/production", "{\"version\":1}").headers()
                .firstValue("ETag").orElseThrow();

        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Callable<Integer>> moves = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                int target = 1 + i % 2;
                moves.add(() -> approver.putJson("/api/v1/models/race/aliases/production", "{\"version\":" + target + "}",
                        "If-Match", etag).statusCode());
            }
            List<Integer> statuses = new ArrayList<>();
            for (Future<Integer> f : pool.invokeAll(moves)) {
                statuses.add(f.get());
            }
            assertThat(statuses).filteredOn(s -> s == 200).hasSize(1);
            assertThat(statuses).filteredOn(s -> s == 412).hasSize(7);
        } finally {
            pool.shutdownNow();
        }
        assertThat(HttpApi.json(reader.get("/api/v1/models/race/aliases/production/history")).get("items")).hasSize(2);
    }

    @Test
    void aVersionAnAliasPointsAtCannotBeRejectedOrArchived() throws Exception {
        publisher.uploadRaw("pinned", TestModels.denseH5(5300), "m.h5");
        awaitValidation("pinned", 1);
        approver.postJson("/api/v1/models/pinned/versions/1/approval", "{\"decision\":\"APPROVED\",\"comment\":\"ok\"}");
        approver.putJson("/api/v1/models/pinned/aliases/production", "{\"version\":1}");

        assertThat(approver.postJson("/api/v1/models/pinned/versions/1/approval",
                "{\"decision\":\"REJECTED\",\"comment\":\"regression\"}").statusCode()).isEqualTo(409);
        assertThat(approver.postJson("/api/v1/models/pinned/versions/1/archive", "{\"archived\":true}").statusCode())
                .isEqualTo(409);
        assertThat(approver.send(approver.request("/api/v1/models/pinned/aliases/production").DELETE().build()).statusCode())
                .isEqualTo(204);
        assertThat(approver.postJson("/api/v1/models/pinned/versions/1/approval",
                "{\"decision\":\"REJECTED\",\"comment\":\"regression\"}").statusCode()).isEqualTo(200);
        JsonNode decisions = HttpApi.json(reader.get("/api/v1/models/pinned/versions/1/approval"));
        assertThat(decisions.get("items")).extracting(d -> d.get("decision").asString()).containsExactly("APPROVED", "REJECTED");
    }

    private String token(String name, String... roles) {
        String list = String.join("\",\"", roles);
        return HttpApi.json(admin.postJson("/api/v1/tokens", "{\"name\":\"" + name + "\",\"roles\":[\"" + list + "\"]}"))
                .get("token").asString();
    }

    private void awaitValidation(String model, int version) throws InterruptedException {
        for (int i = 0; i < 1200; i++) {
            String status = HttpApi.json(admin.get("/api/v1/models/" + model + "/versions/" + version))
                    .get("validation").get("status").asString();
            if (status.equals("PASSED")) {
                return;
            }
            assertThat(status).isIn("PENDING", "RUNNING");
            Thread.sleep(200);
        }
        throw new AssertionError("validation of " + model + " v" + version + " did not pass in time");
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }
}
