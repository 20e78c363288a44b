package io.kerasregistry.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kerasregistry.keras.ModelFormat;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CapabilitiesTest {

    @Test
    void layerListIsTheTranslatorTable() {
        assertEquals(new InferenceEngine().translatedClasses(), Capabilities.layerClasses());
    }

    @Test
    void activationListIsTheActivationTable() {
        Set<String> k2 = new Activations(KerasFlavor.parse("2.15.0", ModelFormat.KERAS_H5)).names();
        Set<String> k3 = new Activations(KerasFlavor.parse("3.9.0", ModelFormat.KERAS_V3)).names();
        assertEquals(k2, k3);
        assertEquals(new java.util.TreeSet<>(k2), Capabilities.activations());
    }

    /**
     * The API process serves these lists and must never load ND4J: load the classes the API may touch
     * in a class loader that cannot see ND4J at all, and use them.
     */
    @Test
    void apiFacingClassesLoadWithoutNd4j() throws Exception {
        URL classes = Path.of("target/classes").toUri().toURL();
        try (URLClassLoader isolated = new URLClassLoader(new URL[] {classes}, ClassLoader.getPlatformClassLoader())) {
            assertThrows(ClassNotFoundException.class, () -> isolated.loadClass("org.nd4j.linalg.factory.Nd4j"));
            Class<?> caps = Class.forName("io.kerasregistry.inference.Capabilities", true, isolated);
            Set<?> layers = (Set<?>) caps.getMethod("layerClasses").invoke(null);
            Set<?> acts = (Set<?>) caps.getMethod("activations").invoke(null);
            assertTrue(layers.contains("Dense") && acts.contains("gelu"));
            assertEquals(Boolean.TRUE, caps.getMethod("supportsLayer", String.class).invoke(null, "Dense"));
            caps.getMethod("regularizers").invoke(null);
            Class<?> ex = Class.forName("io.kerasregistry.inference.UnsupportedModelFeaturesException", true, isolated);
            Class.forName("io.kerasregistry.inference.InferenceException", true, isolated);
            Class.forName("io.kerasregistry.inference.PenaltyTerm", true, isolated);
            Class.forName("io.kerasregistry.inference.RegularizationPenalty", true, isolated);
            Class<?> co = Class.forName("io.kerasregistry.inference.CustomObjects", true, isolated);
            Method none = co.getMethod("none");
            assertTrue(co.isInstance(none.invoke(null)));
            assertTrue(RuntimeException.class.isAssignableFrom(ex));
        }
    }
}
