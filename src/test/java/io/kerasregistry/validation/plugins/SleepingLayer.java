package io.kerasregistry.validation.plugins;

import io.kerasregistry.inference.CustomLayer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;
import tools.jackson.databind.JsonNode;

/**
 * A test-only plug-in layer that stands for native code that never returns: it ignores interrupts
 * and sleeps {@code sleep_ms} (forever without it), then passes its input through. With
 * {@code marker} it first creates that file, so a test knows the job is inside the layer.
 */
public final class SleepingLayer implements CustomLayer {

    @Override
    public String name() {
        return "Sleeping";
    }

    @Override
    public List<INDArray> forward(JsonNode config, List<INDArray> weights, List<INDArray> inputs) {
        String marker = config.path("marker").asString("");
        if (!marker.isEmpty()) {
            try {
                Files.writeString(Path.of(marker), Long.toString(ProcessHandle.current().pid()));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        long end = System.nanoTime() + config.path("sleep_ms").asLong(Long.MAX_VALUE / 2_000_000) * 1_000_000;
        while (System.nanoTime() < end) {
            try {
                Thread.sleep(Math.max(1, Math.min(1000, (end - System.nanoTime()) / 1_000_000)));
            } catch (InterruptedException ignored) {
                // like native code: an interrupt changes nothing
            }
        }
        return List.of(inputs.get(0).dup());
    }
}
