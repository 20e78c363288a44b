package io.kerasregistry.validation;

import static io.kerasregistry.validation.PluginFixtures.awaitValidation;
import static io.kerasregistry.validation.PluginFixtures.metric;
import static io.kerasregistry.validation.PluginFixtures.reports;
import static org.assertj.core.api.Assertions.assertThat;

import io.kerasregistry.registry.TestModels;
import io.kerasregistry.support.HttpApi;
import io.kerasregistry.support.PackagedService;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * The packaged jar as a deployment of two processes sharing one database and blob folder: one in
 * role {@code api} serving HTTP, one in role {@code worker} taking validation jobs from the same
 * queue (10 s timeout, 2 attempts, 256 MiB child heap), later replaced by another worker process.
 * Test-only plug-in layers hang, crash the JVM with SIGSEGV, or sleep long enough to be killed
 * mid-job; the example plug-in under {@code examples/} is built and used; a 1 GiB model is
 * validated under the 256 MiB heap. Throughout, the API process answers and never loads ND4J.
 *
 * <p>One deployment for every scenario: starting the packaged jar is the slow part.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ValidationIsolationIT {

    private static final Duration FINAL = Duration.ofSeconds(150);
    /** Each upload queues a job; a few show that uploads work without making the queue long. */
    private static final int UPLOADS_DURING_HANG = 3;
    private static final Path EXAMPLE = Path.of("examples/custom-layer-plugin");

    @TempDir
    static Path directory;

    private static Path plugins;
    private static Process exampleBuild;
    private static PackagedService apiProcess;
    private static PackagedService worker;
    private static PackagedService replacement;
    private static HttpApi api;
    private static long apiPid;

    @BeforeAll
    static void start() throws IOException {
        PackagedService.Builder apiBuilder = PackagedService.in(directory.resolve("api"));
        // built while the services start; installed by its test into the running worker's folder
        exampleBuild = buildExample();
        plugins = directory.resolve("plugins");
        PluginFixtures.testPluginJar(plugins);
        apiProcess = apiBuilder.property("keras-registry.role", "api").start();
        apiPid = apiProcess.pid();
        worker = workerProcess("worker", "10s").start();
        api = apiProcess.api();
        register("Sleeping", PluginFixtures.SLEEPING);
        register("Segfault", PluginFixtures.SEGFAULT);
        register("Allocating", PluginFixtures.ALLOCATING);
    }

    private static PackagedService.Builder workerProcess(String name, String timeout) {
        return PackagedService.in(directory.resolve(name)).sharingDataOf(apiProcess)
                .property("keras-registry.role", "worker")
                .property("keras-registry.plugins.path", plugins.toString())
                .property("keras-registry.validation.timeout", timeout)
                .property("keras-registry.validation.max-attempts", "2")
                .property("keras-registry.validation.worker-heap", "256MB")
                .property("keras-registry.validation.lease", "4s");
    }

    @AfterAll
    static void stop() {
        for (PackagedService service : new PackagedService[] {replacement, worker, apiProcess}) {
            if (service != null) {
                service.close();
            }
        }
        if (exampleBuild != null && exampleBuild.isAlive()) {
            exampleBuild.destroyForcibly();
        }
    }

    @Test
    @Order(1)
    void theWorkerProcessServesNoApiAndRunsTheJobsTheApiProcessQueues() {
        HttpResponse<byte[]> refused = worker.api().get("/api/v1/models");
        assertThat(refused.statusCode()).isEqualTo(503);
        assertThat(refused.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(HttpApi.json(refused).path("type").asString())
                .isEqualTo("urn:keras-registry:problem:service-unavailable");
        assertThat(worker.status("/readyz")).isEqualTo(200);

        upload("shared", TestModels.denseH5(2048));
        assertThat(awaitValidation(api, "shared", 1, FINAL).at("/validation/status").asString())
                .as(worker.logTail()).isEqualTo("PASSED");
        assertThat(HttpApi.json(api.get("/api/v1/models/shared/versions/1/validations/latest")).path("worker")
                .asString()).startsWith(workerEntry(worker).path("id").asString() + "/");
        JsonNode entry = workerEntry(worker);
        assertThat(entry.path("role").asString()).isEqualTo("WORKER");
        assertThat(entry.path("host").asString()).isNotBlank();
        assertThat(entry.path("startedAt").asString()).isNotBlank();
        assertThat(entry.path("jobsDone").asLong()).isEqualTo(1);
        assertThat(HttpApi.json(api.get("/api/v1/validation/workers")).path("items"))
                .as("the api process runs no jobs").hasSize(1);
        assertThat(apiProcess.loadedNd4jNatives()).isFalse();
    }

    @Test
    @Order(2)
    void theExamplePluginIsBuiltInstalledAndValidatesAModelAgainstItsReference() throws Exception {
        Path jar = awaitExampleBuild();
        // the worker scans the folder for each job: no restart
        Files.copy(jar, plugins.resolve(jar.getFileName()));
        register("MyDense", "com.example.keras.MyDense");

        Random random = new Random(7);
        float[][] kernel = new float[4][3];
        float[] bias = new float[3];
        for (float[] row : kernel) {
            for (int j = 0; j < row.length; j++) {
                row[j] = (float) random.nextGaussian();
            }
        }
        for (int j = 0; j < bias.length; j++) {
            bias[j] = (float) (random.nextGaussian() * 0.1);
        }
        float[][] x = {{0.5f, -1f, 0.25f, 2f}, {-0.75f, 0.1f, 1.5f, -0.3f}};
        byte[] model = PluginFixtures.customLayerModel("MyDense", "my_dense", "\"units\": 3, \"activation\": \"tanh\"",
                4, kernel, bias);
        HttpResponse<byte[]> uploaded = api.uploadMultipart("my-dense", "file", model, "reference",
                myDenseReference(x, kernel, bias).getBytes(StandardCharsets.UTF_8));
        assertThat(uploaded.statusCode()).as(HttpApi.text(uploaded)).isEqualTo(201);

        JsonNode version = awaitValidation(api, "my-dense", 1, FINAL);
        assertThat(version.at("/validation/status").asString()).as(version + "\n" + worker.logTail())
                .isEqualTo("PASSED");
        JsonNode report = HttpApi.json(api.get("/api/v1/models/my-dense/versions/1/validations/latest"));
        assertThat(report.at("/reference/withinTolerance").asBoolean()).as(report.toString()).isTrue();
        assertThat(report.at("/reference/maxAbsDiff").asDouble()).isLessThan(1e-5);
        assertThat(report.path("customObjectsUsed").toString()).contains("MyDense").contains("PLUGIN");
    }

    @Test
    @Order(3)
    void aHangingJobEndsAsATimeoutErrorWhileUploadsAndDownloadsKeepAnswering() {
        upload("hang", PluginFixtures.testLayerModel("Sleeping", ""));
        byte[] small = TestModels.denseH5(2100);
        upload("bystander", small);

        Instant deadline = Instant.now().plus(FINAL);
        int answered = 0;
        while (!isFinal("hang") && Instant.now().isBefore(deadline)) {
            // while the child hangs, the API process answers uploads and downloads at once
            Instant began = Instant.now();
            HttpResponse<byte[]> download = api.get("/api/v1/models/bystander/versions/1/content");
            assertThat(download.statusCode()).isEqualTo(200);
            assertThat(download.body()).isEqualTo(small);
            if (answered < UPLOADS_DURING_HANG) {
                upload("during-hang", TestModels.denseH5(1024 + answered));
            } else {
                assertThat(api.get("/api/v1/models/during-hang/versions").statusCode()).isEqualTo(200);
            }
            assertThat(Duration.between(began, Instant.now())).isLessThan(Duration.ofSeconds(5));
            answered++;
            PluginFixtures.sleep(Duration.ofSeconds(1));
        }
        assertThat(answered).as("requests answered while the worker hung").isGreaterThan(5);

        JsonNode hang = awaitValidation(api, "hang", 1, FINAL);
        assertThat(hang.at("/validation/status").asString()).as(worker.logTail()).isEqualTo("ERROR");
        assertThat(hang.at("/validation/summary").asString())
                .isEqualTo("timeout after 10 s (attempt 2 of 2; not retried again)");
        assertThat(reports(api, "hang", 1)).extracting(r -> r.path("summary").asString()).containsExactly(
                "timeout after 10 s; it will be tried again", "timeout after 10 s (attempt 2 of 2; not retried again)");

        // the queue moves on, each job in a fresh child
        assertThat(awaitValidation(api, "bystander", 1, FINAL).at("/validation/status").asString()).isEqualTo("PASSED");
        assertThat(awaitValidation(api, "during-hang", UPLOADS_DURING_HANG, FINAL).at("/validation/status").asString())
                .isEqualTo("PASSED");
        assertThat(metric(worker.api(), "keras_registry_validation_worker_timeouts_total")).isGreaterThanOrEqualTo(2);
        assertThat(workerEntry(worker).path("timeouts").asLong()).isGreaterThanOrEqualTo(2);
    }

    @Test
    @Order(4)
    void aNativeCrashEndsAsErrorAfterItsAttemptsAndDoesNotLoop() {
        double crashesBefore = metric(worker.api(), "keras_registry_validation_worker_crashes_total");
        upload("segfault", PluginFixtures.testLayerModel("Segfault", ""));
        JsonNode crashed = awaitValidation(api, "segfault", 1, FINAL);
        assertThat(crashed.at("/validation/status").asString()).as(worker.logTail()).isEqualTo("ERROR");
        assertThat(crashed.at("/validation/summary").asString())
                .isEqualTo("worker crashed: SIGSEGV (attempt 2 of 2; not retried again)");

        // the job after it runs and passes, and the poison job is not taken again
        upload("after-segfault", TestModels.denseH5(3000));
        assertThat(awaitValidation(api, "after-segfault", 1, FINAL).at("/validation/status").asString())
                .isEqualTo("PASSED");
        assertThat(reports(api, "segfault", 1)).hasSize(2);
        assertThat(metric(worker.api(), "keras_registry_validation_worker_crashes_total")).isEqualTo(crashesBefore + 2);
        assertThat(workerEntry(worker).path("crashes").asLong()).isGreaterThanOrEqualTo(2);
        assertThat(worker.isAlive()).isTrue();
    }

    @Test
    @Order(5)
    void aChildKilledMidJobIsReplacedAndItsJobFinishes() throws IOException {
        Path marker = directory.resolve("sleeping-once");
        upload("killed-once", PluginFixtures.testLayerModel("Sleeping",
                "\"sleep_ms\": 2000, \"marker\": \"" + marker + "\""));
        long first = awaitMarker(marker);

        // while it runs, the workers endpoint shows the worker process and its current job
        JsonNode entry = workerEntry(worker);
        long doneBefore = entry.path("jobsDone").asLong();
        assertThat(entry.path("running")).hasSize(1);
        assertThat(entry.at("/running/0/model").asString()).isEqualTo("killed-once");
        assertThat(entry.at("/running/0/attempt").asInt()).isEqualTo(1);
        assertThat(entry.at("/running/0/childPid").asLong()).isEqualTo(first);
        assertThat(entry.at("/running/0/startedAt").asString()).isNotBlank();
        assertThat(worker.workerProcesses()).extracting(ProcessHandle::pid).containsExactly(first);

        Files.delete(marker);
        PackagedService.signal(first, "KILL");
        long second = awaitMarker(marker);
        assertThat(second).as("the retry runs in a new child").isNotEqualTo(first);

        JsonNode finished = awaitValidation(api, "killed-once", 1, FINAL);
        assertThat(finished.at("/validation/status").asString()).as(worker.logTail()).isEqualTo("PASSED");
        assertThat(reports(api, "killed-once", 1)).extracting(r -> r.path("summary").asString()).first()
                .isEqualTo("worker crashed: SIGKILL; it will be tried again");
        assertThat(workerEntry(worker).path("jobsDone").asLong()).isEqualTo(doneBefore + 1);
    }

    @Test
    @Order(6)
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
    }

    @Test
    @Order(7)
    void aWorkerProcessKilledMidJobIsReplacedByAnotherWhichFinishesTheJob() throws IOException {
        Path marker = directory.resolve("sleeping-in-killed-worker");
        upload("worker-killed", PluginFixtures.testLayerModel("Sleeping",
                "\"sleep_ms\": 3000, \"marker\": \"" + marker + "\""));
        awaitMarker(marker);
        worker.kill("KILL");
        assertThat(apiProcess.status("/readyz")).isEqualTo(200);

        // a new worker process (a longer timeout, for the 1 GiB model next) takes the job over
        // once its lease expires
        replacement = workerProcess("replacement", "120s").start();
        JsonNode finished = awaitValidation(api, "worker-killed", 1, FINAL);
        assertThat(finished.at("/validation/status").asString()).as(replacement.logTail()).isEqualTo("PASSED");
        assertThat(reports(api, "worker-killed", 1)).last()
                .satisfies(r -> assertThat(r.path("attempt").asInt()).isEqualTo(2));
        assertThat(workerEntry(replacement).path("jobsDone").asLong()).isEqualTo(1);
    }

    @Test
    @Order(8)
    void aOneGibModelUnderA256MibWorkerHeapEndsAsOutOfMemoryOrPassesAndTheApiIsUnaffected() throws Exception {
        Path large = largeModel();
        byte[] small = api.get("/api/v1/models/shared/versions/1/content").body();
        HttpResponse<byte[]> uploaded = api.send(api.request("/api/v1/models/large/versions?filename=large.h5")
                .header("Content-Type", "application/octet-stream")
                .POST(HttpRequest.BodyPublishers.ofFile(large)).build());
        assertThat(uploaded.statusCode()).as(HttpApi.text(uploaded)).isEqualTo(201);
        Files.delete(large);

        int answered = 0;
        Instant deadline = Instant.now().plus(Duration.ofMinutes(5));
        while (!isFinal("large") && Instant.now().isBefore(deadline)) {
            Instant began = Instant.now();
            assertThat(apiProcess.status("/readyz")).isEqualTo(200);
            assertThat(api.get("/api/v1/models/shared/versions/1/content").body()).isEqualTo(small);
            assertThat(Duration.between(began, Instant.now())).isLessThan(Duration.ofSeconds(5));
            answered++;
            PluginFixtures.sleep(Duration.ofMillis(500));
        }
        JsonNode result = awaitValidation(api, "large", 1, Duration.ofSeconds(5));
        String outcome = result.at("/validation/status").asString() + ": " + result.at("/validation/summary").asString();
        System.out.println("1 GiB model under a 256 MiB worker heap: " + outcome);
        assertThat(outcome).as(replacement.logTail()).matches("ERROR: out of memory.*|PASSED: .*");
        assertThat(answered).isGreaterThan(3);
        assertThat(apiProcess.isAlive()).isTrue();
        assertThat(apiProcess.pid()).isEqualTo(apiPid);
        assertThat(apiProcess.loadedNd4jNatives()).isFalse();
        assertThat(replacement.isAlive()).isTrue();
    }

    @Test
    @Order(9)
    void aJobThatExhaustsTheWorkerHeapEndsAsOutOfMemory() {
        double crashesBefore = metric(replacement.api(), "keras_registry_validation_worker_crashes_total");
        upload("allocating", PluginFixtures.testLayerModel("Allocating", ""));
        JsonNode result = awaitValidation(api, "allocating", 1, FINAL);
        assertThat(result.at("/validation/status").asString()).as(replacement.logTail()).isEqualTo("ERROR");
        assertThat(result.at("/validation/summary").asString())
                .isEqualTo("out of memory (attempt 2 of 2; not retried again)");
        assertThat(metric(replacement.api(), "keras_registry_validation_worker_crashes_total"))
                .isEqualTo(crashesBefore + 2);
        assertThat(apiProcess.isAlive()).isTrue();
        assertThat(apiProcess.pid()).isEqualTo(apiPid);
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

    private static boolean isFinal(String model) {
        String status = HttpApi.json(api.get("/api/v1/models/" + model + "/versions/1")).at("/validation/status")
                .asString();
        return List.of("PASSED", "FAILED", "ERROR").contains(status);
    }

    /** A worker process's live entry in {@code GET /validation/workers}, asked of the API process. */
    private static JsonNode workerEntry(PackagedService process) {
        HttpResponse<byte[]> response = api.get("/api/v1/validation/workers");
        assertThat(response.statusCode()).as(HttpApi.text(response)).isEqualTo(200);
        for (JsonNode w : HttpApi.json(response).path("items")) {
            if (w.path("pid").asLong() == process.pid() && w.path("alive").asBoolean()) {
                return w;
            }
        }
        throw new AssertionError("no live worker with pid " + process.pid() + ": " + HttpApi.text(response));
    }

    /** Waits for the sleeping layer's marker file; the pid of the child that wrote it. */
    private static long awaitMarker(Path marker) throws IOException {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(90));
        while (Instant.now().isBefore(deadline)) {
            if (Files.exists(marker)) {
                String pid = Files.readString(marker).strip();
                if (!pid.isEmpty()) {
                    return Long.parseLong(pid);
                }
            }
            PluginFixtures.sleep(Duration.ofMillis(100));
        }
        throw new AssertionError("the sleeping layer never started");
    }

    /** {@code ./mvnw -o -q -f examples/custom-layer-plugin/pom.xml package}: offline, as the example's README says. */
    private static Process buildExample() throws IOException {
        Path apiJar = Path.of(System.getProperty("packaged.jar").replaceFirst("\\.jar$", "-plugin-api.jar"));
        assertThat(apiJar).as("the registry build attaches its plug-in API jar").isRegularFile();
        return new ProcessBuilder(Path.of("mvnw").toAbsolutePath().toString(), "-B", "-ntp", "-o", "-q", "-f",
                EXAMPLE.resolve("pom.xml").toString(), "package", "-Dregistry.api.jar=" + apiJar.toAbsolutePath())
                .redirectErrorStream(true).redirectOutput(directory.resolve("example-build.log").toFile()).start();
    }

    private static Path awaitExampleBuild() throws IOException, InterruptedException {
        String log = directory.resolve("example-build.log").toString();
        if (!exampleBuild.waitFor(4, TimeUnit.MINUTES)) {
            exampleBuild.destroyForcibly();
            throw new AssertionError("the example plug-in did not build within 4 minutes:\n" + Files.readString(Path.of(log)));
        }
        assertThat(exampleBuild.exitValue()).as(Files.readString(Path.of(log))).isZero();
        Path jar = EXAMPLE.resolve("target/custom-layer-plugin-1.0.0.jar");
        assertThat(jar).isRegularFile();
        return jar;
    }

    /** tanh(x · kernel + bias), in double precision, in the keras-oracle reference format. */
    private static String myDenseReference(float[][] x, float[][] kernel, float[] bias) {
        List<Double> out = new ArrayList<>();
        for (float[] row : x) {
            for (int j = 0; j < bias.length; j++) {
                double z = bias[j];
                for (int i = 0; i < row.length; i++) {
                    z += (double) row[i] * kernel[i][j];
                }
                out.add(Math.tanh(z));
            }
        }
        String inputs = IntStream.range(0, x.length).boxed()
                .flatMap(r -> IntStream.range(0, x[r].length).mapToObj(i -> Float.toString(x[r][i])))
                .collect(Collectors.joining(", "));
        return "{\"inputs\": [{\"name\": \"input_1\", \"shape\": [" + x.length + ", " + x[0].length + "], \"data\": ["
                + inputs + "]}], \"outputs\": [{\"name\": \"my_dense\", \"shape\": [" + x.length + ", " + bias.length
                + "], \"data\": [" + out.stream().map(String::valueOf).collect(Collectors.joining(", ")) + "]}]}";
    }

    /** 1 GiB of Dense kernels, written with h5py one layer at a time (tools/fixtures/make_large_model.py). */
    private static Path largeModel() throws IOException, InterruptedException {
        Path python = Path.of("/usr/bin/python3");
        Assumptions.assumeTrue(Files.isExecutable(python), "the 1 GiB model is written with /usr/bin/python3 + h5py");
        Path out = directory.resolve("large.h5");
        Path log = directory.resolve("large.log");
        Process p = new ProcessBuilder(python.toString(), "tools/fixtures/make_large_model.py", out.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        assertThat(p.waitFor(3, TimeUnit.MINUTES)).isTrue();
        Assumptions.assumeTrue(p.exitValue() == 0, () -> "h5py or numpy missing? " + readQuietly(log));
        assertThat(Files.size(out)).isGreaterThanOrEqualTo(1L << 30);
        return out;
    }

    private static String readQuietly(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return e.toString();
        }
    }
}
