package io.kerasregistry.keras;

import java.util.List;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * One layer of a {@link Network}.
 *
 * @param name      the layer's name, unique within its network
 * @param className the Keras class name as written ({@code Dense}, {@code Conv2D}, {@code MyDense})
 * @param path      the layer's path from the top model, {@code /}-separated ({@code sequential_1/dense})
 * @param config    the layer config with Keras 1 argument names mapped to their Keras 2/3 names
 *                  ({@code output_dim} to {@code units}, {@code W_regularizer} to
 *                  {@code kernel_regularizer}, ...); everything else as stored
 * @param trainable the layer's {@code trainable} flag
 * @param nested    the inner graph when this layer is itself a Sequential or Functional model
 * @param calls     each time the layer is called in its network, in node order (shared layers have
 *                  several); an input layer has none
 */
public record Layer(String name, String className, String path, JsonNode config, boolean trainable,
        @Nullable Network nested, List<Call> calls) {

    public Layer {
        calls = List.copyOf(calls);
    }

    /**
     * The Keras 2/3 class that {@link #className()} stands for. Class names are kept as written (a
     * Keras 1 file says {@code Convolution2D}); this maps Keras 1 names and the aliases Keras kept to
     * the class that defines the layer ({@code Convolution2D} and {@code AtrousConvolution2D} to
     * {@code Conv2D}, {@code Deconvolution2D} to {@code Conv2DTranspose}, {@code MaxPool2D} to
     * {@code MaxPooling2D}, ...). Other names, custom ones included, are returned unchanged.
     */
    public String canonicalClassName() {
        return Keras1Config.canonicalClassName(className);
    }
}
