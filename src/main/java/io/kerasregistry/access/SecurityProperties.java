package io.kerasregistry.access;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * @param adminToken     the bootstrap admin token ({@code KERAS_REGISTRY_ADMIN_TOKEN}); compared in
 *                       constant time, never stored; unset, only tokens created through the API work
 * @param anonymousRead  let requests without a token read (GET/HEAD) everything under {@code /api/v1}
 * @param metricsPublic  serve {@code /actuator/prometheus} without a token (for in-cluster scrapers)
 */
@ConfigurationProperties("keras-registry.security")
public record SecurityProperties(@Nullable String adminToken, @DefaultValue("false") boolean anonymousRead,
        @DefaultValue("true") boolean metricsPublic) {
}
