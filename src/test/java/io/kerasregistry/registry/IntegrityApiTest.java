package io.kerasregistry.registry;

import static org.assertj.core.api.Assertions.assertThat;

import io.kerasregistry.storage.BlobStore;
import io.kerasregistry.storage.StorageProperties;
import io.kerasregistry.support.HttpApi;
import io.kerasregistry.support.RegistryTest;
import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

/**
 * A blob damaged on disk is never served as good, whether whole or by range, and the integrity scrub
 * names it with the versions that use it. The application context (and its store) is shared with
 * other tests, so every damage is undone and only this test's blobs are looked at.
 */
@RegistryTest
class IntegrityApiTest {

    @LocalServerPort
    int port;

    @Autowired
    BlobStore store;

    @Autowired
    StorageProperties storage;

    HttpApi api;

    @BeforeEach
    void client() {
        api = new HttpApi(port);
    }

    @Test
    void aFlippedByteInASmallBlobIsA500ProblemBeforeTheFirstByte() throws IOException {
        byte[] model = TestModels.denseH5(40_111);
        String sha = upload("corrupt-small", model);
        Path file = store.pathOf(sha);
        byte[] original = Files.readAllBytes(file);
        try {
            flipByte(file, model.length / 2);

            HttpResponse<byte[]> whole = api.get("/api/v1/models/corrupt-small/versions/1/content");
            assertThat(whole.statusCode()).isEqualTo(500);
            assertThat(whole.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).contains("problem+json"));
            assertThat(HttpApi.json(whole).get("type").asString()).isEqualTo("urn:keras-registry:problem:blob-integrity");

            HttpResponse<byte[]> range = api.get("/api/v1/models/corrupt-small/versions/1/content",
                    "Range", "bytes=" + (model.length / 2 - 10) + "-" + (model.length / 2 + 10));
            assertNotServedAsGood(range, null);

            JsonNode report = scrub(true);
            JsonNode problem = problemFor(report, sha);
            assertThat(problem).as(report.toString()).isNotNull();
            assertThat(problem.get("kind").asString()).isEqualTo("HASH_MISMATCH");
            assertThat(problem.get("versions").toString()).contains("\"model\":\"corrupt-small\"").contains("\"version\":1");
            assertThat(problemFor(scrub(false), sha)).as("sizes alone cannot see a flipped byte").isNull();
        } finally {
            Files.write(file, original);
        }
        assertThat(problemFor(scrub(true), sha)).isNull();
        assertThat(api.get("/api/v1/models/corrupt-small/versions/1/content").body()).isEqualTo(model);
    }

    @Test
    void aFlippedByteInALargeBlobBreaksTheTransferAndEveryRangeOverIt() throws Exception {
        byte[] model = TestModels.denseH5(5_000_017);
        String sha = upload("corrupt-large", model);
        Path file = store.pathOf(sha);
        byte[] original = Files.readAllBytes(file);
        long damaged = 3L * BlobStore.CHUNK_SIZE + 12_345;
        try {
            flipByte(file, damaged);

            // The whole transfer starts (the headers are out before the damage is read) and stops short.
            assertWholeDownloadNeverCompletes("/api/v1/models/corrupt-large/versions/1/content", model.length);

            String url = "/api/v1/models/corrupt-large/versions/1/content";
            assertNotServedAsGood(send(url, "bytes=" + (damaged - 100) + "-" + (damaged + 100)), null);
            assertNotServedAsGood(send(url, "bytes=" + (damaged - BlobStore.CHUNK_SIZE) + "-"), null);
            // A range inside healthy chunks is still served, and right.
            HttpResponse<byte[]> healthy = api.get(url, "Range", "bytes=100-199");
            assertThat(healthy.statusCode()).isEqualTo(206);
            assertThat(healthy.body()).isEqualTo(java.util.Arrays.copyOfRange(model, 100, 200));

            JsonNode problem = problemFor(scrub(true), sha);
            assertThat(problem).isNotNull();
            assertThat(problem.get("kind").asString()).isEqualTo("HASH_MISMATCH");

            // Cut short, the file is a size mismatch, seen without re-hashing and answered before any byte.
            try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
                raf.setLength(model.length - 1000);
            }
            assertThat(problemFor(scrub(false), sha).get("kind").asString()).isEqualTo("SIZE_MISMATCH");
            assertThat(api.get(url).statusCode()).isEqualTo(500);

            Files.delete(file);
            assertThat(problemFor(scrub(false), sha).get("kind").asString()).isEqualTo("MISSING_BLOB");
            assertThat(api.get(url).statusCode()).isEqualTo(500);
        } finally {
            Files.write(file, original);
        }
        assertThat(problemFor(scrub(true), sha)).isNull();
    }

    @Test
    void filesWithoutRowsAndTemporaryFilesOfDeadInstancesAreReported() throws IOException {
        String orphanSha = sha256(UUID.randomUUID().toString().getBytes());
        Path orphan = store.pathOf(orphanSha);
        Files.createDirectories(orphan.getParent());
        Files.write(orphan, new byte[] {1, 2, 3});
        Path young = store.pathOf(sha256(UUID.randomUUID().toString().getBytes()));
        Files.createDirectories(young.getParent());
        Files.write(young, new byte[] {4});
        Path deadInstance = storage.path().resolve("tmp").resolve(UUID.randomUUID().toString());
        Path stray = deadInstance.resolve("upload-1.part");
        Files.createDirectories(deadInstance);
        Files.write(stray, new byte[] {5});
        try {
            Files.setLastModifiedTime(orphan, FileTime.from(Instant.now().minus(2, ChronoUnit.DAYS)));

            JsonNode report = scrub(false);

            assertThat(report.get("intact").asBoolean()).isFalse();
            assertThat(problemFor(report, orphanSha).get("kind").asString()).isEqualTo("ORPHAN_BLOB");
            assertThat(report.toString()).as("a young file may be an upload about to commit")
                    .doesNotContain(young.getFileName().toString());
            List<String> strays = new ArrayList<>();
            report.get("problems").forEach(p -> {
                if (p.get("kind").asString().equals("STRAY_TEMP_FILE")) {
                    strays.add(p.get("path").asString());
                }
            });
            assertThat(strays).anySatisfy(p -> assertThat(p).endsWith("upload-1.part"));
        } finally {
            Files.deleteIfExists(orphan);
            Files.deleteIfExists(young);
            Files.deleteIfExists(stray);
            Files.deleteIfExists(deadInstance);
        }
    }

    @Test
    void onlyAdminsRunTheScrub() {
        String reader = HttpApi.json(api.postJson("/api/v1/tokens", "{\"name\":\"scrub-reader\",\"roles\":[\"APPROVER\"]}"))
                .get("token").asString();
        assertThat(api.withToken(reader).get("/api/v1/admin/integrity").statusCode()).isEqualTo(403);
        assertThat(api.anonymous().get("/api/v1/admin/integrity").statusCode()).isEqualTo(401);
    }

    private String upload(String name, byte[] model) {
        HttpResponse<byte[]> response = api.uploadRaw(name, model, "m.h5");
        assertThat(response.statusCode()).as(HttpApi.text(response)).isEqualTo(201);
        return HttpApi.json(response).get("sha256").asString();
    }

    private JsonNode scrub(boolean verify) {
        HttpResponse<byte[]> response = api.get("/api/v1/admin/integrity?verify=" + verify);
        assertThat(response.statusCode()).as(HttpApi.text(response)).isEqualTo(200);
        return HttpApi.json(response);
    }

    private static JsonNode problemFor(JsonNode report, String sha) {
        for (JsonNode problem : report.get("problems")) {
            if (problem.has("sha256") && problem.get("sha256").asString().equals(sha)) {
                return problem;
            }
        }
        return null;
    }

    /** A Range request, read as a stream so that a transfer cut short is seen as such. */
    private Object send(String url, String range) {
        HttpRequest request = api.request(url).header("Range", range).GET().build();
        try {
            HttpResponse<InputStream> response = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofInputStream());
            if (response.statusCode() != 206) {
                return response.statusCode();
            }
            long declared = response.headers().firstValueAsLong("Content-Length").orElse(-1);
            try (InputStream in = response.body()) {
                byte[] body = in.readAllBytes();
                return body.length == declared ? "complete" : "short";
            }
        } catch (IOException broken) {
            return "broken";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void assertNotServedAsGood(Object outcome, Void unused) {
        if (outcome instanceof HttpResponse<?> response) {
            assertThat(response.statusCode()).as("a damaged range").isGreaterThanOrEqualTo(500);
            return;
        }
        assertThat(outcome).as("a damaged range is an error or a broken transfer").isNotEqualTo("complete");
        if (outcome instanceof Integer status) {
            assertThat(status).isGreaterThanOrEqualTo(500);
        }
    }

    private void assertWholeDownloadNeverCompletes(String url, int length) throws InterruptedException {
        HttpRequest request = api.request(url).GET().build();
        try {
            HttpResponse<InputStream> response = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofInputStream());
            if (response.statusCode() >= 500) {
                return;
            }
            assertThat(response.statusCode()).isEqualTo(200);
            try (InputStream in = response.body()) {
                byte[] body = in.readAllBytes();
                assertThat(body.length).as("a damaged download stops short").isLessThan(length);
            }
        } catch (IOException broken) {
            // the connection was closed before the declared length: what a client must see
        }
    }

    private static void flipByte(Path file, long position) throws IOException {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.seek(position);
            int b = raf.read();
            raf.seek(position);
            raf.write(b ^ 0x40);
        }
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
