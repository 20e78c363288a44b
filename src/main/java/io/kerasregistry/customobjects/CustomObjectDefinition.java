package io.kerasregistry.customobjects;

import java.time.Instant;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * One registered custom object at one revision.
 *
 * @param alias      for {@link Implementation#ALIAS}: a built-in name or {@code {"class_name", "config"}}
 * @param expression for {@link Implementation#EXPRESSION}
 * @param className  for {@link Implementation#PLUGIN}
 */
public record CustomObjectDefinition(CatalogueKind kind, String name, int revision, Implementation implementation,
        @Nullable JsonNode alias, @Nullable String expression, @Nullable String className, @Nullable String description,
        Instant updatedAt, String updatedBy) {

    /** The strong ETag of this revision. */
    public String etag() {
        return "\"" + revision + "\"";
    }
}
