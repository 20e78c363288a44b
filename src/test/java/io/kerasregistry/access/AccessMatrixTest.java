package io.kerasregistry.access;

import static org.assertj.core.api.Assertions.assertThat;

import io.kerasregistry.support.HttpApi;
import io.kerasregistry.support.RegistryTest;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.parser.OpenAPIV3Parser;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestInstance;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * Every operation of {@code openapi.yaml} × every role × {no token, a wrong token, a revoked token}.
 * Generated from the contract, so a new endpoint cannot be left out, and checked against the role
 * the contract documents in {@code x-required-role}.
 */
@RegistryTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AccessMatrixTest {

    @LocalServerPort
    int port;

    HttpApi admin;
    final Map<Role, String> tokens = new EnumMap<>(Role.class);
    String revoked;

    @BeforeAll
    void tokens() {
        admin = new HttpApi(port);
        for (Role role : Role.values()) {
            tokens.put(role, HttpApi.json(admin.postJson("/api/v1/tokens",
                    "{\"name\":\"matrix-" + role.name().toLowerCase() + "\",\"roles\":[\"" + role + "\"]}"))
                    .get("token").asString());
        }
        var created = HttpApi.json(admin.postJson("/api/v1/tokens", "{\"name\":\"matrix-revoked\",\"roles\":[\"ADMIN\"]}"));
        revoked = created.get("token").asString();
        admin.send(admin.request("/api/v1/tokens/" + created.get("id").asLong()).DELETE().build());
    }

    @TestFactory
    Stream<DynamicTest> everyEndpointAnswersEveryRoleAsTheContractSays() {
        OpenAPI spec = new OpenAPIV3Parser().read("openapi.yaml");
        List<DynamicTest> tests = new ArrayList<>();
        for (Map.Entry<String, PathItem> path : spec.getPaths().entrySet()) {
            for (Map.Entry<PathItem.HttpMethod, Operation> entry : path.getValue().readOperationsMap().entrySet()) {
                Operation operation = entry.getValue();
                Object declared = operation.getExtensions() == null ? null : operation.getExtensions().get("x-required-role");
                String method = entry.getKey().name();
                String url = "/api/v1" + samplePath(path.getKey());
                tests.add(DynamicTest.dynamicTest(method + " " + path.getKey(), () -> {
                    assertThat(declared).as(operation.getOperationId() + " documents x-required-role").isNotNull();
                    Role required = Role.valueOf(declared.toString());
                    assertThat(status(method, url, null)).as("no token").isEqualTo(401);
                    assertThat(status(method, url, "kr_not-a-real-token")).as("unknown token").isEqualTo(401);
                    assertThat(status(method, url, revoked)).as("revoked token").isEqualTo(401);
                    for (Role role : Role.values()) {
                        int status = status(method, url, tokens.get(role));
                        if (grants(role, required)) {
                            assertThat(status).as(role + " may " + method + " " + url).isNotIn(401, 403);
                        } else {
                            assertThat(status).as(role + " may not " + method + " " + url).isEqualTo(403);
                        }
                    }
                }));
            }
        }
        return tests.stream();
    }

    static boolean grants(Role held, Role required) {
        return held == required || held == Role.ADMIN || required == Role.READER;
    }

    private int status(String method, String url, String token) {
        HttpRequest.Builder request = admin.anonymous().request(url)
                .method(method, method.equals("GET") || method.equals("HEAD") || method.equals("DELETE")
                        ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString("{}"))
                .header("Content-Type", "application/json");
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        HttpResponse<byte[]> response = admin.send(request.build());
        return response.statusCode();
    }

    /** Path parameters filled with values that name nothing, so allowed calls end in 4xx, never in changes. */
    private static String samplePath(String template) {
        return template.replace("{name}", "matrix-absent").replace("{version}", "1").replace("{id}", "999999")
                .replace("{alias}", "production").replace("{kind}", "regularizer").replace("{objectName}", "absent");
    }
}
