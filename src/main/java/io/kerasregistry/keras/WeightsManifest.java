package io.kerasregistry.keras;

import java.util.List;
import java.util.Optional;

/**
 * Where each layer's weights live in the file. Holds shapes and locations, never weight data.
 *
 * @param layers one entry per layer that has weights, in model order
 */
public record WeightsManifest(List<LayerWeights> layers) {

    public WeightsManifest {
        layers = List.copyOf(layers);
    }

    public static WeightsManifest empty() {
        return new WeightsManifest(List.of());
    }

    public Optional<LayerWeights> forLayer(String layerPath) {
        return layers.stream().filter(l -> l.layerPath().equals(layerPath)).findFirst();
    }
}
