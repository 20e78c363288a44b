package io.kerasregistry.keras;

/**
 * The upload is neither HDF5 nor a ZIP archive, or a ZIP that holds no Keras model: not something the
 * registry stores at all (the HTTP layer answers 415), as opposed to a damaged model file.
 */
public final class NotAModelFileException extends KerasFileException {

    public NotAModelFileException(String message) {
        super(message);
    }
}
