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

/**
 * A committed blob opened for reading, whose bytes are checked as they are read. A whole read is
 * checked against the SHA-256 and stays one buffer ahead of its reader: the last buffer is handed
 * out only once the digest matches, so a client never receives a complete but damaged copy, the
 * transfer breaks off short instead. A range read checks the CRC32C of every chunk it touches
 * before handing out any byte of that chunk.
 */
public final class BlobContent {

    private static final int BUFFER = 1 << 20;

    private final Path file;
    private final BlobInfo blob;

    BlobContent(Path file, BlobInfo blob) {
        this.file = file;
        this.blob = blob;
    }

    public BlobInfo blob() {
        return blob;
    }

    /** Bytes {@code first} to {@code last} inclusive, verified as they are read. */
    public InputStream openStream(long first, long last) throws IOException {
        FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
        if (first == 0 && last == blob.size() - 1) {
            return new WholeStream(channel);
        }
        return new RangeStream(channel, first, last);
    }

    /** Re-reads the whole blob and compares its digest; for the integrity scrub. */
    public boolean verify() throws IOException {
        try (InputStream in = openStream(0, blob.size() - 1)) {
            in.transferTo(OutputStreamDiscarding.INSTANCE);
            return true;
        } catch (BlobIntegrityException damaged) {
            return false;
        }
    }

    private BlobIntegrityException damaged(String what) {
        return new BlobIntegrityException("blob " + blob.sha256() + " is damaged: " + what);
    }

    private static int readFully(FileChannel channel, byte[] buffer, int length) throws IOException {
        ByteBuffer target = ByteBuffer.wrap(buffer, 0, length);
        while (target.hasRemaining()) {
            if (channel.read(target) < 0) {
                break;
            }
        }
        return target.position();
    }

    private final class WholeStream extends InputStream {
        private final FileChannel channel;
        private final MessageDigest sha = BlobStore.sha256();
        private byte[] current = new byte[BUFFER];
        private byte[] ahead = new byte[BUFFER];
        private int currentLength;
        private int currentPosition;
        private int aheadLength;
        private long total;
        private boolean exhausted;
        private boolean verified;
        private @org.jspecify.annotations.Nullable BlobIntegrityException failure;

        WholeStream(FileChannel channel) throws IOException {
            this.channel = channel;
            currentLength = fill(current);
            aheadLength = currentLength == 0 ? 0 : fill(ahead);
            checkEnd();
        }

        private int fill(byte[] buffer) throws IOException {
            int n = readFully(channel, buffer, buffer.length);
            sha.update(buffer, 0, n);
            total += n;
            if (n < buffer.length) {
                exhausted = true;
            }
            return n;
        }

        /** Once the file is read to its end, nothing more is handed out unless the digest matches. */
        private void checkEnd() {
            if (exhausted && !verified) {
                verified = true;
                String actual = HexFormat.of().formatHex(sha.digest());
                if (total != blob.size() || !actual.equals(blob.sha256())) {
                    failure = damaged("its " + total + " bytes hash to " + actual);
                }
            }
            if (failure != null) {
                throw failure;
            }
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (!advance()) {
                return -1;
            }
            int n = Math.min(len, currentLength - currentPosition);
            System.arraycopy(current, currentPosition, b, off, n);
            currentPosition += n;
            return n;
        }

        /** Writes straight from the read buffers: no copy into a caller's buffer in between. */
        @Override
        public long transferTo(OutputStream out) throws IOException {
            long written = 0;
            while (advance()) {
                int n = currentLength - currentPosition;
                out.write(current, currentPosition, n);
                currentPosition = currentLength;
                written += n;
            }
            return written;
        }

        /** Whether unread bytes are in {@code current}, moving the read-ahead buffer there if needed. */
        private boolean advance() throws IOException {
            if (failure != null) {
                throw failure;
            }
            if (currentPosition == currentLength) {
                if (aheadLength == 0) {
                    return false;
                }
                byte[] swap = current;
                current = ahead;
                ahead = swap;
                currentLength = aheadLength;
                currentPosition = 0;
                aheadLength = exhausted ? 0 : fill(ahead);
                checkEnd();
            }
            return true;
        }

        @Override
        public void close() throws IOException {
            channel.close();
        }
    }

    private final class RangeStream extends InputStream {
        private final FileChannel channel;
        private final long last;
        private final byte[] chunk;
        private final CRC32C crc = new CRC32C();
        private long position;
        private int chunkIndex = -1;
        private int chunkLength;

        RangeStream(FileChannel channel, long first, long last) {
            this.channel = channel;
            this.position = first;
            this.last = last;
            this.chunk = new byte[blob.checksums().chunkSize()];
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (position > last) {
                return -1;
            }
            int chunkSize = chunk.length;
            int wanted = (int) (position / chunkSize);
            if (wanted != chunkIndex) {
                loadChunk(wanted);
            }
            int offsetInChunk = (int) (position - (long) chunkIndex * chunkSize);
            long remainingInRange = last - position + 1;
            int n = (int) Math.min(Math.min(len, chunkLength - offsetInChunk), remainingInRange);
            System.arraycopy(chunk, offsetInChunk, b, off, n);
            position += n;
            return n;
        }

        /** Writes each verified chunk straight from its buffer. */
        @Override
        public long transferTo(OutputStream out) throws IOException {
            long written = 0;
            int chunkSize = chunk.length;
            while (position <= last) {
                int wanted = (int) (position / chunkSize);
                if (wanted != chunkIndex) {
                    loadChunk(wanted);
                }
                int offsetInChunk = (int) (position - (long) chunkIndex * chunkSize);
                int n = (int) Math.min(chunkLength - offsetInChunk, last - position + 1);
                out.write(chunk, offsetInChunk, n);
                position += n;
                written += n;
            }
            return written;
        }

        private void loadChunk(int index) throws IOException {
            ChunkChecksums checksums = blob.checksums();
            long start = (long) index * chunk.length;
            int expected = (int) Math.min(chunk.length, blob.size() - start);
            channel.position(start);
            chunkLength = readFully(channel, chunk, expected);
            crc.reset();
            crc.update(chunk, 0, chunkLength);
            if (chunkLength != expected || index >= checksums.chunkCount() || (int) crc.getValue() != checksums.crc(index)) {
                throw damaged("bytes " + start + "-" + (start + expected - 1) + " do not match their checksum");
            }
            chunkIndex = index;
        }

        @Override
        public void close() throws IOException {
            channel.close();
        }
    }

    private static final class OutputStreamDiscarding extends java.io.OutputStream {
        static final OutputStreamDiscarding INSTANCE = new OutputStreamDiscarding();

        @Override
        public void write(int b) {
        }

        @Override
        public void write(byte[] b, int off, int len) {
        }
    }
}
