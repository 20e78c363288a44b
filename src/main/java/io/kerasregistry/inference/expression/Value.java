package io.kerasregistry.inference.expression;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * What a node of a compiled expression yields: one number, kept as a Java {@code double} so that
 * penalties accumulate in float64, or a tensor shaped like the input.
 */
sealed interface Value permits Value.Scalar, Value.Tensor {

    record Scalar(double value) implements Value {
    }

    /** Never the caller's array unless it is the input itself, which is never written to. */
    record Tensor(INDArray array) implements Value {
    }
}
