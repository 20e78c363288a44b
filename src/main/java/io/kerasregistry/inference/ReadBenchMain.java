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

/**
 * Times the Keras reader on one file, for {@code bench/metadata} and {@code bench/weights}: after
 * warm-up runs in the same JVM (the service is a long-lived JVM too), prints the seconds of each
 * timed run, one a line.
 *
 * <pre>
 * metadata FILE RUNS   what the upload path reads: attributes, config, every weight's shape
 * weights FILE RUNS    every weight's values into one reused direct buffer (no ND4J)
 * </pre>
 */
public final class ReadBenchMain {

    private static final int WARMUP = 10;

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
        for (int i = 0; i < WARMUP + runs; i++) {
            long t = System.nanoTime();
            if (weights) {
                readAll(reader, file, model, direct);
            } else {
                reader.read(file);
            }
            double seconds = (System.nanoTime() - t) / 1e9;
            if (i >= WARMUP) {
                System.out.printf(Locale.ROOT, "%.6f%n", seconds);
            }
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
