package io.kerasregistry.registry;

import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** A registered model as stored. */
record RegisteredModel(long id, String name, @Nullable String description, List<String> tags, Instant createdAt,
        Instant updatedAt, String createdBy, int lastVersion, int versionCount) {
}
