package io.kerasregistry.keras;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * A regularizer set on a layer, normalised across eras ({@code W_regularizer} in Keras 1 is reported
 * as {@code kernel_regularizer}, with {@code originalAttribute} keeping what the file says).
 *
 * @param layerPath         the layer's path
 * @param attribute         {@code kernel_regularizer}, {@code bias_regularizer}, {@code activity_regularizer},
 *                          {@code recurrent_regularizer}, {@code depthwise_regularizer}, ...
 * @param originalAttribute the attribute as written in the file
 * @param kind              the normalised kind
 * @param l1                L1 factor, for {@code L1} and {@code L1L2}
 * @param l2                L2 factor, for {@code L2} and {@code L1L2}
 * @param factor            {@code OrthogonalRegularizer}'s factor, or a custom regularizer's {@code factor}
 * @param mode              {@code OrthogonalRegularizer}'s mode ({@code rows} or {@code columns})
 * @param name              the class or function name as written ({@code L1L2}, {@code MyL1Regularizer})
 * @param config            the raw JSON value of the attribute
 */
public record RegularizerRef(String layerPath, String attribute, String originalAttribute, RegularizerKind kind,
        @Nullable Double l1, @Nullable Double l2, @Nullable Double factor, @Nullable String mode, String name,
        JsonNode config) {
}
