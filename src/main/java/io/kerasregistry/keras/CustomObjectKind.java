package io.kerasregistry.keras;

import java.util.Locale;

/** The kinds of objects Keras resolves through {@code custom_objects}. */
public enum CustomObjectKind {
    REGULARIZER, ACTIVATION, LAYER, INITIALIZER, CONSTRAINT, LOSS, METRIC, OPTIMIZER, MODEL;

    /** The lower-case form used in URLs ({@code /custom-objects/regularizer/...}). */
    public String slug() {
        return name().toLowerCase(Locale.ROOT);
    }
}
