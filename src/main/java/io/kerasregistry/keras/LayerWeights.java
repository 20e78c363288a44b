package io.kerasregistry.keras;

import java.util.List;

/**
 * The weights of one layer.
 *
 * @param layerPath the layer's path, as in {@link Layer#path()}
 * @param weights   the layer's weights in Keras's {@code layer.weights} order (trainable first, then
 *                  non-trainable: a BatchNormalization's gamma, beta, moving mean, moving variance)
 */
public record LayerWeights(String layerPath, List<WeightRef> weights) {

    public LayerWeights {
        weights = List.copyOf(weights);
    }
}
