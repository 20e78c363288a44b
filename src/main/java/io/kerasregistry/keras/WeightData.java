package io.kerasregistry.keras;

import java.nio.FloatBuffer;

/**
 * Lazy access to weight values, one weight at a time, so that a model larger than the heap can be
 * read. Opened from a file and a {@link KerasModel} read from it; closing it releases the file (and
 * any temporary copy of a zip entry).
 */
public interface WeightData extends AutoCloseable {

    /** The weight's values as float32, row-major (C order). */
    float[] readFloats(WeightRef weight);

    /**
     * Copies the weight's values as float32, row-major, into {@code target} from its current position,
     * which advances by {@link WeightRef#elementCount()}.
     */
    void readInto(WeightRef weight, FloatBuffer target);

    @Override
    void close();
}
