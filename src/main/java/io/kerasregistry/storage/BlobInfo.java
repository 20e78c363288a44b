package io.kerasregistry.storage;

import java.time.Instant;

/** A stored blob's row. */
public record BlobInfo(String sha256, long size, ChunkChecksums checksums, Instant createdAt) {
}
