package io.kerasregistry.keras;

/** The file is damaged: truncated, not what its signature claims, or internally inconsistent. */
public final class CorruptModelException extends KerasFileException {

    public CorruptModelException(String message) {
        super(message);
    }

    public CorruptModelException(String message, Throwable cause) {
        super(message, cause);
    }
}
