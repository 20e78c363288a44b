package io.kerasregistry.keras;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.jspecify.annotations.Nullable;

/**
 * A read-only window on part of a file: a whole {@code .h5} file, or the bytes of a STORED
 * {@code model.weights.h5} entry inside a {@code .keras} zip, read in place. Windows up to 2 GiB are
 * memory-mapped (nothing is read until touched); larger ones are read through the channel.
 *
 * <p>Closing the region closes the channel and deletes the file when the region owns a temporary copy.
 */
final class FileRegion implements AutoCloseable {

    private final FileChannel channel;
    private final long offset;
    private final long length;
    private final @Nullable Path deleteOnClose;
    private final long mapLimit;
    private @Nullable MappedByteBuffer mapped;

    private FileRegion(FileChannel channel, long offset, long length, @Nullable Path deleteOnClose, long mapLimit) {
        this.channel = channel;
        this.offset = offset;
        this.length = length;
        this.deleteOnClose = deleteOnClose;
        this.mapLimit = mapLimit;
    }

    static FileRegion ofFile(Path file) {
        return of(file, 0, -1, null, Integer.MAX_VALUE);
    }

    static FileRegion ofTemporaryFile(Path file) {
        return of(file, 0, -1, file, Integer.MAX_VALUE);
    }

    static FileRegion of(Path file, long offset, long length) {
        return of(file, offset, length, null, Integer.MAX_VALUE);
    }

    /** The whole file, read through the channel as files over 2 GiB are (for tests of that path). */
    static FileRegion ofFileUnmapped(Path file) {
        return of(file, 0, -1, null, -1);
    }

    private static FileRegion of(Path file, long offset, long length, @Nullable Path deleteOnClose, long mapLimit) {
        FileChannel channel = null;
        try {
            channel = FileChannel.open(file, StandardOpenOption.READ);
            long size = channel.size();
            long len = length < 0 ? size - offset : length;
            if (offset < 0 || len < 0 || offset + len > size) {
                throw new CorruptModelException("region " + offset + "+" + len + " lies outside the file ("
                        + size + " bytes)");
            }
            return new FileRegion(channel, offset, len, deleteOnClose, mapLimit);
        } catch (IOException e) {
            closeQuietly(channel);
            throw new UncheckedIOException("cannot open " + file, e);
        } catch (RuntimeException e) {
            closeQuietly(channel);
            throw e;
        }
    }

    long length() {
        return length;
    }

    /** Whether the whole window fits one {@link ByteBuffer}. */
    boolean mappable() {
        return length <= mapLimit;
    }

    /** The whole window as one read-only buffer; only for {@link #mappable()} regions. */
    synchronized ByteBuffer buffer() {
        if (mapped == null) {
            try {
                mapped = channel.map(FileChannel.MapMode.READ_ONLY, offset, length);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot map the file", e);
            }
        }
        return mapped.duplicate();
    }

    /** A channel that sees only this window, for regions too large to map as one buffer. */
    FileChannel windowChannel() {
        return new RegionFileChannel(channel, offset, length);
    }

    /** Reads {@code dst.remaining()} bytes at {@code position} within the window. */
    void readFully(long position, ByteBuffer dst) {
        if (position < 0 || position + dst.remaining() > length) {
            throw new CorruptModelException("read of " + dst.remaining() + " bytes at " + position
                    + " runs past the end of the HDF5 data (" + length + " bytes)");
        }
        if (mappable()) {
            ByteBuffer src = buffer();
            src.position((int) position).limit((int) position + dst.remaining());
            dst.put(src);
            return;
        }
        long at = offset + position;
        try {
            while (dst.hasRemaining()) {
                int n = channel.read(dst, at);
                if (n < 0) {
                    throw new CorruptModelException("file ended while reading weight data");
                }
                at += n;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the file", e);
        }
    }

    @Override
    public void close() {
        mapped = null;
        closeQuietly(channel);
        if (deleteOnClose != null) {
            try {
                Files.deleteIfExists(deleteOnClose);
            } catch (IOException e) {
                // the temporary directory is cleaned by its owner; nothing better to do here
            }
        }
    }

    private static void closeQuietly(@Nullable FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException e) {
                // closing a read-only channel loses nothing
            }
        }
    }
}
