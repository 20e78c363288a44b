package io.kerasregistry.keras;

import java.util.List;

/**
 * One stored weight.
 *
 * @param name     the weight's name as stored ({@code dense_1/kernel:0}, {@code vars/0})
 * @param shape    its shape
 * @param dtype    {@code float32}, {@code float16}, {@code float64}, {@code int64}, ...
 * @param location the HDF5 dataset path (inside {@code model.weights.h5} for {@code .keras} files)
 */
public record WeightRef(String name, List<Long> shape, String dtype, String location) {

    public WeightRef {
        shape = List.copyOf(shape);
    }

    public long elementCount() {
        long n = 1;
        for (long d : shape) {
            n = Math.multiplyExact(n, d);
        }
        return n;
    }
}
