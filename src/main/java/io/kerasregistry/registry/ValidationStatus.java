package io.kerasregistry.registry;

/** Where a version's validation stands. */
public enum ValidationStatus {
    PENDING, RUNNING, PASSED, FAILED, ERROR;

    public boolean isFinal() {
        return this == PASSED || this == FAILED || this == ERROR;
    }
}
