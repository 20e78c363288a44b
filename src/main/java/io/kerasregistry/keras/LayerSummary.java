package io.kerasregistry.keras;

import org.jspecify.annotations.Nullable;

/**
 * A layer as the registry lists it.
 *
 * @param path        the layer's path from the top model ({@code model_1/dense})
 * @param name        the layer's own name
 * @param className   the Keras class name
 * @param trainable   its {@code trainable} flag
 * @param paramCount  parameters stored for it in the file (counted from the weight shapes)
 * @param outputShape the output shape when the config allows inferring it cheaply, else {@code null}
 */
public record LayerSummary(String path, String name, String className, boolean trainable, long paramCount,
        @Nullable String outputShape) {
}
