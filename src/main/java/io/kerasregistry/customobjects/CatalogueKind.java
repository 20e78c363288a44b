package io.kerasregistry.customobjects;

import io.kerasregistry.keras.CustomObjectKind;
import java.util.Locale;

/** The kinds a user registers objects under; the URL spells them in lower case. */
public enum CatalogueKind {
    REGULARIZER, ACTIVATION, LAYER, INITIALIZER, CONSTRAINT, LOSS, METRIC, OPTIMIZER;

    public String slug() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static CatalogueKind ofSlug(String slug) {
        return valueOf(slug.toUpperCase(Locale.ROOT));
    }

    /** The catalogue kind that satisfies a reference the Keras reader found. */
    public static CatalogueKind of(CustomObjectKind kind) {
        return valueOf(kind.name());
    }
}
