package io.kerasregistry.inference;

/**
 * The model cannot be run as stored: weights missing or of the wrong shape, inputs that do not fit,
 * a graph with a cycle. Imports nothing from ND4J, so the API process can handle it.
 */
public class InferenceException extends RuntimeException {

    public InferenceException(String message) {
        super(message);
    }

    public InferenceException(String message, Throwable cause) {
        super(message, cause);
    }
}
