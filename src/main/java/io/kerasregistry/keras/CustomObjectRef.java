package io.kerasregistry.keras;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * A name a Keras loader would look up in {@code custom_objects}.
 *
 * @param kind           what kind of object Keras would expect
 * @param name           the lookup name: {@code registered_name} when present ({@code pkg>Name}),
 *                       else the class or function name
 * @param layerPath      the layer using it, {@code null} for model-level objects (losses, metrics,
 *                       optimizer, a subclassed model's own class)
 * @param attribute      the attribute holding it ({@code kernel_regularizer}, {@code activation}), or
 *                       {@code null} for a custom layer class itself
 * @param className      the {@code class_name} as written
 * @param module         the {@code module} as written, when present
 * @param config         the object's own config (for example a custom regularizer's {@code factor})
 */
public record CustomObjectRef(CustomObjectKind kind, String name, @Nullable String layerPath,
        @Nullable String attribute, String className, @Nullable String module, @Nullable JsonNode config) {
}
