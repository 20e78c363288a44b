package io.kerasregistry.registry;

import static org.assertj.core.api.Assertions.assertThat;

import io.kerasregistry.storage.StorageProperties;
import io.kerasregistry.support.HttpApi;
import io.kerasregistry.support.RegistryTest;
import io.kerasregistry.support.SharedFixtures;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;

/** What an upload answers, and what it leaves behind when it fails. */
@RegistryTest
@TestPropertySource(properties = "keras-registry.upload.max-file-size=4MB")
class VersionUploadApiTest {

    @LocalServerPort
    int port;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    StorageProperties storage;

    HttpApi api;

    @BeforeEach
    void client() {
        api = new HttpApi(port);
    }

    static Stream<Arguments> badUploads() {
        byte[] hdf5 = TestModels.denseH5(10_000);
        return Stream.of(
                Arguments.of("plain text", "hello, world".getBytes(), 415, "not-a-model-file", "neither HDF5"),
                Arguments.of("PNG image", new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0}, 415,
                        "not-a-model-file", "neither HDF5"),
                Arguments.of("empty body", new byte[0], 422, "empty-upload", "is empty"),
                Arguments.of("truncated HDF5", Arrays.copyOf(hdf5, 5_000), 422, "corrupt-model", "truncated"),
                Arguments.of("HDF5 signature only", Arrays.copyOf(hdf5, 8), 422, "corrupt-model", "truncated"),
                Arguments.of("ZIP without its end record", new byte[] {'P', 'K', 3, 4, 20, 0, 0, 0, 8, 0}, 422,
                        "corrupt-model", "end-of-central-directory"));
    }

    @ParameterizedTest(name = "{0}: {2} {3}")
    @MethodSource("badUploads")
    void aBadFileIsRefusedWithAProblemAndLeavesNothingBehind(String what, byte[] content, int status, String type,
            String detail) throws IOException {
        HttpResponse<byte[]> raw = api.uploadRaw("bad-" + status, content, "x.h5");
        HttpResponse<byte[]> multipart = api.uploadMultipart("bad-" + status, "file", content);

        for (HttpResponse<byte[]> response : List.of(raw, multipart)) {
            assertThat(response.statusCode()).as(HttpApi.text(response)).isEqualTo(status);
            assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
            JsonNode problem = HttpApi.json(response);
            assertThat(problem.get("type").asString()).isEqualTo("urn:keras-registry:problem:" + type);
            assertThat(problem.get("detail").asString()).contains(detail);
        }
        assertNothingStored("bad-" + status);
    }

    @Test
    void anUploadOverTheLimitIsRefusedWhetherOrNotItsLengthIsDeclared() throws IOException {
        byte[] tooBig = TestModels.denseH5(5 * 1024 * 1024);

        HttpResponse<byte[]> declared = api.uploadRaw("too-big", tooBig, "big.h5");
        HttpResponse<byte[]> chunked = api.send(api.request("/api/v1/models/too-big/versions")
                .header("Content-Type", "application/octet-stream")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(tooBig))).build());

        assertThat(declared.statusCode()).isEqualTo(413);
        assertThat(chunked.statusCode()).isEqualTo(413);
        assertThat(HttpApi.json(chunked).get("type").asString()).isEqualTo("urn:keras-registry:problem:upload-too-large");
        assertNothingStored("too-big");
    }

    @Test
    void badNamesUnknownModelsAndUnknownPartsAreProblems() {
        assertThat(api.uploadRaw("Bad_Name", new byte[] {1}, "x").statusCode()).isEqualTo(400);
        assertThat(api.get("/api/v1/models/nobody/versions").statusCode()).isEqualTo(404);
        assertThat(api.get("/api/v1/models/nobody/versions/1").statusCode()).isEqualTo(404);
        assertThat(api.get("/api/v1/models/nobody/versions/1/content").statusCode()).isEqualTo(404);
        assertThat(api.get("/api/v1/models/nobody/versions/0").statusCode()).isEqualTo(400);

        HttpResponse<byte[]> unknownPart = api.uploadMultipart("parts", "model", TestModels.denseH5(1000));
        assertThat(unknownPart.statusCode()).isEqualTo(400);
        assertThat(HttpApi.json(unknownPart).get("detail").asString()).contains("unknown multipart part 'model'");
        HttpResponse<byte[]> textBody = api.send(api.request("/api/v1/models/parts/versions")
                .header("Content-Type", "text/plain").POST(HttpRequest.BodyPublishers.ofString("x")).build());
        assertThat(textBody.statusCode()).isEqualTo(415);
        assertThat(HttpApi.json(textBody).get("type").asString()).isEqualTo("urn:keras-registry:problem:unsupported-media-type");
    }

    @Test
    void aWeightsOnlyFileTravelsWithItsArchitecture() {
        Path weights = SharedFixtures.file("tfk2.4_lstm_weights_only.h5");
        Path architecture = SharedFixtures.file("tfk2.4_lstm_weights_only.model.json");

        HttpResponse<byte[]> response = api.uploadMultipart("pair", "file", weights, "architecture", architecture);

        assertThat(response.statusCode()).as(HttpApi.text(response)).isEqualTo(201);
        assertThat(HttpApi.json(response).get("format").asString()).isEqualTo("KERAS_WEIGHTS_H5");
    }

    @Test
    void parallelUploadsToOneModelGetEveryVersionNumberExactlyOnce() throws Exception {
        int uploads = 32;
        ExecutorService pool = Executors.newFixedThreadPool(uploads);
        try {
            List<Callable<HttpResponse<byte[]>>> tasks = new ArrayList<>();
            for (int i = 0; i < uploads; i++) {
                byte[] content = TestModels.denseH5(20_000 + i);
                tasks.add(() -> api.uploadRaw("parallel", content, "m.h5"));
            }
            List<Integer> versions = new ArrayList<>();
            for (Future<HttpResponse<byte[]>> result : pool.invokeAll(tasks)) {
                HttpResponse<byte[]> response = result.get();
                assertThat(response.statusCode()).as(HttpApi.text(response)).isEqualTo(201);
                versions.add(HttpApi.json(response).get("version").asInt());
            }
            assertThat(versions).containsExactlyInAnyOrderElementsOf(
                    java.util.stream.IntStream.rangeClosed(1, uploads).boxed().toList());
            assertThat(jdbc.sql("SELECT count(*) FROM model_version v JOIN registered_model m ON m.id = v.model_id "
                    + "WHERE m.name = 'parallel'").query(Integer.class).single()).isEqualTo(uploads);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void identicalUploadsShareOneBlob() throws IOException {
        byte[] content = TestModels.denseH5(50_000);
        String sha = VersionContentApiTest.sha256(content);

        assertThat(api.uploadRaw("twin-a", content, "a.h5").statusCode()).isEqualTo(201);
        assertThat(api.uploadRaw("twin-b", content, "b.h5").statusCode()).isEqualTo(201);

        assertThat(jdbc.sql("SELECT count(*) FROM blob WHERE sha256 = :sha").param("sha", sha)
                .query(Integer.class).single()).isEqualTo(1);
        assertThat(jdbc.sql("SELECT count(*) FROM model_version WHERE blob_sha256 = :sha").param("sha", sha)
                .query(Integer.class).single()).isEqualTo(2);
        try (Stream<Path> files = Files.walk(storage.path().resolve("sha256"))) {
            assertThat(files.filter(p -> p.getFileName().toString().equals(sha))).hasSize(1);
        }
    }

    private void assertNothingStored(String model) throws IOException {
        assertThat(jdbc.sql("SELECT count(*) FROM registered_model WHERE name = :n").param("n", model)
                .query(Integer.class).single()).isZero();
        try (Stream<Path> temp = Files.walk(storage.path().resolve("tmp"))) {
            assertThat(temp.filter(p -> p.toString().endsWith(".part"))).isEmpty();
        }
    }
}
