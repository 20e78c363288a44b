package io.kerasregistry.keras;

/** The file is valid but uses something the registry does not read (a TF SavedModel, sharded weights). */
public final class UnsupportedModelException extends KerasFileException {

    public UnsupportedModelException(String message) {
        super(message);
    }

    public UnsupportedModelException(String message, Throwable cause) {
        super(message, cause);
    }
}
