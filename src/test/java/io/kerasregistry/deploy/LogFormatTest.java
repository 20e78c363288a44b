package io.kerasregistry.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.boot.context.config.ConfigDataEnvironmentPostProcessor;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;

/**
 * application.yml as Spring Boot loads it (config data only, no application started): LOG_FORMAT
 * picks the console format, and the probes are also served as /livez and /readyz.
 */
class LogFormatTest {

    private static StandardEnvironment load(Map<String, Object> variables) {
        StandardEnvironment environment = new StandardEnvironment();
        // the variables stand in for the process environment (whatever LOG_FORMAT this machine has)
        environment.getPropertySources().remove(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME);
        environment.getPropertySources().addFirst(new MapPropertySource("test-environment", Map.copyOf(variables)));
        ConfigDataEnvironmentPostProcessor.applyTo(environment);
        return environment;
    }

    @ParameterizedTest(name = "LOG_FORMAT={0} -> {1}")
    @CsvSource(value = {"<unset>, <none>", "plain, <none>", "json, ecs"})
    void logFormatPicksTheConsoleFormat(String logFormat, String console) {
        Map<String, Object> variables = new HashMap<>();
        if (!logFormat.equals("<unset>")) {
            variables.put("LOG_FORMAT", logFormat);
        }
        String format = load(variables).getProperty("logging.structured.format.console");
        assertThat(format).isEqualTo(console.equals("<none>") ? null : console);
    }

    @Test
    void anUnknownLogFormatStopsTheStartNamingTheMissingFile() {
        assertThatThrownBy(() -> load(Map.of("LOG_FORMAT", "xml")))
                .hasMessageContaining("log-format/xml.yml");
    }

    @Test
    void theHealthProbesAreAlsoServedAsLivezAndReadyz() {
        StandardEnvironment environment = load(Map.of());
        assertThat(environment.getProperty("management.endpoint.health.probes.enabled")).isEqualTo("true");
        assertThat(environment.getProperty("management.endpoint.health.probes.add-additional-paths")).isEqualTo("true");
        assertThat(environment.getProperty("management.endpoints.web.exposure.include")).contains("prometheus");
        assertThat(environment.getProperty("server.shutdown")).isEqualTo("graceful");
        assertThat(environment.getProperty("spring.lifecycle.timeout-per-shutdown-phase")).isEqualTo("60s");
    }
}
