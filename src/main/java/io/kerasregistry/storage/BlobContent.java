package io.kerasregistry.storage;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.zip.CRC32C;
import org.jspecify.annotations.Nullable;

/**
 * A committed blob opened for reading, whose bytes are checked as they are read: every chunk a read
 * touches is compared with the CRC32C recorded when the blob was written before any byte of it is
 * handed out, so a damaged copy is never served complete (the transfer breaks off at the damaged
 * chunk) and a damaged first chunk fails before anything is sent. With
 * {@link DownloadVerification#SHA256}, a whole read also hashes what it reads and hands out its last
 * chunk only once the SHA-256 matches. {@link #verify()} re-hashes the whole blob with SHA-256, for
 * the scrub and for validation. docs/adr/0008 says why downloads default to the chunk sums.
 */
public final class BlobContent {

    private final Path file;
    private final BlobInfo blob;
    private final @Nullable DirectBuffers buffers;
    private final DownloadVerification verification;

    BlobContent(Path file, BlobInfo blob, @Nullable DirectBuffers buffers, DownloadVerification verification) {
        this.file = file;
        this.blob = blob;
        this.buffers = buffers;
        this.verification = verification;
    }

    public BlobInfo blob() {
        return blob;
    }

    /**
     * Bytes {@code first} to {@code last} inclusive, verified chunk by chunk. The first chunk is read
     * and checked here, so damage at the start is reported before a response is committed.
     */
    public VerifiedStream openStream(long first, long last) throws IOException {
        FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
        try {
            return new VerifiedStream(channel, first, last);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    /** Re-reads the whole blob and compares its size and SHA-256 with the recorded ones. */
    public boolean verify() throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            MessageDigest sha = BlobStore.sha256();
            byte[] buffer = new byte[1 << 20];
            ByteBuffer target = ByteBuffer.wrap(buffer);
            long total = 0;
            int n;
            while ((n = channel.read(target.clear())) >= 0) {
                sha.update(buffer, 0, n);
                total += n;
            }
            return total == blob.size() && HexFormat.of().formatHex(sha.digest()).equals(blob.sha256());
        }
    }

    /** Receives verified bytes as buffers, for writers that take them without a copy into an array. */
    @FunctionalInterface
    public interface BufferSink {
        void write(ByteBuffer verified) throws IOException;
    }

    /**
     * The verified bytes of a range. Chunks are read into one direct buffer, checked there and written
     * from there: the bytes cross from the page cache to the socket without passing through the heap.
     */
    public final class VerifiedStream extends InputStream {
        private final FileChannel channel;
        private final long last;
        private final ByteBuffer chunk;
        private final CRC32C crc = new CRC32C();
        /** The digest of a whole read in {@link DownloadVerification#SHA256} mode, fed chunk by chunk. */
        private final @Nullable MessageDigest sha;
        private long position;
        private int chunkIndex = -1;
        private boolean closed;

        private VerifiedStream(FileChannel channel, long first, long last) throws IOException {
            this.channel = channel;
            this.position = first;
            this.last = last;
            this.sha = verification == DownloadVerification.SHA256 && first == 0 && last == blob.size() - 1
                    ? BlobStore.sha256() : null;
            int chunkSize = blob.checksums().chunkSize();
            this.chunk = buffers != null ? buffers.acquire(chunkSize) : ByteBuffer.allocate(chunkSize);
            try {
                if (position <= last) {
                    loadChunk((int) (position / chunkSize));
                }
            } catch (IOException | RuntimeException e) {
                release();
                throw e;
            }
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            ByteBuffer next = next(len);
            if (next == null) {
                return -1;
            }
            int n = next.remaining();
            next.get(b, off, n);
            return n;
        }

        /** Writes each verified chunk straight from its buffer. */
        public long transferTo(BufferSink sink) throws IOException {
            long written = 0;
            ByteBuffer next;
            while ((next = next(Integer.MAX_VALUE)) != null) {
                int n = next.remaining();
                while (next.hasRemaining()) {
                    sink.write(next);
                }
                written += n;
            }
            return written;
        }

        @Override
        public long transferTo(OutputStream out) throws IOException {
            byte[] bounce = new byte[64 * 1024];
            return transferTo(verified -> {
                while (verified.hasRemaining()) {
                    int n = Math.min(bounce.length, verified.remaining());
                    verified.get(bounce, 0, n);
                    out.write(bounce, 0, n);
                }
            });
        }

        /** A view of up to {@code max} verified bytes at the position, which it advances; null at the end. */
        private @Nullable ByteBuffer next(int max) throws IOException {
            if (closed) {
                throw new IOException("stream closed");
            }
            if (position > last || max <= 0) {
                return position > last ? null : chunk.slice(0, 0);
            }
            int chunkSize = chunk.capacity();
            int wanted = (int) (position / chunkSize);
            if (wanted != chunkIndex) {
                loadChunk(wanted);
            }
            int offsetInChunk = (int) (position - (long) chunkIndex * chunkSize);
            int n = (int) Math.min(Math.min(max, chunk.limit() - offsetInChunk), last - position + 1);
            position += n;
            return chunk.slice(offsetInChunk, n);
        }

        private void loadChunk(int index) throws IOException {
            ChunkChecksums checksums = blob.checksums();
            long start = (long) index * chunk.capacity();
            int expected = (int) Math.min(chunk.capacity(), blob.size() - start);
            chunk.clear().limit(expected);
            while (chunk.hasRemaining()) {
                if (channel.read(chunk, start + chunk.position()) < 0) {
                    break;
                }
            }
            int length = chunk.position();
            chunk.flip();
            crc.reset();
            crc.update(chunk.duplicate());
            if (length != expected || index >= checksums.chunkCount() || (int) crc.getValue() != checksums.crc(index)) {
                chunkIndex = -1;
                throw damaged("bytes " + start + "-" + (start + expected - 1) + " do not match their checksum");
            }
            if (sha != null) {
                // a whole read loads its chunks in order, once each
                sha.update(chunk.duplicate());
                if (start + expected == blob.size()) {
                    String actual = HexFormat.of().formatHex(sha.digest());
                    if (!actual.equals(blob.sha256())) {
                        chunkIndex = -1;
                        throw damaged("its bytes hash to " + actual);
                    }
                }
            }
            chunkIndex = index;
        }

        @Override
        public void close() throws IOException {
            if (!closed) {
                closed = true;
                release();
                channel.close();
            }
        }

        private void release() {
            if (buffers != null) {
                buffers.release(chunk);
            }
        }
    }

    private BlobIntegrityException damaged(String what) {
        return new BlobIntegrityException("blob " + blob.sha256() + " is damaged: " + what);
    }
}
