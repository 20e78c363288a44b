package io.kerasregistry.registry;

/** Published after the transaction that stored a new version commits. */
public record ModelVersionUploaded(long versionId, String modelName, int version) {
}
