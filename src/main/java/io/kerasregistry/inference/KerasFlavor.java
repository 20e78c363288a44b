package io.kerasregistry.inference;

import io.kerasregistry.keras.KerasModel;
import io.kerasregistry.keras.ModelFormat;
import org.jspecify.annotations.Nullable;

/**
 * Which Keras wrote the model, where the numbers depend on it.
 *
 * @param major     1, 2 or 3
 * @param minor     the minor version when known, else -1
 * @param tfKeras   Keras 2 as shipped inside TensorFlow ({@code 2.x.y-tf}, or any 2.4+)
 */
record KerasFlavor(int major, int minor, boolean tfKeras) {

    static KerasFlavor of(KerasModel model) {
        return parse(model.kerasVersion(), model.format());
    }

    static KerasFlavor parse(@Nullable String version, ModelFormat format) {
        if (version == null || version.isBlank()) {
            // no version: a .keras zip is Keras 3; an unversioned h5 is most likely tf.keras
            return format == ModelFormat.KERAS_V3 ? new KerasFlavor(3, -1, false) : new KerasFlavor(2, -1, true);
        }
        String[] parts = version.trim().split("[.\\-+]");
        int major = parseOr(parts[0], 2);
        int minor = parts.length > 1 ? parseOr(parts[1], -1) : -1;
        boolean tf = major == 2 && (version.contains("-tf") || minor >= 4);
        return new KerasFlavor(major, minor, tf);
    }

    private static int parseOr(String s, int fallback) {
        try {
            return Integer.parseInt(s);
        } catch (NumberFormatException e) {
            return fallback;
        }
    }

    /** Keras 3 redefined {@code hard_sigmoid} as {@code relu6(x + 3) / 6}; before it was {@code clip(0.2x + 0.5)}. */
    boolean keras3HardSigmoid() {
        return major >= 3;
    }

    /**
     * tf.keras divides an activity penalty by the batch size; standalone Keras 1/2 never did, Keras 3
     * only from 3.14.
     */
    boolean activityPenaltyPerSample() {
        if (major == 3) {
            return minor >= 14;
        }
        return major == 2 && tfKeras;
    }

    /** Keras 3 counts regularizers of trainable weights only; Keras 2 counts every regularized weight. */
    boolean regularizesOnlyTrainable() {
        return major >= 3;
    }
}
