package io.kerasregistry.audit;

import java.time.Instant;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** One recorded change. */
public record AuditEvent(long id, Instant occurredAt, String actor, String type, @Nullable String modelName,
        @Nullable Integer version, Map<String, Object> details, String prevHash, String hash) {
}
