package io.kerasregistry.registry;

import static org.assertj.core.api.Assertions.assertThat;

import io.kerasregistry.support.HttpApi;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.postgresql.PostgreSQLContainer;

/**
 * The upload path on the PostgreSQL image the Compose file and Helm chart use. Skipped where no
 * Docker engine runs; the other tests use an embedded server of the same major version.
 */
@Testcontainers(disabledWithoutDocker = true)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class PostgresContainerTest {

    @Container
    static final PostgreSQLContainer POSTGRES = new PostgreSQLContainer("postgres:16-alpine");

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) throws Exception {
        registry.add("spring.datasource.url", POSTGRES::getJdbcUrl);
        registry.add("spring.datasource.username", POSTGRES::getUsername);
        registry.add("spring.datasource.password", POSTGRES::getPassword);
        registry.add("keras-registry.storage.path", Files.createTempDirectory("blobs-")::toString);
        registry.add("keras-registry.security.admin-token", () -> HttpApi.ADMIN_TOKEN);
    }

    @LocalServerPort
    int port;

    @Test
    void uploadAndDownloadOnTheContainerDatabase() {
        HttpApi api = new HttpApi(port);
        byte[] model = TestModels.denseH5(100_000);

        HttpResponse<byte[]> uploaded = api.uploadRaw("on-container", model, "m.h5");
        assertThat(uploaded.statusCode()).isEqualTo(201);
        assertThat(api.get("/api/v1/models/on-container/versions/1/content").body()).isEqualTo(model);
    }
}
