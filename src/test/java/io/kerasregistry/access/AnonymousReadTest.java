package io.kerasregistry.access;

import static org.assertj.core.api.Assertions.assertThat;

import io.kerasregistry.registry.TestModels;
import io.kerasregistry.support.HttpApi;
import io.kerasregistry.support.RegistryTest;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.TestPropertySource;

@RegistryTest
@TestPropertySource(properties = "keras-registry.security.anonymous-read=true")
class AnonymousReadTest {

    @LocalServerPort
    int port;

    @Test
    void withAnonymousReadingOnReadsNeedNoTokenButChangesStillDo() {
        HttpApi admin = new HttpApi(port);
        admin.uploadRaw("public", TestModels.denseH5(3000), "m.h5");
        HttpApi anonymous = admin.anonymous();

        assertThat(anonymous.get("/api/v1/models").statusCode()).isEqualTo(200);
        assertThat(anonymous.get("/api/v1/models/public/versions/1/content").statusCode()).isEqualTo(200);
        assertThat(anonymous.uploadRaw("public", TestModels.denseH5(3001), "m.h5").statusCode()).isEqualTo(401);
        assertThat(anonymous.get("/api/v1/tokens").statusCode()).isEqualTo(401);
    }
}
