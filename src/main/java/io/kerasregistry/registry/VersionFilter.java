package io.kerasregistry.registry;

import io.kerasregistry.keras.RegularizerKind;
import org.jspecify.annotations.Nullable;

/** Optional filters of a version listing. */
record VersionFilter(@Nullable String layerClass, @Nullable RegularizerKind regularizerKind) {

    static VersionFilter none() {
        return new VersionFilter(null, null);
    }
}
