package io.kerasregistry.validation.plugins;

import io.kerasregistry.inference.CustomLayer;
import java.util.ArrayList;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;
import tools.jackson.databind.JsonNode;

/** A test-only plug-in layer that keeps allocating heap until the JVM runs out of memory. */
public final class AllocatingLayer implements CustomLayer {

    @Override
    public String name() {
        return "Allocating";
    }

    @Override
    public List<INDArray> forward(JsonNode config, List<INDArray> weights, List<INDArray> inputs) {
        List<long[]> hoard = new ArrayList<>();
        while (hoard.size() < Integer.MAX_VALUE) {
            hoard.add(new long[8 << 20]);
        }
        throw new IllegalStateException("allocated " + hoard.size() * 64L + " MiB without running out of memory");
    }
}
