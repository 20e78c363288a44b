package io.kerasregistry.registry;

import io.kerasregistry.keras.ModelFormat;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/** A version's stored facts. Content never changes after upload. */
public record ModelVersion(long id, long modelId, String modelName, int version, ModelFormat format, String blobSha256,
        long sizeBytes, @Nullable String architectureSha256, @Nullable String fileName, Instant createdAt,
        String createdBy) {
}
