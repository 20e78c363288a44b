package io.kerasregistry.validation;

import static io.kerasregistry.validation.PluginFixtures.awaitValidation;
import static io.kerasregistry.validation.PluginFixtures.metric;
import static io.kerasregistry.validation.PluginFixtures.reports;
import static org.assertj.core.api.Assertions.assertThat;

import io.kerasregistry.registry.TestModels;
import io.kerasregistry.support.HttpApi;
import io.kerasregistry.support.PackagedService;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * One packaged service (role {@code all}, one job at a time, 10 s timeout, 2 attempts, 256 MiB
 * worker heap) and test-only plug-in layers that hang, crash the JVM with SIGSEGV, or sleep long
 * enough for the test to SIGKILL the child running them. Each poison job ends as {@code ERROR} with
 * its reason after its attempts, never loops, and the next job runs in a fresh child; the API keeps
 * answering throughout, and the workers endpoint and metrics count what happened.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WorkerFailuresIT {

    private static final Duration FINAL = Duration.ofSeconds(120);
    /** Each upload queues a job; a few show that uploads work without making the queue long. */
    private static final int UPLOADS_DURING_HANG = 3;

    @TempDir
    static Path directory;

    private static PackagedService service;
    private static HttpApi api;

    @BeforeAll
    static void start() {
        PackagedService.Builder builder = PackagedService.in(directory);
        Path plugins = directory.resolve("plugins");
        PluginFixtures.testPluginJar(plugins);
        service = builder.property("keras-registry.plugins.path", plugins.toString())
                .property("keras-registry.validation.timeout", "10s")
                .property("keras-registry.validation.max-attempts", "2")
                .property("keras-registry.validation.worker-heap", "256MB")
                .start();
        api = service.api();
        register("Sleeping", PluginFixtures.SLEEPING);
        register("Segfault", PluginFixtures.SEGFAULT);
    }

    @AfterAll
    static void stop() {
        if (service != null) {
            service.close();
        }
    }

    @Test
    @Order(1)
    void aHangingJobEndsAsATimeoutErrorWhileUploadsAndDownloadsKeepAnswering() {
        upload("hang", PluginFixtures.testLayerModel("Sleeping", ""));
        byte[] small = TestModels.denseH5(2048);
        upload("bystander", small);

        Instant deadline = Instant.now().plus(FINAL);
        int answered = 0;
        while (!isFinal("hang", 1) && Instant.now().isBefore(deadline)) {
            // while the child hangs, the API process answers uploads and downloads at once
            Instant began = Instant.now();
            HttpResponse<byte[]> download = api.get("/api/v1/models/bystander/versions/1/content");
            assertThat(download.statusCode()).isEqualTo(200);
            assertThat(download.body()).isEqualTo(small);
            if (answered < UPLOADS_DURING_HANG) {
                HttpResponse<byte[]> another = api.uploadRaw("during-hang", TestModels.denseH5(1024 + answered),
                        "model.h5");
                assertThat(another.statusCode()).as(HttpApi.text(another)).isEqualTo(201);
            } else {
                assertThat(api.get("/api/v1/models/during-hang/versions").statusCode()).isEqualTo(200);
            }
            assertThat(Duration.between(began, Instant.now())).isLessThan(Duration.ofSeconds(5));
            answered++;
            PluginFixtures.sleep(Duration.ofSeconds(1));
        }
        assertThat(answered).as("requests answered while the worker hung").isGreaterThan(5);

        JsonNode hang = awaitValidation(api, "hang", 1, FINAL);
        assertThat(hang.at("/validation/status").asString()).as(service.logTail()).isEqualTo("ERROR");
        assertThat(hang.at("/validation/summary").asString())
                .isEqualTo("timeout after 10 s (attempt 2 of 2; not retried again)");
        List<JsonNode> attempts = reports(api, "hang", 1);
        assertThat(attempts).extracting(r -> r.path("summary").asString()).containsExactly(
                "timeout after 10 s; it will be tried again", "timeout after 10 s (attempt 2 of 2; not retried again)");

        // the queue moves on, each job in a fresh child
        assertThat(awaitValidation(api, "bystander", 1, FINAL).at("/validation/status").asString()).isEqualTo("PASSED");
        assertThat(awaitValidation(api, "during-hang", UPLOADS_DURING_HANG, FINAL).at("/validation/status").asString())
                .isEqualTo("PASSED");
        assertThat(service.workerProcesses()).hasSizeLessThanOrEqualTo(1);
        assertThat(metric(api, "keras_registry_validation_worker_timeouts_total")).isGreaterThanOrEqualTo(2);
        assertThat(worker().path("timeouts").asLong()).isGreaterThanOrEqualTo(2);
    }

    @Test
    @Order(2)
    void aNativeCrashEndsAsErrorAfterItsAttemptsAndDoesNotLoop() {
        double crashesBefore = metric(api, "keras_registry_validation_worker_crashes_total");
        upload("segfault", PluginFixtures.testLayerModel("Segfault", ""));
        JsonNode crashed = awaitValidation(api, "segfault", 1, FINAL);
        assertThat(crashed.at("/validation/status").asString()).as(service.logTail()).isEqualTo("ERROR");
        assertThat(crashed.at("/validation/summary").asString())
                .isEqualTo("worker crashed: SIGSEGV (attempt 2 of 2; not retried again)");

        // a job after it runs and passes, and the poison job is not taken again
        upload("after-segfault", TestModels.denseH5(3000));
        assertThat(awaitValidation(api, "after-segfault", 1, FINAL).at("/validation/status").asString())
                .isEqualTo("PASSED");
        assertThat(reports(api, "segfault", 1)).hasSize(2);
        assertThat(metric(api, "keras_registry_validation_worker_crashes_total")).isEqualTo(crashesBefore + 2);
        assertThat(service.isAlive()).isTrue();
    }

    @Test
    @Order(3)
    void aChildKilledMidJobIsReplacedAndItsJobFinishes() throws IOException {
        Path marker = directory.resolve("sleeping-once");
        upload("killed-once", PluginFixtures.testLayerModel("Sleeping",
                "\"sleep_ms\": 2000, \"marker\": \"" + marker + "\""));
        long first = awaitMarker(marker);

        // while it runs, the workers endpoint shows the supervising process and its current job
        JsonNode worker = worker();
        assertThat(worker.path("pid").asLong()).isEqualTo(service.pid());
        assertThat(worker.path("host").asString()).isNotBlank();
        assertThat(worker.path("startedAt").asString()).isNotBlank();
        long doneBefore = worker.path("jobsDone").asLong();
        assertThat(worker.path("running")).hasSize(1);
        assertThat(worker.at("/running/0/model").asString()).isEqualTo("killed-once");
        assertThat(worker.at("/running/0/childPid").asLong()).isEqualTo(first);
        assertThat(service.workerProcesses()).extracting(ProcessHandle::pid).containsExactly(first);

        Files.delete(marker);
        PackagedService.signal(first, "KILL");
        long second = awaitMarker(marker);
        assertThat(second).as("the retry runs in a new child").isNotEqualTo(first);

        JsonNode finished = awaitValidation(api, "killed-once", 1, FINAL);
        assertThat(finished.at("/validation/status").asString()).as(service.logTail()).isEqualTo("PASSED");
        assertThat(reports(api, "killed-once", 1)).extracting(r -> r.path("summary").asString()).first()
                .isEqualTo("worker crashed: SIGKILL; it will be tried again");
        assertThat(worker().path("jobsDone").asLong()).isEqualTo(doneBefore + 1);
    }

    @Test
    @Order(4)
    void aChildKilledOnEveryAttemptEndsAsError() throws IOException {
        Path marker = directory.resolve("sleeping-always");
        upload("killed-always", PluginFixtures.testLayerModel("Sleeping",
                "\"sleep_ms\": 60000, \"marker\": \"" + marker + "\""));
        for (int attempt = 1; attempt <= 2; attempt++) {
            long pid = awaitMarker(marker);
            Files.delete(marker);
            PackagedService.signal(pid, "KILL");
        }
        JsonNode finished = awaitValidation(api, "killed-always", 1, FINAL);
        assertThat(finished.at("/validation/status").asString()).isEqualTo("ERROR");
        assertThat(finished.at("/validation/summary").asString())
                .isEqualTo("worker crashed: SIGKILL (attempt 2 of 2; not retried again)");
        assertThat(service.isAlive()).isTrue();
        assertThat(service.loadedNd4jNatives()).isFalse();
    }

    private static void register(String name, String className) {
        HttpResponse<byte[]> response = api.putJson("/api/v1/custom-objects/layer/" + name,
                "{\"implementation\":\"PLUGIN\",\"className\":\"" + className + "\"}");
        assertThat(response.statusCode()).as(HttpApi.text(response)).isIn(200, 201);
    }

    private static void upload(String model, byte[] content) {
        HttpResponse<byte[]> response = api.uploadRaw(model, content, "model.h5");
        assertThat(response.statusCode()).as(HttpApi.text(response)).isEqualTo(201);
    }

    private static boolean isFinal(String model, int version) {
        String status = HttpApi.json(api.get("/api/v1/models/" + model + "/versions/" + version))
                .at("/validation/status").asString();
        return List.of("PASSED", "FAILED", "ERROR").contains(status);
    }

    /** This service's entry in {@code GET /validation/workers}. */
    private static JsonNode worker() {
        HttpResponse<byte[]> response = api.get("/api/v1/validation/workers");
        assertThat(response.statusCode()).as(HttpApi.text(response)).isEqualTo(200);
        for (JsonNode w : HttpApi.json(response).path("items")) {
            if (w.path("pid").asLong() == service.pid() && w.path("alive").asBoolean()) {
                return w;
            }
        }
        throw new AssertionError("no live worker with pid " + service.pid() + ": " + HttpApi.text(response));
    }

    /** Waits for the sleeping layer's marker file; the pid of the child that wrote it. */
    private static long awaitMarker(Path marker) throws IOException {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
        while (Instant.now().isBefore(deadline)) {
            if (Files.exists(marker)) {
                String pid = Files.readString(marker).strip();
                if (!pid.isEmpty()) {
                    return Long.parseLong(pid);
                }
            }
            PluginFixtures.sleep(Duration.ofMillis(100));
        }
        throw new AssertionError("the sleeping layer never started: " + service.logTail());
    }
}
