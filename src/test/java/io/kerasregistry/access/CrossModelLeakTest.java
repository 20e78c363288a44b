package io.kerasregistry.access;

import static org.assertj.core.api.Assertions.assertThat;

import io.kerasregistry.registry.TestModels;
import io.kerasregistry.support.HttpApi;
import io.kerasregistry.support.RegistryTest;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.parser.OpenAPIV3Parser;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestInstance;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * No answer about one model carries another model's data: every read operation of
 * {@code openapi.yaml} that names a model is called for model A (with versions and aliases that
 * exist only for model B, and with filters), and neither B's name nor its content hash may appear
 * in the answer, whether data or problem document. Generated from the contract, so a new endpoint
 * is covered too.
 */
@RegistryTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CrossModelLeakTest {

    private static final String A = "leak-alpha";
    private static final String B = "leak-bravo";

    @LocalServerPort
    int port;

    HttpApi admin;
    String secretSha;

    @BeforeAll
    void twoModels() {
        admin = new HttpApi(port);
        assertThat(admin.uploadRaw(A, TestModels.denseH5(4_444), "alpha.h5").statusCode()).isEqualTo(201);
        // B has more versions than A, an alias, a reference and a custom file name.
        for (int i = 0; i < 3; i++) {
            HttpResponse<byte[]> uploaded = admin.uploadRaw(B, TestModels.denseH5(5_555 + i), "bravo-secret.h5");
            assertThat(uploaded.statusCode()).isEqualTo(201);
            secretSha = HttpApi.json(uploaded).get("sha256").asString();
        }
        assertThat(admin.putJson("/api/v1/models/" + B + "/aliases/production",
                "{\"version\":3,\"force\":true,\"reason\":\"leak test\"}").statusCode()).isIn(200, 201);
    }

    @TestFactory
    Stream<DynamicTest> noReadAboutOneModelShowsAnother() {
        OpenAPI spec = new OpenAPIV3Parser().read("openapi.yaml");
        List<DynamicTest> tests = new ArrayList<>();
        for (Map.Entry<String, PathItem> path : spec.getPaths().entrySet()) {
            Operation get = path.getValue().getGet();
            if (get == null || !path.getKey().contains("{name}")) {
                continue;
            }
            for (String version : List.of("1", "3", "latest")) {
                String url = "/api/v1" + path.getKey().replace("{name}", A).replace("{version}", version)
                        .replace("{alias}", "production");
                tests.add(DynamicTest.dynamicTest("GET " + url, () -> assertNoLeak(url)));
            }
        }
        for (String url : List.of("/api/v1/models?prefix=leak-a", "/api/v1/models?prefix=leak-alpha&limit=1",
                "/api/v1/events?model=" + A, "/api/v1/events?model=" + A + "&limit=1000",
                "/api/v1/models/" + A + "/versions?layerClass=Dense", "/api/v1/models/" + A + "/versions?regularizerKind=L2",
                "/api/v1/models/" + A + "/versions/latest?approval=APPROVED",
                "/api/v1/models/" + A + "/versions/latest/content?approval=APPROVED",
                "/api/v1/models/" + A + "/aliases/production/history?at=2030-01-01T00:00:00Z")) {
            tests.add(DynamicTest.dynamicTest("GET " + url, () -> assertNoLeak(url)));
        }
        return tests.stream();
    }

    private void assertNoLeak(String url) {
        HttpResponse<byte[]> response = admin.get(url);
        String body = new String(response.body(), StandardCharsets.ISO_8859_1);
        String headers = response.headers().map().toString();
        assertThat(body).as(url + " answered " + response.statusCode()).doesNotContain(B).doesNotContain(secretSha)
                .doesNotContain("bravo-secret");
        assertThat(headers).as(url + " headers").doesNotContain(B).doesNotContain(secretSha);
    }
}
