package io.kerasregistry.storage;

import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * CRC32C of each fixed-size chunk of a blob. A range read verifies only the chunks it touches,
 * so serving 16 MB of a 1 GB blob does not mean hashing the whole blob.
 */
public record ChunkChecksums(int chunkSize, byte[] crcs) {

    public ChunkChecksums {
        crcs = crcs.clone();
    }

    public int chunkCount() {
        return crcs.length / Integer.BYTES;
    }

    public int crc(int chunk) {
        return ByteBuffer.wrap(crcs).getInt(chunk * Integer.BYTES);
    }

    @Override
    public byte[] crcs() {
        return crcs.clone();
    }

    /** Accumulates checksums while a blob is written. */
    static final class Builder {
        private final int chunkSize;
        private final CRC32C crc = new CRC32C();
        private ByteBuffer out = ByteBuffer.allocate(64 * Integer.BYTES);
        private int filled;

        Builder(int chunkSize) {
            this.chunkSize = chunkSize;
        }

        void update(byte[] b, int off, int len) {
            while (len > 0) {
                int n = Math.min(len, chunkSize - filled);
                crc.update(b, off, n);
                filled += n;
                off += n;
                len -= n;
                if (filled == chunkSize) {
                    finishChunk();
                }
            }
        }

        private void finishChunk() {
            if (!out.hasRemaining()) {
                ByteBuffer bigger = ByteBuffer.allocate(out.capacity() * 2);
                out.flip();
                bigger.put(out);
                out = bigger;
            }
            out.putInt((int) crc.getValue());
            crc.reset();
            filled = 0;
        }

        ChunkChecksums build() {
            if (filled > 0) {
                finishChunk();
            }
            byte[] bytes = new byte[out.position()];
            out.flip();
            out.get(bytes);
            return new ChunkChecksums(chunkSize, bytes);
        }
    }
}
