package io.kerasregistry.storage;

import java.nio.ByteBuffer;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * Direct buffers of one size, kept for reuse. A direct buffer is freed only when the garbage
 * collector finds it, and downloads of many gigabytes would otherwise leave a megabyte of
 * unreclaimed native memory per chunk read; the pool keeps a few and lets the rest go.
 */
final class DirectBuffers {

    private final int size;
    private final BlockingQueue<ByteBuffer> idle;

    DirectBuffers(int size, int maxIdle) {
        this.size = size;
        this.idle = new ArrayBlockingQueue<>(maxIdle);
    }

    ByteBuffer acquire(int wanted) {
        if (wanted != size) {
            return ByteBuffer.allocateDirect(wanted);
        }
        ByteBuffer buffer = idle.poll();
        return buffer != null ? buffer.clear() : ByteBuffer.allocateDirect(size);
    }

    void release(ByteBuffer buffer) {
        if (buffer.isDirect() && buffer.capacity() == size) {
            idle.offer(buffer);
        }
    }
}
