package io.kerasregistry.keras;

/** How a model reached the registry; the same names are used by the HTTP API. */
public enum ModelFormat {
    /** A full model in HDF5: Keras 1, Keras 2, tf.keras and Keras 3's legacy {@code .h5} writer. */
    KERAS_H5,
    /** A Keras 3 (or tf.keras 2.13+) {@code .keras} zip. */
    KERAS_V3,
    /** Weights-only HDF5 ({@code save_weights}) together with an architecture JSON ({@code to_json}). */
    KERAS_WEIGHTS_H5
}
