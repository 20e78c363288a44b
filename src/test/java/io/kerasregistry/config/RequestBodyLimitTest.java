package io.kerasregistry.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.kerasregistry.registry.TestModels;
import io.kerasregistry.support.HttpApi;
import io.kerasregistry.support.RegistryTest;
import java.io.ByteArrayInputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;

/** JSON bodies are capped by keras-registry.request.max-body-size; uploads by their own limits. */
@RegistryTest
@TestPropertySource(properties = "keras-registry.request.max-body-size=64KB")
class RequestBodyLimitTest {

    @LocalServerPort
    int port;

    HttpApi api;

    @BeforeEach
    void client() {
        api = new HttpApi(port);
    }

    /** A valid custom-object registration padded with blanks between its fields to {@code size} bytes. */
    private static byte[] registration(int size) {
        String head = "{\"implementation\":\"EXPRESSION\",";
        String tail = "\"expression\":\"0.001 * sum(abs(w))\"}";
        return (head + " ".repeat(Math.max(0, size - head.length() - tail.length())) + tail)
                .getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aJsonBodyOverTheLimitIsRefusedBeforeItIsRead() {
        HttpResponse<byte[]> response = api.send(api.request("/api/v1/custom-objects/regularizer/padded")
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofByteArray(registration(200_000))).build());

        assertTooLarge(response);
        assertThat(api.get("/api/v1/custom-objects/regularizer/padded").statusCode()).isEqualTo(404);
    }

    @Test
    void aJsonBodyWithoutALengthIsCutOffAtTheLimit() {
        byte[] body = registration(200_000);
        HttpResponse<byte[]> response = api.send(api.request("/api/v1/custom-objects/regularizer/chunked")
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body))).build());

        assertTooLarge(response);
        assertThat(api.get("/api/v1/custom-objects/regularizer/chunked").statusCode()).isEqualTo(404);
    }

    @Test
    void aJsonBodyWithinTheLimitIsRead() {
        HttpResponse<byte[]> response = api.send(api.request("/api/v1/custom-objects/regularizer/small")
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(registration(60_000))))
                .build());

        assertThat(response.statusCode()).as(HttpApi.text(response)).isBetween(200, 201);
    }

    @Test
    void uploadsKeepTheirOwnLimits() {
        byte[] model = TestModels.denseH5(100_000);
        assertThat(model.length).isGreaterThan(64 * 1024);

        HttpResponse<byte[]> response = api.uploadRaw("over-the-json-limit", model, "model.h5");

        assertThat(response.statusCode()).as(HttpApi.text(response)).isEqualTo(201);
    }

    private static void assertTooLarge(HttpResponse<byte[]> response) {
        assertThat(response.statusCode()).as(HttpApi.text(response)).isEqualTo(413);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/problem+json"));
        JsonNode problem = HttpApi.json(response);
        assertThat(problem.get("type").asString()).isEqualTo("urn:keras-registry:problem:request-too-large");
        assertThat(problem.get("detail").asString()).contains("65536 bytes").contains("max-body-size");
    }
}
