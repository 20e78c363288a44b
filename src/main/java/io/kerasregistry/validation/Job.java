package io.kerasregistry.validation;

/** A taken job: which version, and which attempt this is. */
record Job(long id, long versionId, int attempt, int maxAttempts, String reason) {

    boolean lastAttempt() {
        return attempt >= maxAttempts;
    }
}
