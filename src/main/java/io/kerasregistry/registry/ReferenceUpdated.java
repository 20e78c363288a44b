package io.kerasregistry.registry;

/** Published inside the transaction that set or replaced a version's reference vectors. */
public record ReferenceUpdated(long versionId, String modelName, int version) {
}
