package io.kerasregistry.keras;

/** The file declares more than {@link KerasReadLimits} allow: too deep, too many layers, a zip bomb. */
public final class ModelLimitExceededException extends KerasFileException {

    public ModelLimitExceededException(String message) {
        super(message);
    }
}
