package io.kerasregistry.inference;

import org.jspecify.annotations.Nullable;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A value flowing through the graph, with the Keras mask it carries.
 *
 * @param value float32, batch first
 * @param mask  1 where a timestep is kept, 0 where masked, shape {@code (batch, timesteps)}, or null
 */
record Tensor(INDArray value, @Nullable INDArray mask) {

    static Tensor of(INDArray value) {
        return new Tensor(value, null);
    }
}
