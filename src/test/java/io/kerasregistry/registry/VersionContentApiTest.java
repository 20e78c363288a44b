package io.kerasregistry.registry;

import static org.assertj.core.api.Assertions.assertThat;

import io.kerasregistry.support.HttpApi;
import io.kerasregistry.support.RegistryTest;
import io.kerasregistry.support.SharedFixtures;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

/** Uploading real Keras files and getting exactly their bytes back, over HTTP. */
@RegistryTest
class VersionContentApiTest {

    @LocalServerPort
    int port;

    HttpApi api;

    @BeforeEach
    void client() {
        api = new HttpApi(port);
    }

    @TestFactory
    Stream<DynamicTest> everyRealFileComesBackByteForByte() {
        List<Path> files = SharedFixtures.modelFiles();
        return files.stream().map(file -> DynamicTest.dynamicTest(file.getFileName().toString(), () -> {
            byte[] original = HttpApi.read(file);
            String sha = sha256(original);

            // a weights-only file travels with its companion architecture JSON, as a user would send it
            Path architecture = file.resolveSibling(file.getFileName().toString().endsWith(".h5")
                    ? file.getFileName().toString().replaceFirst("\\.h5$", ".model.json") : "no-companion");
            HttpResponse<byte[]> multipart = java.nio.file.Files.exists(architecture)
                    ? api.uploadMultipart("real-files", "file", file, "architecture", architecture)
                    : api.uploadMultipart("real-files", "file", file);
            assertThat(multipart.statusCode()).as(HttpApi.text(multipart)).isEqualTo(201);
            JsonNode version = HttpApi.json(multipart);
            assertThat(version.get("sha256").asString()).isEqualTo(sha);
            assertThat(version.get("sizeBytes").asLong()).isEqualTo(original.length);
            assertThat(version.get("format").asString()).isEqualTo(file.toString().endsWith(".keras") ? "KERAS_V3"
                    : java.nio.file.Files.exists(architecture) ? "KERAS_WEIGHTS_H5" : "KERAS_H5");
            assertThat(multipart.headers().firstValue("Location")).hasValue(
                    "/api/v1/models/real-files/versions/" + version.get("version").asInt());

            HttpResponse<byte[]> download = api.get("/api/v1/models/real-files/versions/" + version.get("version").asInt() + "/content");
            assertThat(download.statusCode()).isEqualTo(200);
            assertThat(sha256(download.body())).isEqualTo(sha);
            assertThat(download.headers().firstValue("ETag")).hasValue("\"" + sha + "\"");
            assertThat(download.headers().firstValue("Repr-Digest"))
                    .hasValue("sha-256=:" + Base64.getEncoder().encodeToString(HexFormat.of().parseHex(sha)) + ":");
            assertThat(download.headers().firstValue("Content-Disposition").orElseThrow())
                    .contains("filename=\"" + file.getFileName() + "\"");

            if (!java.nio.file.Files.exists(architecture)) {
                HttpResponse<byte[]> raw = api.uploadRaw("real-files-raw", original, file.getFileName().toString());
                assertThat(raw.statusCode()).isEqualTo(201);
                assertThat(HttpApi.json(raw).get("sha256").asString()).isEqualTo(sha);
            }
        }));
    }

    @Test
    void rangesConditionalRequestsAndHeadFollowHttpSemantics() {
        byte[] content = TestModels.denseH5(3_000_000);
        int size = content.length;
        JsonNode version = HttpApi.json(api.uploadRaw("ranges", content, "big.h5"));
        String path = "/api/v1/models/ranges/versions/" + version.get("version").asInt() + "/content";
        String etag = "\"" + version.get("sha256").asString() + "\"";

        // a range across the boundary of two verified 1 MiB chunks
        HttpResponse<byte[]> middle = api.get(path, "Range", "bytes=1048570-2097160");
        assertThat(middle.statusCode()).isEqualTo(206);
        assertThat(middle.body()).isEqualTo(Arrays.copyOfRange(content, 1048570, 2097161));
        assertThat(middle.headers().firstValue("Content-Range")).hasValue("bytes 1048570-2097160/" + size);

        HttpResponse<byte[]> suffix = api.get(path, "Range", "bytes=-10");
        assertThat(suffix.body()).isEqualTo(Arrays.copyOfRange(content, content.length - 10, content.length));

        HttpResponse<byte[]> beyond = api.get(path, "Range", "bytes=" + size + "-");
        assertThat(beyond.statusCode()).isEqualTo(416);
        assertThat(beyond.headers().firstValue("Content-Range")).hasValue("bytes */" + size);
        assertThat(beyond.headers().firstValue("Content-Type")).hasValue("application/problem+json");

        HttpResponse<byte[]> staleIfRange = api.get(path, "Range", "bytes=0-9", "If-Range", "\"0000\"");
        assertThat(staleIfRange.statusCode()).isEqualTo(200);
        assertThat(staleIfRange.body()).hasSize(content.length);

        HttpResponse<byte[]> notModified = api.get(path, "If-None-Match", etag);
        assertThat(notModified.statusCode()).isEqualTo(304);
        assertThat(notModified.body()).isEmpty();
        assertThat(api.get(path, "If-None-Match", "\"other\"").statusCode()).isEqualTo(200);

        HttpResponse<byte[]> head = api.send(api.request(path).method("HEAD", java.net.http.HttpRequest.BodyPublishers.noBody()).build());
        assertThat(head.statusCode()).isEqualTo(200);
        assertThat(head.headers().firstValue("Content-Length")).hasValue(Integer.toString(size));
        assertThat(head.headers().firstValue("ETag")).hasValue(etag);
        assertThat(head.body()).isEmpty();
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
