package io.kerasregistry.keras;

import org.jspecify.annotations.Nullable;

/**
 * Something found in a file that a reviewer or the validation's security scan must see.
 *
 * @param code      a stable code ({@code LAMBDA_BYTECODE}, {@code NPZ_WEIGHTS}, {@code UNSAFE_MODULE}, ...)
 * @param severity  how it affects validation
 * @param message   what was found, for people
 * @param layerPath the layer concerned, when there is one
 */
public record Finding(String code, Severity severity, String message, @Nullable String layerPath) {

    /** {@code UNSAFE} findings fail validation under safe mode. */
    public enum Severity {
        INFO, WARNING, UNSAFE
    }
}
