/**
 * Content-addressed blobs: model bytes on disk under {@code sha256/ab/cd/<hash>}, one row each in
 * the {@code blob} table. Writes stream to a temporary file while hashing, are fsynced and renamed
 * into place atomically; reads check size, per-chunk CRC32C and, for whole reads, the SHA-256, so a
 * damaged blob is reported and never served as good.
 */
@NullMarked
package io.kerasregistry.storage;

import org.jspecify.annotations.NullMarked;
