package io.kerasregistry.inference;

import io.kerasregistry.keras.KerasModel;
import io.kerasregistry.keras.KerasReadLimits;
import io.kerasregistry.keras.KerasReader;
import io.kerasregistry.keras.LayerWeights;
import io.kerasregistry.keras.TensorSpec;
import io.kerasregistry.keras.WeightData;
import io.kerasregistry.keras.WeightRef;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Measures, for one model file: the time to read all its weights from the file (into an off-heap
 * buffer, nothing else), the time of one forward pass, and their ratio. Used by {@code bench/inference}.
 *
 * <pre>java -Xmx512m -cp ... io.kerasregistry.inference.InferenceBenchMain model.h5 [batch] [runs]</pre>
 */
public final class InferenceBenchMain {

    private InferenceBenchMain() {
    }

    public static void main(String[] args) {
        if (args.length < 1) {
            System.err.println("usage: InferenceBenchMain MODEL_FILE [batch=8] [runs=3]");
            System.exit(1);
        }
        Path file = Path.of(args[0]);
        int batch = args.length > 1 ? Integer.parseInt(args[1]) : 8;
        int runs = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        KerasReader reader = new KerasReader(KerasReadLimits.defaults());
        KerasModel model = reader.read(file);
        long bytes = 0;
        long largest = 0;
        for (LayerWeights lw : model.weights().layers()) {
            for (WeightRef w : lw.weights()) {
                bytes += 4 * w.elementCount();
                largest = Math.max(largest, w.elementCount());
            }
        }
        // reading alone: every weight into one reused direct buffer
        ByteBuffer direct = ByteBuffer.allocateDirect((int) (4 * largest)).order(ByteOrder.nativeOrder());
        long t0 = System.nanoTime();
        try (WeightData wd = reader.openWeights(file, model)) {
            for (LayerWeights lw : model.weights().layers()) {
                for (WeightRef w : lw.weights()) {
                    FloatBuffer fb = direct.clear().asFloatBuffer();
                    wd.readInto(w, fb);
                }
            }
        }
        double readSeconds = (System.nanoTime() - t0) / 1e9;
        direct = null;

        // ND4J's one-off native initialisation (about 2 s) is not part of loading the model
        Nd4j.scalar(0f).addi(1f);
        long t1 = System.nanoTime();
        CompiledModel compiled;
        try (WeightData wd = reader.openWeights(file, model)) {
            compiled = new InferenceEngine().compile(model, wd);
        }
        double compileSeconds = (System.nanoTime() - t1) / 1e9;

        Map<String, INDArray> inputs = new LinkedHashMap<>();
        for (TensorSpec spec : model.inputs()) {
            long[] shape = new long[spec.shape().size()];
            for (int i = 0; i < shape.length; i++) {
                Long d = spec.shape().get(i);
                shape[i] = i == 0 ? batch : d == null ? 8 : d;
            }
            // a fixed pattern, no random op: inputs in [-1, 1)
            INDArray x = Nd4j.linspace(-1, 1, (int) lengthOf(shape), DataType.FLOAT).reshape('c', shape);
            inputs.put(spec.name(), x);
        }
        List<Double> times = new ArrayList<>();
        for (int r = 0; r < runs; r++) {
            long t = System.nanoTime();
            ForwardResult out = compiled.run(inputs, false);
            out.outputs().values().forEach(INDArray::sumNumber);
            times.add((System.nanoTime() - t) / 1e9);
        }
        double forward = times.stream().sorted().toList().get(times.size() / 2);
        System.out.printf(Locale.ROOT,
                "%s: weights %.1f MB | read all weights %.3f s | forward pass (batch %d, median of %d) %.3f s | "
                        + "ratio forward/read %.2f | compile incl. loading into ND4J %.3f s | max heap %d MB, peak heap used %d MB%n",
                file.getFileName(), bytes / 1e6, readSeconds, batch, runs, forward, forward / readSeconds,
                compileSeconds, Runtime.getRuntime().maxMemory() >> 20, peakHeapMb());
    }

    private static long lengthOf(long[] shape) {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        return n;
    }

    private static long peakHeapMb() {
        long peak = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                peak += pool.getPeakUsage().getUsed();
            }
        }
        return peak >> 20;
    }
}
