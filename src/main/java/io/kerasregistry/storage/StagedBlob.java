package io.kerasregistry.storage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Bytes written to a temporary file and hashed, not yet part of the store. Closing it deletes the
 * temporary file unless {@link BlobStore#commit} moved it into place.
 *
 * @param file     the temporary file
 * @param sha256   lower-case hex SHA-256 of the content
 * @param size     content length in bytes
 * @param checksums CRC32C of each {@link BlobStore#CHUNK_SIZE} chunk, for verified range reads
 */
public record StagedBlob(Path file, String sha256, long size, ChunkChecksums checksums) implements AutoCloseable {

    @Override
    public void close() {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new UncheckedIOException("could not delete temporary upload " + file, e);
        }
    }
}
