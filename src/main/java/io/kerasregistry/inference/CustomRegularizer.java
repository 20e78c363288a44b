package io.kerasregistry.inference;

import org.nd4j.linalg.api.ndarray.INDArray;
import tools.jackson.databind.JsonNode;

/** A user-registered weight or activity regularizer. */
@FunctionalInterface
public interface CustomRegularizer {

    /**
     * The penalty Keras adds to {@code model.losses} for one weight (or one layer output).
     *
     * @param config the regularizer's config as stored ({@code {"factor": 0.01}}), or an empty
     *               object when the file names a bare function
     * @param value  the weight or output; must not be modified
     */
    double penalty(JsonNode config, INDArray value);
}
