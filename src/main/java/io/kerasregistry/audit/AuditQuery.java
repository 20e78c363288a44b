package io.kerasregistry.audit;

import java.time.Instant;
import org.jspecify.annotations.Nullable;

/** Filters of the audit listing; {@code afterId} is the keyset cursor. */
public record AuditQuery(@Nullable String modelName, @Nullable String type, @Nullable String actor,
        @Nullable Instant from, @Nullable Instant to, @Nullable Long afterId, int limit) {
}
