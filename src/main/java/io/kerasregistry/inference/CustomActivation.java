package io.kerasregistry.inference;

import org.nd4j.linalg.api.ndarray.INDArray;

/** A user-registered activation function. It must return a new array and leave its argument unchanged. */
@FunctionalInterface
public interface CustomActivation {

    INDArray apply(INDArray x);
}
