package io.kerasregistry.keras;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.jhdf.api.Group;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The HDF5 access layer, through the channel path that files over 2 GiB take (no memory mapping),
 * which the other tests, on small files, do not reach.
 */
class Hdf5FileTest {

    @TempDir
    Path temp;

    private final KerasReadLimits limits = KerasReadLimits.defaults();

    /** Everything the H5 reader does with a file, opened without mapping. */
    private float[] readUnmapped(Path file) {
        try (Hdf5File h5 = Hdf5File.open(FileRegion.ofFileUnmapped(file), "HDF5 file")) {
            Group root = h5.root();
            String config = h5.stringAttribute(root, "model_config");
            ParsedModel parsed = new ConfigReader(limits).read(new KerasJson(limits).parse(config, "model_config"),
                    h5.stringAttribute(root, "keras_version"));
            Keras2Weights.Result result = Keras2Weights.read(h5, (Group) h5.child(root, "model_weights"),
                    "/model_weights", parsed, limits, new WeightBudget(limits));
            WeightData data = new H5WeightData(h5, limits);
            return data.readFloats(result.layers().get(0).weights().get(0));
        }
    }

    @Test
    void readsThroughTheChannelLikeThroughAMapping() {
        Path file = Fixtures.generated("k2_functional_custom_regularizer.h5");
        KerasReader reader = Fixtures.reader();
        KerasModel model = reader.read(file);
        try (WeightData mapped = reader.openWeights(file, model)) {
            assertThat(readUnmapped(file)).containsExactly(mapped.readFloats(model.weights().layers().get(0).weights().get(0)));
        }
        assertThat(readUnmapped(Fixtures.generated("k2_userblock.h5"))).hasSize(32);
    }

    @Test
    void refusesTruncatedFilesThroughTheChannel() {
        assertThatThrownBy(() -> readUnmapped(Fixtures.hostile("truncated.h5")))
                .isInstanceOf(CorruptModelException.class).hasMessageContaining("truncated");
        assertThatThrownBy(() -> readUnmapped(Fixtures.hostile("unallocated_weight.h5")))
                .isInstanceOf(CorruptModelException.class).hasMessageContaining("beyond the end of the file");
    }

    @Test
    void mutatedFilesFailCleanlyThroughTheChannel() throws IOException {
        byte[] original = Files.readAllBytes(Fixtures.generated("k2_functional_custom_regularizer.h5"));
        for (int seed = 0; seed < 150; seed++) {
            Random random = new Random(seed);
            byte[] data = original.clone();
            for (int i = 0, n = 1 + random.nextInt(12); i < n; i++) {
                int at = random.nextInt(random.nextBoolean() ? Math.min(4096, data.length) : data.length);
                data[at] = (byte) random.nextInt(256);
            }
            Path file = temp.resolve("m" + seed + ".h5");
            Files.write(file, data);
            int s = seed;
            assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
                try {
                    readUnmapped(file);
                } catch (KerasFileException expected) {
                    // the contract
                } catch (NullPointerException | ClassCastException e) {
                    // the helper above casts and dereferences without the readers' checks
                } catch (Throwable other) {
                    throw new AssertionError("seed " + s + ": " + other, other);
                }
            });
        }
    }

    @Test
    void readsStringAttributesOfEveryEncoding() {
        // vlen UTF-8 (k2_functional_custom_regularizer), vlen ASCII (k2_nested_shared), fixed-length (userblock)
        for (String name : new String[] {"k2_functional_custom_regularizer.h5", "k2_nested_shared.h5",
                "k2_userblock.h5", "k2_chunked_layer_names.h5"}) {
            try (Hdf5File h5 = Hdf5File.open(FileRegion.ofFile(Fixtures.generated(name)), name)) {
                assertThat(h5.stringAttribute(h5.root(), "keras_version")).as(name).startsWith("2.");
                assertThat(h5.stringAttribute(h5.root(), "model_config")).as(name).startsWith("{\"class_name\"");
                assertThat(h5.stringListAttribute(h5.child(h5.root(), "model_weights"), "layer_names", 100))
                        .as(name).isNotEmpty();
            }
        }
    }

    @Test
    void joinsChunkedListAttributes() {
        Path file = Fixtures.generated("k2_chunked_layer_names.h5");
        try (Hdf5File h5 = Hdf5File.open(FileRegion.ofFile(file), "chunked")) {
            Group weights = (Group) h5.child(h5.root(), "model_weights");
            assertThat(h5.hasAttribute(weights, "layer_names")).isFalse();
            assertThat(h5.stringListAttribute(weights, "layer_names", 100)).hasSize(4).contains("relu_1", "head", "many");
            assertThat(h5.stringListAttribute((Group) h5.child(weights, "many"), "weight_names", 100)).hasSize(2);
            assertThatThrownBy(() -> h5.stringListAttribute(weights, "layer_names", 2))
                    .isInstanceOf(ModelLimitExceededException.class);
            assertThat(h5.stringListAttribute(weights, "no_such", 100)).isNull();
        }
    }
}
