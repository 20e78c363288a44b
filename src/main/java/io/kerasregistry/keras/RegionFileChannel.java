package io.kerasregistry.keras;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.NonWritableChannelException;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;

/**
 * A read-only {@link FileChannel} over a window of another channel, so that jhdf can open an HDF5 file
 * larger than one {@link ByteBuffer} (or such a file stored inside a zip) in place.
 *
 * <p>jhdf falls back to allocating a heap buffer of the requested size when {@code map} throws an
 * {@link IOException}; a hostile file could declare gigabytes that way. A request outside the window is
 * therefore answered with {@link OutsideRegionException}, which jhdf does not catch.
 */
final class RegionFileChannel extends FileChannel {

    /** A read outside the window: the HDF5 metadata points past the end of the data. */
    static final class OutsideRegionException extends RuntimeException {
        OutsideRegionException(String message) {
            super(message);
        }
    }

    private final FileChannel delegate;
    private final long offset;
    private final long length;
    private long position;

    RegionFileChannel(FileChannel delegate, long offset, long length) {
        this.delegate = delegate;
        this.offset = offset;
        this.length = length;
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        int n = read(dst, position);
        if (n > 0) {
            position += n;
        }
        return n;
    }

    @Override
    public long read(ByteBuffer[] dsts, int off, int len) throws IOException {
        long total = 0;
        for (int i = off; i < off + len; i++) {
            int n = read(dsts[i]);
            if (n < 0) {
                return total == 0 ? -1 : total;
            }
            total += n;
            if (dsts[i].hasRemaining()) {
                break;
            }
        }
        return total;
    }

    @Override
    public int read(ByteBuffer dst, long at) throws IOException {
        if (at < 0) {
            throw new IllegalArgumentException("negative position");
        }
        if (at >= length) {
            return -1;
        }
        long available = length - at;
        if (dst.remaining() > available) {
            ByteBuffer limited = dst.duplicate();
            limited.limit(limited.position() + (int) available);
            int n = delegate.read(limited, offset + at);
            if (n > 0) {
                dst.position(dst.position() + n);
            }
            return n;
        }
        return delegate.read(dst, offset + at);
    }

    @Override
    public MappedByteBuffer map(MapMode mode, long at, long size) throws IOException {
        if (mode != MapMode.READ_ONLY) {
            throw new NonWritableChannelException();
        }
        if (at < 0 || size < 0 || at + size > length) {
            throw new OutsideRegionException(
                    "HDF5 structure at " + at + " (" + size + " bytes) lies outside the file (" + length + " bytes)");
        }
        return delegate.map(mode, offset + at, size);
    }

    @Override
    public long position() {
        return position;
    }

    @Override
    public FileChannel position(long newPosition) {
        if (newPosition < 0) {
            throw new IllegalArgumentException("negative position");
        }
        position = newPosition;
        return this;
    }

    @Override
    public long size() {
        return length;
    }

    @Override
    public int write(ByteBuffer src) {
        throw new NonWritableChannelException();
    }

    @Override
    public long write(ByteBuffer[] srcs, int off, int len) {
        throw new NonWritableChannelException();
    }

    @Override
    public int write(ByteBuffer src, long at) {
        throw new NonWritableChannelException();
    }

    @Override
    public FileChannel truncate(long size) {
        throw new NonWritableChannelException();
    }

    @Override
    public void force(boolean metaData) {
        // read-only: nothing to flush
    }

    @Override
    public long transferTo(long at, long count, WritableByteChannel target) {
        throw new UnsupportedOperationException("not used by the HDF5 reader");
    }

    @Override
    public long transferFrom(ReadableByteChannel src, long at, long count) {
        throw new NonWritableChannelException();
    }

    @Override
    public FileLock lock(long at, long size, boolean shared) {
        throw new UnsupportedOperationException("not used by the HDF5 reader");
    }

    @Override
    public FileLock tryLock(long at, long size, boolean shared) {
        throw new UnsupportedOperationException("not used by the HDF5 reader");
    }

    @Override
    protected void implCloseChannel() {
        // the underlying channel belongs to the FileRegion, which closes it
    }
}
