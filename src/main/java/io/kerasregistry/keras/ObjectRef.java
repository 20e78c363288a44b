package io.kerasregistry.keras;

import tools.jackson.databind.JsonNode;

/**
 * An initializer or constraint set on a layer.
 *
 * @param layerPath the layer's path
 * @param attribute {@code kernel_initializer}, {@code bias_constraint}, ...
 * @param name      the class or function name ({@code GlorotUniform}, {@code max_norm}, {@code my_init})
 * @param builtIn   whether Keras ships it (otherwise it is also a {@link CustomObjectRef})
 * @param config    the raw JSON value of the attribute
 */
public record ObjectRef(String layerPath, String attribute, String name, boolean builtIn, JsonNode config) {
}
