package io.kerasregistry.validation;

import java.time.Instant;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/** A validation report as kept: the worker's report plus when, where and which attempt. */
record StoredReport(long id, long versionId, @Nullable Long jobId, int attempt, String status, String summary,
        String worker, Instant startedAt, Instant finishedAt, JsonNode report) {
}
