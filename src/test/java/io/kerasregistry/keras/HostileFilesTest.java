package io.kerasregistry.keras;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Damaged and hostile files are refused with the right exception and a message naming the problem. */
class HostileFilesTest {

    @TempDir
    Path temp;

    private final KerasReader reader = Fixtures.reader();

    static Stream<Arguments> hostileFixtures() {
        return Stream.of(
                Arguments.of("truncated.h5", CorruptModelException.class, "HDF5 file truncated: superblock says"),
                Arguments.of("truncated.keras", CorruptModelException.class, "end of central directory not found"),
                Arguments.of("duplicate_entries.keras", CorruptModelException.class,
                        "duplicate zip entry model.weights.npz"),
                Arguments.of("hidden_entry.keras", CorruptModelException.class, "central directory does not list"),
                Arguments.of("zip_bomb.keras", ModelLimitExceededException.class, "zip bomb"),
                Arguments.of("path_traversal.keras", CorruptModelException.class, "path traversal"),
                Arguments.of("symlink.keras", CorruptModelException.class, "symbolic link"),
                Arguments.of("encrypted.keras", UnsupportedModelException.class, "encrypted"),
                Arguments.of("not_keras.zip", NotAModelFileException.class, "without config.json"),
                Arguments.of("huge_shape.h5", ModelLimitExceededException.class, "4398046511104 elements"),
                Arguments.of("unallocated_weight.h5", CorruptModelException.class, "beyond the end of the file"),
                Arguments.of("shape_contradiction.h5", CorruptModelException.class, "contradicts its config units=3"),
                Arguments.of("cyclic_graph.h5", CorruptModelException.class, "cyclic graph"),
                Arguments.of("missing_inbound.h5", CorruptModelException.class,
                        "takes input from layer ghost, which is not in model missing"),
                Arguments.of("deep_json.h5", ModelLimitExceededException.class, "nesting depth"),
                Arguments.of("not_a_model.txt", NotAModelFileException.class, "neither HDF5 nor a ZIP"),
                Arguments.of("lfs_pointer.h5", NotAModelFileException.class, "Git LFS pointer"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("hostileFixtures")
    void refusesHostileFixture(String name, Class<? extends KerasFileException> type, String message) {
        assertThatThrownBy(() -> reader.read(Fixtures.hostile(name))).isInstanceOf(type).hasMessageContaining(message);
    }

    @Test
    void refusesHundredThousandLayers() throws IOException {
        StringBuilder json = new StringBuilder("{\"class_name\": \"Sequential\", \"config\": {\"name\": \"s\", \"layers\": [");
        for (int i = 0; i < 100_000; i++) {
            json.append(i == 0 ? "" : ",").append("{\"class_name\": \"Dense\", \"config\": {\"name\": \"d")
                    .append(i).append("\", \"units\": 1}}");
        }
        json.append("]}}");
        Path architecture = temp.resolve("huge.json");
        Files.writeString(architecture, json);
        assertTimeoutPreemptively(Duration.ofSeconds(30), () ->
                assertThatThrownBy(() -> reader.read(Fixtures.generated("k2_pair.weights.h5"), architecture))
                        .isInstanceOf(ModelLimitExceededException.class)
                        .hasMessageContaining("more than 20000 layers"));
    }

    @Test
    void readsTheLargestAllowedGraphQuicklyEvenInReverseOrder() throws IOException {
        // 19,999 layers, each consuming the one after it in the config: worst case for ordering
        int n = 19_998;
        StringBuilder layers = new StringBuilder();
        for (int i = 0; i < n; i++) {
            String input = i == n - 1 ? "x" : "d" + (i + 1);
            layers.append("{\"class_name\": \"Dense\", \"name\": \"d").append(i).append("\", \"config\": {\"name\": \"d")
                    .append(i).append("\", \"units\": 2}, \"inbound_nodes\": [[[\"").append(input)
                    .append("\", 0, 0, {}]]]},");
        }
        layers.append("{\"class_name\": \"InputLayer\", \"name\": \"x\", \"config\": {\"name\": \"x\", "
                + "\"batch_input_shape\": [null, 2]}, \"inbound_nodes\": []}");
        String config = "{\"class_name\": \"Functional\", \"config\": {\"name\": \"long\", \"layers\": [" + layers
                + "], \"input_layers\": [[\"x\", 0, 0]], \"output_layers\": [[\"d0\", 0, 0]]}}";
        Path file = temp.resolve("long.keras");
        Files.write(file, new ZipBytes().stored("metadata.json", "{\"keras_version\": \"2.15.0\"}")
                .stored("config.json", config).build());
        KerasModel model = assertTimeoutPreemptively(Duration.ofSeconds(30), () -> reader.read(file));
        assertThat(model.layers()).hasSize(n + 1);
        assertThat(model.outputs().get(0).shape()).containsExactly(null, 2L);
    }

    @Test
    void refusesMoreZipEntriesThanTheLimit() throws IOException {
        KerasReader strict = new KerasReader(limits(3, 1 << 20, 100_000, 200));
        Path file = temp.resolve("many.keras");
        Files.write(file, new ZipBytes().stored("config.json", "{}").stored("metadata.json", "{}")
                .stored("a", "1").stored("b", "2").build());
        assertThatThrownBy(() -> strict.read(file)).isInstanceOf(ModelLimitExceededException.class)
                .hasMessageContaining("4 entries");
    }

    @Test
    void refusesAnEntryLargerThanTheLimit() throws IOException {
        KerasReader strict = new KerasReader(limits(100, 1000, 100_000, 200));
        Path file = temp.resolve("large.keras");
        Files.write(file, new ZipBytes().stored("config.json", "{\"pad\": \"" + "x".repeat(2000) + "\"}").build());
        assertThatThrownBy(() -> strict.read(file)).isInstanceOf(ModelLimitExceededException.class)
                .hasMessageContaining("config.json");
    }

    @Test
    void refusesAnEntryThatInflatesBeyondItsDeclaredSize() throws IOException {
        byte[] json = ("{\"class_name\": \"Sequential\", \"config\": {\"name\": \"s\", \"layers\": []}}"
                + " ".repeat(5000)).getBytes(StandardCharsets.UTF_8);
        Path file = temp.resolve("lying.keras");
        Files.write(file, new ZipBytes().deflatedDeclaring("config.json", json, 100).build());
        assertThatThrownBy(() -> reader.read(file)).isInstanceOf(CorruptModelException.class)
                .hasMessageContaining("more than the 100 bytes");
    }

    @Test
    void refusesAnEntryWhoseRealRatioExceedsTheLimit() throws IOException {
        byte[] zeros = new byte[8 << 20];
        Path file = temp.resolve("ratio.keras");
        // declares a modest size so that the directory check passes; the inflater sees the real ratio
        Files.write(file, new ZipBytes().stored("config.json", "{}")
                .deflatedDeclaring("model.weights.h5", zeros, zeros.length).build());
        KerasReader strict = new KerasReader(limits(100, 1L << 30, 100_000, 200), temp);
        assertThatThrownBy(() -> strict.read(file)).isInstanceOf(ModelLimitExceededException.class)
                .hasMessageContaining("zip bomb");
    }

    @Test
    void readsZip64Archives() throws IOException {
        Path source = Fixtures.generated("k3_functional_custom_regularizer.keras");
        Path file = temp.resolve("zip64.keras");
        try (var zip = new java.util.zip.ZipFile(source.toFile())) {
            ZipBytes bytes = new ZipBytes().zip64();
            for (String name : new String[] {"metadata.json", "config.json", "model.weights.h5"}) {
                bytes.stored(name, zip.getInputStream(zip.getEntry(name)).readAllBytes());
            }
            Files.write(file, bytes.build());
        }
        KerasModel model = reader.read(file);
        assertThat(model.paramCount()).isEqualTo(46);
        try (WeightData data = reader.openWeights(file, model)) {
            assertThat(data.readFloats(model.weights().layers().get(0).weights().get(0))).hasSize(32);
        }
    }

    @Test
    void refusesDuplicateNamesWrittenByHand() throws IOException {
        Path file = temp.resolve("dup.keras");
        Files.write(file, new ZipBytes().stored("config.json", "{}").stored("config.json", "{\"x\": 1}").build());
        assertThatThrownBy(() -> reader.read(file)).isInstanceOf(CorruptModelException.class)
                .hasMessageContaining("duplicate zip entry config.json");
    }

    @Test
    void appliesWeightLimits() {
        Path file = Fixtures.generated("k2_functional_custom_regularizer.h5");
        assertThatThrownBy(() -> new KerasReader(new KerasReadLimits(1 << 20, 100, 100, 8, 3, 1000, 10_000, 100,
                1 << 20, 200)).read(file)).isInstanceOf(ModelLimitExceededException.class)
                .hasMessageContaining("more than 3 weights");
        assertThatThrownBy(() -> new KerasReader(new KerasReadLimits(1 << 20, 100, 100, 8, 100, 16, 10_000, 100,
                1 << 20, 200)).read(file)).isInstanceOf(ModelLimitExceededException.class)
                .hasMessageContaining("more than the limit of 16");
        assertThatThrownBy(() -> new KerasReader(new KerasReadLimits(1 << 20, 100, 100, 8, 100, 1000, 40, 100,
                1 << 20, 200)).read(file)).isInstanceOf(ModelLimitExceededException.class)
                .hasMessageContaining("40 weight elements in all");
    }

    @Test
    void appliesConfigLimits() {
        Path file = Fixtures.generated("k3_functional_nested.keras");
        assertThatThrownBy(() -> new KerasReader(new KerasReadLimits(100, 100, 100, 8, 100, 1000, 10_000, 100,
                1 << 20, 200)).read(file)).isInstanceOf(ModelLimitExceededException.class)
                .hasMessageContaining("config.json");
        assertThatThrownBy(() -> new KerasReader(new KerasReadLimits(1 << 20, 100, 100, 0, 100, 1000, 10_000, 100,
                1 << 20, 200)).read(file)).isInstanceOf(ModelLimitExceededException.class)
                .hasMessageContaining("nested more than 0");
        assertThatThrownBy(() -> new KerasReader(new KerasReadLimits(1 << 20, 100, 4, 8, 100, 1000, 10_000, 100,
                1 << 20, 200)).read(file)).isInstanceOf(ModelLimitExceededException.class)
                .hasMessageContaining("more than 4 layers");
    }

    @Test
    void tellsWhatANonModelFileIs() throws IOException {
        Path empty = Files.createFile(temp.resolve("empty.h5"));
        assertThatThrownBy(() -> reader.read(empty)).isInstanceOf(NotAModelFileException.class)
                .hasMessageContaining("empty");
        Path json = Files.writeString(temp.resolve("model.keras"), "{\"class_name\": \"Sequential\"}");
        assertThatThrownBy(() -> reader.read(json)).isInstanceOf(NotAModelFileException.class)
                .hasMessageContaining("JSON");
        assertThatThrownBy(() -> reader.read(temp)).isInstanceOf(NotAModelFileException.class)
                .hasMessageContaining("directory");
        Path savedModel = Files.createDirectory(temp.resolve("saved"));
        Files.write(savedModel.resolve("saved_model.pb"), new byte[] {1});
        assertThatThrownBy(() -> reader.read(savedModel)).isInstanceOf(UnsupportedModelException.class)
                .hasMessageContaining("SavedModel");
    }

    @Test
    void refusesWeightsWithoutArchitecture() {
        assertThatThrownBy(() -> reader.read(Fixtures.generated("k2_pair.weights.h5")))
                .isInstanceOf(UnsupportedModelException.class).hasMessageContaining("weights-only");
        assertThatThrownBy(() -> reader.read(Fixtures.generated("k3_pair.weights.h5")))
                .isInstanceOf(UnsupportedModelException.class).hasMessageContaining(".weights.h5");
    }

    @Test
    void refusesAnArchitectureThatIsNotJson() {
        Path weights = Fixtures.generated("k2_pair.weights.h5");
        assertThatThrownBy(() -> reader.read(weights, weights)).isInstanceOf(NotAModelFileException.class)
                .hasMessageContaining("architecture file is an HDF5 file");
        assertThatThrownBy(() -> reader.read(Fixtures.generated("k2_pair.model.json"),
                Fixtures.generated("k2_pair.model.json"))).isInstanceOf(NotAModelFileException.class);
    }

    @Test
    void refusesAnArchitectureThatDoesNotFitTheWeights() throws IOException {
        Path architecture = Files.writeString(temp.resolve("other.json"), "{\"class_name\": \"Sequential\", \"config\": "
                + "{\"name\": \"s\", \"layers\": [{\"class_name\": \"Dense\", \"config\": {\"name\": \"only\", "
                + "\"units\": 2, \"batch_input_shape\": [null, 6]}}]}}");
        assertThatThrownBy(() -> reader.read(Fixtures.generated("k2_pair.weights.h5"), architecture))
                .isInstanceOf(CorruptModelException.class).hasMessageContaining("match no layer of the architecture");
    }

    private static KerasReadLimits limits(int entries, long entryBytes, int layers, int ratio) {
        KerasReadLimits d = KerasReadLimits.defaults();
        return new KerasReadLimits(d.maxJsonBytes(), d.maxJsonDepth(), layers, d.maxNestingDepth(), d.maxWeights(),
                d.maxWeightElements(), d.maxTotalWeightElements(), entries, entryBytes, ratio);
    }
}
