package io.kerasregistry.registry;

/** A version's review state (SageMaker's model-package approval states). */
public enum ApprovalStatus {
    PENDING_APPROVAL, APPROVED, REJECTED
}
