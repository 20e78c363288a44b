package io.kerasregistry.validation;

import static io.kerasregistry.validation.PluginFixtures.awaitValidation;
import static org.assertj.core.api.Assertions.assertThat;

import io.kerasregistry.registry.TestModels;
import io.kerasregistry.support.HttpApi;
import io.kerasregistry.support.PackagedService;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * Two processes of one deployment sharing a database and a blob folder: one in role {@code api}
 * serving HTTP, one in role {@code worker} (256 MiB worker heap) taking jobs from the same queue.
 * The worker process is killed with SIGKILL mid-job and started again, and its job still finishes;
 * a 1 GiB model ends as {@code ERROR: out of memory} (or passes, were validation to stream); the
 * API process answers throughout and never loads ND4J.
 */
class WorkerRolesIT {

    private static final Duration FINAL = Duration.ofSeconds(180);

    @TempDir
    Path directory;

    @Test
    void anApiProcessAndAWorkerProcessShareTheQueueAndTheApiIsUnaffectedByTheWorker() throws Exception {
        try (PackagedService apiProcess = PackagedService.in(directory.resolve("api"))
                .property("keras-registry.role", "api").start();
                PackagedService worker = PackagedService.in(directory.resolve("worker")).sharingDataOf(apiProcess)
                        .property("keras-registry.role", "worker")
                        .property("keras-registry.validation.worker-heap", "256MB")
                        .property("keras-registry.validation.lease", "4s")
                        .property("keras-registry.validation.timeout", "150s")
                        .start()) {
            HttpApi api = apiProcess.api();

            // the worker process serves probes and metrics, not the API
            HttpResponse<byte[]> refused = worker.api().get("/api/v1/models");
            assertThat(refused.statusCode()).isEqualTo(503);
            assertThat(refused.headers().firstValue("Content-Type")).hasValue("application/problem+json");
            assertThat(HttpApi.json(refused).path("type").asString())
                    .isEqualTo("urn:keras-registry:problem:service-unavailable");
            assertThat(worker.status("/readyz")).isEqualTo(200);

            // a job uploaded to the API process is run by the worker process
            byte[] small = TestModels.denseH5(2048);
            upload(api, "shared", small);
            assertThat(awaitValidation(api, "shared", 1, FINAL).at("/validation/status").asString())
                    .as(worker.logTail()).isEqualTo("PASSED");
            JsonNode workers = HttpApi.json(api.get("/api/v1/validation/workers")).path("items");
            assertThat(workers).hasSize(1);
            assertThat(workers.at("/0/pid").asLong()).isEqualTo(worker.pid());
            assertThat(workers.at("/0/role").asString()).isEqualTo("WORKER");
            assertThat(workers.at("/0/jobsDone").asLong()).isEqualTo(1);

            // the worker process killed with SIGKILL mid-job: started again, it finishes the job
            upload(api, "interrupted", TestModels.denseH5(40_000));
            awaitChild(api);
            worker.kill("KILL");
            assertThat(apiProcess.status("/readyz")).isEqualTo(200);
            worker.start();
            JsonNode interrupted = awaitValidation(api, "interrupted", 1, FINAL);
            assertThat(interrupted.at("/validation/status").asString()).as(worker.logTail()).isEqualTo("PASSED");
            assertThat(PluginFixtures.reports(api, "interrupted", 1)).last()
                    .satisfies(r -> assertThat(r.path("attempt").asInt()).isEqualTo(2));

            // a 1 GiB model under a 256 MiB worker heap
            Path large = largeModel();
            long apiPid = apiProcess.pid();
            HttpResponse<byte[]> uploaded = api.send(api.request("/api/v1/models/large/versions?filename=large.h5")
                    .header("Content-Type", "application/octet-stream")
                    .POST(HttpRequest.BodyPublishers.ofFile(large)).build());
            assertThat(uploaded.statusCode()).as(HttpApi.text(uploaded)).isEqualTo(201);
            Files.delete(large);
            int answered = 0;
            Instant deadline = Instant.now().plus(FINAL);
            while (!isFinal(api, "large") && Instant.now().isBefore(deadline)) {
                Instant began = Instant.now();
                assertThat(apiProcess.status("/readyz")).isEqualTo(200);
                HttpResponse<byte[]> download = api.get("/api/v1/models/shared/versions/1/content");
                assertThat(download.body()).isEqualTo(small);
                assertThat(Duration.between(began, Instant.now())).isLessThan(Duration.ofSeconds(5));
                answered++;
                PluginFixtures.sleep(Duration.ofMillis(500));
            }
            JsonNode result = awaitValidation(api, "large", 1, Duration.ofSeconds(5));
            String status = result.at("/validation/status").asString();
            String summary = result.at("/validation/summary").asString();
            assertThat(status + ": " + summary).as(worker.logTail())
                    .matches("ERROR: out of memory.*|PASSED: .*");
            assertThat(answered).isGreaterThan(3);
            assertThat(apiProcess.isAlive()).isTrue();
            assertThat(apiProcess.pid()).isEqualTo(apiPid);
            assertThat(apiProcess.loadedNd4jNatives()).isFalse();
            assertThat(worker.isAlive()).isTrue();
        }
    }

    private static void upload(HttpApi api, String model, byte[] content) {
        HttpResponse<byte[]> response = api.uploadRaw(model, content, "model.h5");
        assertThat(response.statusCode()).as(HttpApi.text(response)).isEqualTo(201);
    }

    private static boolean isFinal(HttpApi api, String model) {
        String status = HttpApi.json(api.get("/api/v1/models/" + model + "/versions/1")).at("/validation/status")
                .asString();
        return status.equals("PASSED") || status.equals("FAILED") || status.equals("ERROR");
    }

    /** Waits until the workers endpoint shows a child JVM running a job. */
    private static void awaitChild(HttpApi api) {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
        while (Instant.now().isBefore(deadline)) {
            for (JsonNode w : HttpApi.json(api.get("/api/v1/validation/workers")).path("items")) {
                for (JsonNode job : w.path("running")) {
                    if (job.path("childPid").isNumber()) {
                        return;
                    }
                }
            }
            PluginFixtures.sleep(Duration.ofMillis(100));
        }
        throw new AssertionError("no job started within 60 s");
    }

    /** 1 GiB of Dense kernels, written with h5py one layer at a time (tools/fixtures/make_large_model.py). */
    private Path largeModel() throws IOException, InterruptedException {
        Path python = Path.of("/usr/bin/python3");
        Assumptions.assumeTrue(Files.isExecutable(python), "the 1 GiB model is written with /usr/bin/python3 + h5py");
        Path out = directory.resolve("large.h5");
        Path log = directory.resolve("large.log");
        Process p = new ProcessBuilder(python.toString(), "tools/fixtures/make_large_model.py", out.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        assertThat(p.waitFor(3, TimeUnit.MINUTES)).isTrue();
        Assumptions.assumeTrue(p.exitValue() == 0, () -> "h5py/numpy missing? " + read(log));
        assertThat(Files.size(out)).isGreaterThanOrEqualTo(1L << 30);
        return out;
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return e.toString();
        }
    }
}
