package io.kerasregistry.inference;

import io.kerasregistry.keras.KerasModel;
import io.kerasregistry.keras.KerasReadLimits;
import io.kerasregistry.keras.KerasReader;
import io.kerasregistry.keras.LayerWeights;
import io.kerasregistry.keras.WeightData;
import io.kerasregistry.keras.WeightRef;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * Times the Keras reader on one file, for {@code bench/metadata} and {@code bench/weights}: after
 * warm-up runs in the same JVM (the service is a long-lived JVM too), prints the seconds of each
 * timed run, one a line. Warm means compiled: the warm-up repeats the work for
 * {@code -Dbench.warmup.seconds} (5) and at least 10 times, since a handful of runs leaves the JVM
 * interpreting the reader (5 ms instead of 1.5 ms for a 10 MB model's metadata).
 *
 * <pre>
 * metadata FILE RUNS   what the upload path reads: attributes, config, every weight's shape
 * weights FILE RUNS    every weight's values into one reused direct buffer (no ND4J)
 * </pre>
 */
public final class ReadBenchMain {

    private static final int MIN_WARMUP_RUNS = 10;

    private ReadBenchMain() {
    }

    public static void main(String[] args) {
        if (args.length < 3) {
            System.err.println("usage: ReadBenchMain metadata|weights FILE RUNS");
            System.exit(1);
        }
        Path file = Path.of(args[1]);
        int runs = Integer.parseInt(args[2]);
        KerasReader reader = new KerasReader(KerasReadLimits.defaults());
        boolean weights = args[0].equals("weights");
        KerasModel model = reader.read(file);
        ByteBuffer direct = weights ? ByteBuffer.allocateDirect((int) (4 * largest(model))).order(ByteOrder.nativeOrder()) : null;
        long warmUntil = System.nanoTime() + (long) (Double.parseDouble(System.getProperty("bench.warmup.seconds", "5")) * 1e9);
        for (int i = 0; i < MIN_WARMUP_RUNS || System.nanoTime() < warmUntil; i++) {
            once(reader, file, model, direct);
        }
        for (int i = 0; i < runs; i++) {
            long t = System.nanoTime();
            once(reader, file, model, direct);
            System.out.printf(Locale.ROOT, "%.6f%n", (System.nanoTime() - t) / 1e9);
        }
    }

    private static void once(KerasReader reader, Path file, KerasModel model, @Nullable ByteBuffer direct) {
        if (direct != null) {
            readAll(reader, file, model, direct);
        } else {
            reader.read(file);
        }
    }

    private static void readAll(KerasReader reader, Path file, KerasModel model, ByteBuffer direct) {
        try (WeightData data = reader.openWeights(file, model)) {
            for (LayerWeights layer : model.weights().layers()) {
                for (WeightRef w : layer.weights()) {
                    FloatBuffer target = direct.clear().asFloatBuffer();
                    data.readInto(w, target);
                }
            }
        }
    }

    private static long largest(KerasModel model) {
        long largest = 1;
        for (LayerWeights layer : model.weights().layers()) {
            for (WeightRef w : layer.weights()) {
                largest = Math.max(largest, w.elementCount());
            }
        }
        return largest;
    }
}
