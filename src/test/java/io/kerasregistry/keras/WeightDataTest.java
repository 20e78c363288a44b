package io.kerasregistry.keras;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jhdf.HdfFile;
import io.jhdf.WritableHdfFile;
import io.jhdf.api.WritableGroup;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Weight values, one weight at a time, in every dtype and storage layout Keras files use. */
class WeightDataTest {

    @TempDir
    Path temp;

    private final KerasReader reader = Fixtures.reader();

    private static WeightRef weight(KerasModel model, String name) {
        return model.weights().layers().stream().flatMap(l -> l.weights().stream())
                .filter(w -> w.name().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void convertsEveryDtypeToFloat32() {
        Path weights = Fixtures.generated("known_values.weights.h5");
        KerasModel model = reader.read(weights, Fixtures.generated("known_values.model.json"));
        assertThat(model.weights().forLayer("probe").orElseThrow().weights()).extracting(WeightRef::name,
                WeightRef::dtype).containsExactly(
                org.assertj.core.groups.Tuple.tuple("f32:0", "float32"),
                org.assertj.core.groups.Tuple.tuple("f16:0", "float16"),
                org.assertj.core.groups.Tuple.tuple("f64:0", "float64"),
                org.assertj.core.groups.Tuple.tuple("i32:0", "int32"),
                org.assertj.core.groups.Tuple.tuple("u8:0", "uint8"),
                org.assertj.core.groups.Tuple.tuple("gzip:0", "float32"),
                org.assertj.core.groups.Tuple.tuple("bf16:0", "bfloat16"),
                org.assertj.core.groups.Tuple.tuple("scalar:0", "float32"));
        try (WeightData data = reader.openWeights(weights, model)) {
            assertThat(data.readFloats(weight(model, "f32:0"))).containsExactly(halves(12));
            assertThat(data.readFloats(weight(model, "f16:0"))).containsExactly(halves(6));
            assertThat(data.readFloats(weight(model, "f64:0"))).containsExactly(halves(5));
            assertThat(data.readFloats(weight(model, "i32:0"))).containsExactly(-2, -1, 0, 1, 2, 3);
            assertThat(data.readFloats(weight(model, "u8:0"))).containsExactly(250, 251, 252, 253, 254, 255);
            assertThat(data.readFloats(weight(model, "gzip:0"))).containsExactly(halves(64));
            assertThat(data.readFloats(weight(model, "bf16:0"))).containsExactly(0, 1, 2, 3, 4, 5);
            assertThat(data.readFloats(weight(model, "scalar:0"))).containsExactly(2.5f);
        }
    }

    @Test
    void streamsLargeWeightsIntoAnyBuffer() throws IOException {
        Path weights = temp.resolve("big.weights.h5");
        float[][] values = new float[600][1000];
        for (int i = 0; i < 600; i++) {
            for (int j = 0; j < 1000; j++) {
                values[i][j] = i * 1000 + j;
            }
        }
        try (WritableHdfFile file = HdfFile.write(weights)) {
            file.putAttribute("layer_names", new String[] {"big"});
            file.putAttribute("keras_version", "2.15.0");
            WritableGroup group = file.putGroup("big");
            group.putAttribute("weight_names", new String[] {"big/kernel:0"});
            group.putGroup("big").putDataset("kernel:0", values);
        }
        Path architecture = Files.writeString(temp.resolve("big.json"), "{\"class_name\": \"Sequential\", \"config\": "
                + "{\"name\": \"s\", \"layers\": [{\"class_name\": \"Dense\", \"config\": {\"name\": \"big\", "
                + "\"units\": 1000, \"use_bias\": false, \"batch_input_shape\": [null, 600]}}]}}");
        KerasModel model = reader.read(weights, architecture);
        WeightRef kernel = model.weights().layers().get(0).weights().get(0);
        assertThat(kernel.shape()).containsExactly(600L, 1000L);
        assertThat(model.paramCount()).isEqualTo(600_000);
        try (WeightData data = reader.openWeights(weights, model)) {
            FloatBuffer direct = ByteBuffer.allocateDirect(4 * 600_010).order(ByteOrder.nativeOrder()).asFloatBuffer();
            direct.position(10);
            data.readInto(kernel, direct);
            assertThat(direct.position()).isEqualTo(600_010);
            for (int i : new int[] {10, 10 + 262_143, 10 + 262_144, 600_009}) {
                assertThat(direct.get(i)).isEqualTo(i - 10);
            }
            float[] copy = data.readFloats(kernel);
            assertThat(copy[599_999]).isEqualTo(599_999f);
            assertThatThrownBy(() -> data.readInto(kernel, FloatBuffer.allocate(10)))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void refusesAFileThatIsNotTheOneRead() {
        KerasModel model = reader.read(Fixtures.generated("k2_functional_custom_regularizer.h5"));
        try (WeightData other = reader.openWeights(Fixtures.generated("k3_pair.weights.h5"), model)) {
            assertThatThrownBy(() -> other.readFloats(model.weights().layers().get(0).weights().get(0)))
                    .isInstanceOf(CorruptModelException.class).hasMessageContaining("no weight at");
        }
    }

    @Test
    void readsEveryWeightOfEveryGeneratedModel() {
        for (Path file : Fixtures.list(Fixtures.resource("generated"))) {
            String name = file.getFileName().toString();
            if (name.endsWith(".json") || name.contains("npz")) {
                continue;
            }
            KerasModel model = Fixtures.read(reader, file);
            long total = 0;
            try (WeightData data = reader.openWeights(file, model)) {
                for (LayerWeights layer : model.weights().layers()) {
                    for (WeightRef weight : layer.weights()) {
                        float[] values = data.readFloats(weight);
                        assertThat(values).as(name + " " + weight.location()).hasSize((int) weight.elementCount());
                        total += values.length;
                    }
                }
            }
            assertThat(total).as(name).isEqualTo(model.paramCount() + orphanElements(model));
        }
    }

    /** Weights listed under paths that are not layers (subclassed models) count in no layer summary. */
    private static long orphanElements(KerasModel model) {
        List<String> paths = model.layers().stream().map(LayerSummary::path).toList();
        return model.weights().layers().stream().filter(l -> !paths.contains(l.layerPath()))
                .flatMap(l -> l.weights().stream()).mapToLong(WeightRef::elementCount).sum();
    }

    private static float[] halves(int n) {
        float[] values = new float[n];
        for (int i = 0; i < n; i++) {
            values[i] = i * 0.5f;
        }
        return values;
    }
}
