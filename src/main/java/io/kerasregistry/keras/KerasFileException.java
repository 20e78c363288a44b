package io.kerasregistry.keras;

/**
 * A Keras file could not be read. Each subclass is a different answer to the user: the file is
 * damaged, valid but beyond what the registry reads, over a limit that keeps hostile files out, or
 * not a model file at all.
 */
public abstract sealed class KerasFileException extends RuntimeException
        permits CorruptModelException, UnsupportedModelException, ModelLimitExceededException,
        NotAModelFileException {

    protected KerasFileException(String message, Throwable cause) {
        super(message, cause);
    }

    protected KerasFileException(String message) {
        super(message);
    }
}
