package io.kerasregistry.validation.plugins;

import io.kerasregistry.inference.CustomLayer;
import java.lang.reflect.Field;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;
import sun.misc.Unsafe;
import tools.jackson.databind.JsonNode;

/** A test-only plug-in layer that stands for a native fault: it writes to address 0 (SIGSEGV). */
public final class SegfaultLayer implements CustomLayer {

    @Override
    public String name() {
        return "Segfault";
    }

    @Override
    public List<INDArray> forward(JsonNode config, List<INDArray> weights, List<INDArray> inputs) {
        try {
            Field field = Unsafe.class.getDeclaredField("theUnsafe");
            field.setAccessible(true);
            ((Unsafe) field.get(null)).putAddress(0, 0);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
        throw new IllegalStateException("writing to address 0 did not crash the JVM");
    }
}
