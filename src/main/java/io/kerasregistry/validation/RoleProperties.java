package io.kerasregistry.validation;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * @param role        what this process does ({@code KERAS_REGISTRY_ROLE}: {@code all}, {@code api}, {@code worker})
 * @param pluginsPath folder of plug-in jars for custom layers ({@code KERAS_REGISTRY_PLUGINS_PATH})
 */
@ConfigurationProperties("keras-registry")
public record RoleProperties(@DefaultValue("all") ServiceRole role, @DefaultValue("./plugins") String pluginsPath) {
}
