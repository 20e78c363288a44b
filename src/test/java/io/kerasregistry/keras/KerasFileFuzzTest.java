package io.kerasregistry.keras;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Coverage-guided fuzzing of the Keras reader with Jazzer: whatever bytes it is given, it describes a
 * model (whose weights then read back) or throws a {@link KerasFileException}; anything else thrown
 * (an {@code IndexOutOfBoundsException}, a {@code StackOverflowError}, an {@code OutOfMemoryError}) is
 * a finding.
 *
 * <p>Seeds: {@code src/test/resources/io/kerasregistry/keras/KerasFileFuzzTestInputs/readOrRefuse/}
 * (findings Jazzer writes there become regression inputs), plus, copied there at build time, the hostile
 * corpus, the generated fixtures and the real files of {@code ../shared/fixtures/keras-real} when present.
 * Without {@code JAZZER_FUZZ} each seed runs once as a test; the {@code fuzz-targets} build step sets it
 * and bounds the run with {@code -Dfuzz.duration} (see {@code docs/security.md}).
 */
class KerasFileFuzzTest {

    private static final long WEIGHT_ELEMENT_BUDGET = 1_000_000;

    private final KerasReader reader;
    private final Path file;

    KerasFileFuzzTest() throws IOException {
        Path directory = Files.createTempDirectory("keras-fuzz");
        directory.toFile().deleteOnExit();
        this.reader = new KerasReader(KerasReadLimits.defaults(), directory);
        this.file = directory.resolve("input");
        file.toFile().deleteOnExit();
    }

    @FuzzTest(maxDuration = "30s")
    void readOrRefuse(byte[] input) {
        try {
            Files.write(file, input);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        KerasModel model;
        try {
            model = reader.read(file);
        } catch (KerasFileException refused) {
            assertThat(refused.getMessage()).isNotBlank();
            return;
        }
        assertThat(model.layers()).isNotNull();
        if (model.weights().layers().isEmpty()) {
            return;
        }
        try (WeightData data = reader.openWeights(file, model)) {
            long budget = WEIGHT_ELEMENT_BUDGET;
            for (LayerWeights layer : model.weights().layers()) {
                for (WeightRef weight : layer.weights()) {
                    long n = weight.elementCount();
                    if (n <= budget) {
                        budget -= n;
                        assertThat(data.readFloats(weight)).hasSize((int) n);
                    }
                }
            }
        } catch (KerasFileException refused) {
            // damage only the weight values show (a chunk that does not inflate) is refused when read
            assertThat(refused.getMessage()).isNotBlank();
        }
    }
}
