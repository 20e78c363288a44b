package io.kerasregistry.customobjects;

/** How a custom object is provided at validation time. */
public enum Implementation {
    /** A Keras built-in, with parameters ({@code softplus}, {@code L1(0.001)}). */
    ALIAS,
    /** A safe tensor expression ({@code factor * sum(abs(w))}). */
    EXPRESSION,
    /** A Java class from an operator-installed plug-in jar, found with {@code ServiceLoader}. */
    PLUGIN,
    /** Known, and nothing to do at inference (initializers, constraints, losses, metrics, training-only layers). */
    INFERENCE_IDENTITY
}
