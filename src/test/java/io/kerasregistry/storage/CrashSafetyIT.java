package io.kerasregistry.storage;

import static org.assertj.core.api.Assertions.assertThat;

import io.kerasregistry.registry.TestModels;
import io.kerasregistry.support.HttpApi;
import io.kerasregistry.support.PackagedService;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * The packaged service killed with SIGKILL at random moments while uploads stream in and validations
 * run, then started again, round after round. After every restart: each acknowledged upload (a 201
 * reached the client) is there with its bytes; an upload that was not acknowledged is either absent
 * or complete; the dead instance's temporary files are gone; and the integrity scrub finds nothing.
 * At the end every validation job has finished, the ones whose worker was killed through their
 * lease. The seed is printed; {@code -Dcrash.seed=} replays a run and {@code -Dcrash.rounds=} changes
 * its length.
 */
class CrashSafetyIT {

    private static final Set<String> FINISHED = Set.of("PASSED", "FAILED", "ERROR");
    /** Large uploads are sent at this rate, so that a kill often lands in the middle of a body. */
    private static final long BYTES_PER_SECOND = 3L << 20;
    private static final int MODELS = 3;

    @TempDir
    Path directory;

    /** An upload the test made, and whether the service acknowledged it. */
    record Upload(String model, String sha256, int size, int round, Integer version, String outcome) {
        boolean acknowledged() {
            return version != null;
        }
    }

    @Test
    void acknowledgedUploadsSurviveSigkillAndNothingHalfWrittenIsVisible() throws Exception {
        long seed = Long.getLong("crash.seed", System.nanoTime());
        int rounds = Integer.getInteger("crash.rounds", 20);
        System.out.println("CrashSafetyIT seed " + seed + " (-Dcrash.seed=" + seed + "), rounds " + rounds);
        Random random = new Random(seed);
        List<Upload> uploads = new ArrayList<>();
        long started = System.nanoTime();
        try (PackagedService service = PackagedService.in(directory).heap("384m")
                .property("keras-registry.validation.lease", "3s")
                .property("keras-registry.validation.timeout", "30s")
                .property("keras-registry.validation.max-attempts", "2")
                .property("keras-registry.validation.worker-heap", "256MB")
                // Only small models are run in a child JVM; larger ones end as ERROR at once, which
                // keeps twenty rounds of validation within the time a build can spend.
                .property("keras-registry.validation.max-input-size", "64KB")
                .start()) {
            ExecutorService pool = Executors.newFixedThreadPool(8);
            try {
                for (int round = 0; round < rounds; round++) {
                    long roundStart = System.nanoTime();
                    List<Future<Upload>> inFlight = new ArrayList<>();
                    HttpApi api = service.api();
                    for (int i = 0; i < 4; i++) {
                        byte[] model = modelFor(round, i);
                        String name = "crash-" + random.nextInt(MODELS);
                        boolean slow = model.length > 1_000_000;
                        int r = round;
                        inFlight.add(pool.submit(() -> upload(service, name, model, slow, r)));
                    }
                    List<Upload> acknowledged = uploads.stream().filter(Upload::acknowledged).toList();
                    if (!acknowledged.isEmpty()) {
                        Upload again = acknowledged.get(random.nextInt(acknowledged.size()));
                        pool.submit(() -> revalidate(api, again));
                    }
                    String when = killMoment(random, inFlight);
                    service.kill("KILL");
                    List<Upload> thisRound = new ArrayList<>();
                    for (Future<Upload> upload : inFlight) {
                        thisRound.add(upload.get(60, TimeUnit.SECONDS));
                    }
                    uploads.addAll(thisRound);

                    service.start();
                    assertNoTemporaryFiles(service);
                    checkUploads(service.api(), thisRound);
                    assertIntact(service.api(), "after round " + round);
                    System.out.printf("round %d: killed %s, %s; %.1f s%n", round, when,
                            thisRound.stream().map(Upload::outcome).toList(), (System.nanoTime() - roundStart) / 1e9);
                }
            } finally {
                pool.shutdownNow();
            }
            HttpApi api = service.api();
            checkUploads(api, uploads);
            awaitValidations(api, service);
            assertIntact(api, "at the end");
            long acked = uploads.stream().filter(Upload::acknowledged).count();
            assertThat(acked).as("some uploads were acknowledged").isPositive();
            assertThat(uploads.size() - acked).as("some uploads were cut off by a kill").isPositive();
            System.out.printf("CrashSafetyIT: %d rounds, %d uploads, %d acknowledged, %.0f s%n", rounds,
                    uploads.size(), acked, (System.nanoTime() - started) / 1e9);
        }
    }

    /**
     * Waits for the moment of the kill: in half the rounds a random delay (on a slow machine that is
     * mostly in the middle of bodies and parsing), in the others just after the first one, two or
     * three uploads were answered (so the kill meets commits and answers of the remaining ones).
     */
    private static String killMoment(Random random, List<Future<Upload>> inFlight) throws InterruptedException {
        if (random.nextBoolean()) {
            long delay = random.nextInt(2500);
            Thread.sleep(delay);
            return "after " + delay + " ms";
        }
        int answered = 1 + random.nextInt(3);
        long jitter = random.nextInt(300);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (inFlight.stream().filter(Future::isDone).count() < answered && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        Thread.sleep(jitter);
        return answered + " answers + " + jitter + " ms";
    }

    /** Distinct bytes for every upload: small ones are validated in a child JVM, large ones stream slowly. */
    private static byte[] modelFor(int round, int index) {
        switch (index) {
            case 0:
                return TestModels.denseH5(20_000 + 97 * round);
            case 1:
                return TestModels.denseH5(200_000 + 997 * round);
            default:
                return TestModels.denseH5(2_500_000 + 1_000 * index + 9_973 * round);
        }
    }

    private static Upload upload(PackagedService service, String model, byte[] content, boolean slow, int round) {
        String sha = sha256(content);
        HttpRequest.BodyPublisher body = slow
                ? HttpRequest.BodyPublishers.fromPublisher(HttpRequest.BodyPublishers.ofInputStream(
                        () -> new Throttled(content)), content.length)
                : HttpRequest.BodyPublishers.ofByteArray(content);
        HttpRequest request = service.api().request("/api/v1/models/" + model + "/versions?filename=m.h5")
                .header("Content-Type", "application/octet-stream").timeout(Duration.ofSeconds(60)).POST(body).build();
        try {
            HttpResponse<byte[]> response = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()
                    .send(request, HttpResponse.BodyHandlers.ofByteArray());
            if (response.statusCode() == 201) {
                JsonNode version = HttpApi.json(response);
                assertThat(version.get("sha256").asString()).isEqualTo(sha);
                return new Upload(model, sha, content.length, round, version.get("version").asInt(), "201");
            }
            return new Upload(model, sha, content.length, round, null, Integer.toString(response.statusCode()));
        } catch (IOException cutOff) {
            return new Upload(model, sha, content.length, round, null, "cut");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Upload(model, sha, content.length, round, null, "interrupted");
        }
    }

    private static void revalidate(HttpApi api, Upload upload) {
        try {
            api.send(api.request("/api/v1/models/" + upload.model() + "/versions/" + upload.version() + "/validate")
                    .POST(HttpRequest.BodyPublishers.noBody()).build());
        } catch (RuntimeException killedMeanwhile) {
            // the kill may come first; the check is that jobs already queued finish
        }
    }

    /**
     * Acknowledged uploads are there with their exact bytes; unacknowledged ones are either absent or
     * there and complete, never a version whose blob is missing or short.
     */
    private static void checkUploads(HttpApi api, List<Upload> uploads) {
        Map<String, Map<String, Integer>> versionsBySha = new LinkedHashMap<>();
        for (Upload upload : uploads) {
            Map<String, Integer> versions = versionsBySha.computeIfAbsent(upload.model(), m -> versionsOf(api, m));
            Integer found = versions.get(upload.sha256());
            if (upload.acknowledged()) {
                assertThat(found).as("acknowledged %s is listed as version %d", upload, upload.version())
                        .isEqualTo(upload.version());
            }
            if (found != null) {
                HttpResponse<byte[]> content = api.get("/api/v1/models/" + upload.model() + "/versions/" + found + "/content");
                assertThat(content.statusCode()).as("download of %s", upload).isEqualTo(200);
                assertThat(sha256(content.body())).as("bytes of %s", upload).isEqualTo(upload.sha256());
            }
        }
    }

    private static Map<String, Integer> versionsOf(HttpApi api, String model) {
        Map<String, Integer> versions = new LinkedHashMap<>();
        HttpResponse<byte[]> response = api.get("/api/v1/models/" + model + "/versions?limit=1000");
        if (response.statusCode() == 404) {
            return versions;
        }
        assertThat(response.statusCode()).as(HttpApi.text(response)).isEqualTo(200);
        for (JsonNode version : HttpApi.json(response).get("items")) {
            Integer previous = versions.put(version.get("sha256").asString(), version.get("version").asInt());
            assertThat(previous).as("one version per upload of %s", model).isNull();
        }
        return versions;
    }

    /** After a start, only the new instance's (empty) folder and lock are in the temporary area. */
    private static void assertNoTemporaryFiles(PackagedService service) throws IOException {
        Path tmp = service.blobs().resolve("tmp");
        try (Stream<Path> files = Files.walk(tmp)) {
            List<Path> left = files.filter(Files::isRegularFile).filter(p -> !p.toString().endsWith(".lock")).toList();
            assertThat(left).as("temporary files after a start").isEmpty();
        }
        try (Stream<Path> entries = Files.list(tmp)) {
            assertThat(entries.filter(p -> p.toString().endsWith(".lock")).count()).as("instance locks").isEqualTo(1);
        }
    }

    private static void assertIntact(HttpApi api, String when) {
        HttpResponse<byte[]> response = api.get("/api/v1/admin/integrity?verify=true");
        assertThat(response.statusCode()).as(HttpApi.text(response)).isEqualTo(200);
        JsonNode report = HttpApi.json(response);
        assertThat(report.get("problems").size()).as("integrity problems %s: %s", when, report).isZero();
    }

    private static void awaitValidations(HttpApi api, PackagedService service) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
        List<String> unfinished;
        do {
            unfinished = new ArrayList<>();
            for (int m = 0; m < MODELS; m++) {
                HttpResponse<byte[]> response = api.get("/api/v1/models/crash-" + m + "/versions?limit=1000");
                if (response.statusCode() == 404) {
                    continue;
                }
                for (JsonNode version : HttpApi.json(response).get("items")) {
                    String status = version.at("/validation/status").asString();
                    if (!FINISHED.contains(status)) {
                        unfinished.add("crash-" + m + "/" + version.get("version").asInt() + " " + status);
                    }
                }
            }
            if (unfinished.isEmpty()) {
                return;
            }
            Thread.sleep(1000);
        } while (System.nanoTime() < deadline);
        assertThat(unfinished).as("validations still not finished:\n" + service.logTail()).isEmpty();
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Hands out its bytes no faster than {@link #BYTES_PER_SECOND}. */
    private static final class Throttled extends InputStream {
        private final byte[] content;
        private final long start = System.nanoTime();
        private int position;

        Throttled(byte[] content) {
            this.content = content;
        }

        @Override
        public int read() {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (position >= content.length) {
                return -1;
            }
            long allowed = (System.nanoTime() - start) * BYTES_PER_SECOND / 1_000_000_000L;
            if (position >= allowed) {
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            int n = Math.min(Math.min(len, 32 * 1024), content.length - position);
            System.arraycopy(content, position, b, off, n);
            position += n;
            return n;
        }
    }
}
