package io.kerasregistry.inference;

import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/** The table from Keras class name to translator: the one place a layer class is dispatched. */
final class Translators {

    private final Map<String, LayerTranslator> table = new HashMap<>();

    Translators() {
        CoreLayers.register(this);
        MergeLayers.register(this);
        ActivationLayers.register(this);
        ConvLayers.register(this);
        PoolingLayers.register(this);
        SpatialLayers.register(this);
        NormalizationLayers.register(this);
        RecurrentLayers.register(this);
        WrapperLayers.register(this);
        AttentionLayers.register(this);
    }

    void put(String className, LayerTranslator t) {
        if (table.put(className, t) != null) {
            throw new IllegalStateException("two translators for " + className);
        }
    }

    @Nullable
    LayerTranslator get(String className) {
        return table.get(className);
    }

    Set<String> names() {
        return Collections.unmodifiableSet(new TreeSet<>(table.keySet()));
    }

    /** A class Keras ships (in any era), as opposed to a user's custom layer. */
    boolean isKnownKerasClass(String className) {
        return table.containsKey(className) || KnownKerasClasses.NAMES.contains(className);
    }
}
