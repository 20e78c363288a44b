package io.kerasregistry.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.MapPropertySource;

/** Gives each test application context its own database and blob folder. */
public final class TestEnvironmentInitializer implements ApplicationContextInitializer<ConfigurableApplicationContext> {

    @Override
    public void initialize(ConfigurableApplicationContext context) {
        Path storage;
        try {
            storage = Files.createTempDirectory("blobs-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        context.getEnvironment().getPropertySources().addFirst(new MapPropertySource("test-environment", Map.of(
                "spring.datasource.url", TestPostgres.newDatabaseUrl(),
                "spring.datasource.username", "postgres",
                "keras-registry.storage.path", storage.toString(),
                "keras-registry.security.admin-token", HttpApi.ADMIN_TOKEN)));
    }
}
