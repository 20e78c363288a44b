package io.kerasregistry.validation;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * @param role    what this process does ({@code KERAS_REGISTRY_ROLE}: {@code all}, {@code api}, {@code worker})
 * @param plugins where plug-in jars for {@code PLUGIN} custom objects are
 */
@ConfigurationProperties("keras-registry")
public record RoleProperties(@DefaultValue("all") ServiceRole role, @DefaultValue Plugins plugins) {

    /** @param path folder of plug-in jars ({@code keras-registry.plugins.path}, {@code KERAS_REGISTRY_PLUGINS_PATH}) */
    public record Plugins(@DefaultValue("./plugins") String path) {
    }
}
