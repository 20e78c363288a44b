package io.kerasregistry.access;

import static org.assertj.core.api.Assertions.assertThat;

import io.kerasregistry.registry.TestModels;
import io.kerasregistry.support.HttpApi;
import io.kerasregistry.support.RegistryTest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

@RegistryTest
class TokensApiTest {

    @LocalServerPort
    int port;

    @Autowired
    JdbcClient jdbc;

    HttpApi admin;

    @BeforeEach
    void client() {
        admin = new HttpApi(port);
    }

    @Test
    void aTokenIsShownOnceStoredAsAHashAndNamesItsHolderInTheAuditLog() {
        HttpResponse<byte[]> created = admin.postJson("/api/v1/tokens", "{\"name\":\"ci-publisher\",\"roles\":[\"PUBLISHER\"]}");
        assertThat(created.statusCode()).isEqualTo(201);
        String secret = HttpApi.json(created).get("token").asString();
        assertThat(secret).startsWith("kr_").hasSizeGreaterThan(40);

        JsonNode listed = HttpApi.json(admin.get("/api/v1/tokens"));
        assertThat(listed.toString()).contains("ci-publisher").doesNotContain(secret);
        assertThat(jdbc.sql("SELECT count(*) FROM api_token WHERE token_hash = :s").param("s", secret)
                .query(Integer.class).single()).as("the secret itself is not stored").isZero();

        HttpApi publisher = admin.withToken(secret);
        HttpResponse<byte[]> upload = publisher.uploadRaw("token-owned", TestModels.denseH5(2000), "m.h5");
        assertThat(upload.statusCode()).isEqualTo(201);
        assertThat(HttpApi.json(upload).get("createdBy").asString()).isEqualTo("ci-publisher");
        assertThat(jdbc.sql("SELECT actor FROM audit_event WHERE type = 'VERSION_UPLOADED' AND model_name = 'token-owned'")
                .query(String.class).single()).isEqualTo("ci-publisher");
        assertThat(publisher.get("/api/v1/tokens").statusCode()).isEqualTo(403);
    }

    @Test
    void aRevokedTokenIsRefusedAtOnce() {
        JsonNode created = HttpApi.json(admin.postJson("/api/v1/tokens", "{\"name\":\"short-lived\",\"roles\":[\"READER\"]}"));
        HttpApi reader = admin.withToken(created.get("token").asString());
        assertThat(reader.get("/api/v1/models").statusCode()).isEqualTo(200);

        assertThat(admin.send(admin.request("/api/v1/tokens/" + created.get("id").asLong()).DELETE().build()).statusCode())
                .isEqualTo(204);

        HttpResponse<byte[]> refused = reader.get("/api/v1/models");
        assertThat(refused.statusCode()).isEqualTo(401);
        assertThat(refused.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(HttpApi.json(refused).get("type").asString()).isEqualTo("urn:keras-registry:problem:unauthorized");
        assertThat(jdbc.sql("SELECT type FROM audit_event WHERE type LIKE 'TOKEN_%' AND details->>'token' = 'short-lived' ORDER BY id")
                .query(String.class).list()).containsExactly("TOKEN_CREATED", "TOKEN_REVOKED");
    }

    @Test
    void badRequestsForTokensAreProblems() {
        assertThat(admin.postJson("/api/v1/tokens", "{\"name\":\"no-roles\",\"roles\":[]}").statusCode()).isEqualTo(400);
        assertThat(admin.postJson("/api/v1/tokens", "{\"name\":\"x\",\"roles\":[\"ROOT\"]}").statusCode()).isEqualTo(400);
        admin.postJson("/api/v1/tokens", "{\"name\":\"twice\",\"roles\":[\"READER\"]}");
        assertThat(admin.postJson("/api/v1/tokens", "{\"name\":\"twice\",\"roles\":[\"READER\"]}").statusCode()).isEqualTo(409);
        assertThat(admin.send(admin.request("/api/v1/tokens/424242").DELETE().build()).statusCode()).isEqualTo(404);
    }

    @Test
    void probesAndDocumentationNeedNoToken() {
        HttpApi anonymous = admin.anonymous();
        assertThat(anonymous.get("/actuator/health").statusCode()).isEqualTo(200);
        assertThat(anonymous.get("/actuator/health/liveness").statusCode()).isEqualTo(200);
        assertThat(anonymous.get("/actuator/health/readiness").statusCode()).isEqualTo(200);
        assertThat(anonymous.get("/actuator/prometheus").statusCode()).isEqualTo(200);
        assertThat(anonymous.get("/openapi.yaml").statusCode()).isEqualTo(200);
        assertThat(anonymous.get("/api/v1/models").statusCode()).isEqualTo(401);
        assertThat(anonymous.get("/api/v1/models").headers().firstValue("WWW-Authenticate")).isPresent();
        assertThat(anonymous.get("/actuator/metrics").statusCode()).isEqualTo(401);
    }
}
