package io.kerasregistry.registry;

import io.kerasregistry.keras.ModelFormat;
import io.kerasregistry.keras.TensorSpec;
import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** A version's stored facts. Content never changes after upload. */
public record ModelVersion(long id, long modelId, String modelName, int version, ModelFormat format, String blobSha256,
        long sizeBytes, @Nullable String architectureSha256, @Nullable String fileName, Instant createdAt,
        String createdBy, Description description, Validation validation, @Nullable String referenceSha256,
        Approval approval, @Nullable Instant archivedAt) {

    /** The review state: who decided, when, and why. */
    public record Approval(ApprovalStatus status, @Nullable Instant updatedAt, @Nullable String by,
            @Nullable String comment) {
    }

    public boolean archived() {
        return archivedAt != null;
    }

    /** The current validation status, as the latest report (or the queue) left it. */
    public record Validation(ValidationStatus status, Instant updatedAt, @Nullable String summary) {
    }

    /** The summary of what the Keras reader found. */
    public record Description(@Nullable String kerasVersion, @Nullable String backend, @Nullable String modelClass,
            boolean subclassed, long paramCount, long trainableParamCount, List<TensorSpec> inputs,
            List<TensorSpec> outputs) {
    }
}
