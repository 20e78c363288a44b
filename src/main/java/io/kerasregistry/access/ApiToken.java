package io.kerasregistry.access;

import java.time.Instant;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/** A token as stored: never its secret. */
record ApiToken(long id, String name, Set<Role> roles, Instant createdAt, String createdBy,
        @Nullable Instant lastUsedAt, @Nullable Instant revokedAt) {
}
