package io.kerasregistry.inference;

import org.jspecify.annotations.Nullable;

/**
 * Turns one Keras layer class (or a small family) into a {@link LayerOp}. It checks the config and
 * weight shapes and records everything it cannot compute in the context instead of throwing, so
 * that all problems of a model are reported together; it then returns null.
 */
@FunctionalInterface
interface LayerTranslator {

    @Nullable
    LayerOp translate(LayerContext ctx);
}
