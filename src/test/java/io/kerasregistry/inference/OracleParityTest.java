package io.kerasregistry.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.kerasregistry.keras.KerasModel;
import io.kerasregistry.keras.KerasReadLimits;
import io.kerasregistry.keras.KerasReader;
import io.kerasregistry.keras.WeightData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Parity with keras-oracle (TensorFlow.js, an independent port of Keras's layers): the model file is
 * read with {@link KerasReader}, run on the inputs the oracle fed, and compared with the oracle's
 * outputs within 1e-5 absolute + 1e-4 relative.
 *
 * <ul>
 *   <li>synthetic: files written by {@code tools/fixtures/make_oracle_fixtures.py} with h5py, committed
 *       with their oracle outputs;</li>
 *   <li>real: the real-world files in {@code ../shared/fixtures/keras-real} (not committed; skipped when
 *       absent), with only the oracle's outputs committed. Files the oracle refuses are covered by
 *       {@link RealFixturesTest}.</li>
 * </ul>
 */
class OracleParityTest {

    static final Path ORACLE = Path.of("src/test/resources/inference/oracle");
    static final Path REAL_MODELS = Path.of("..", "shared", "fixtures", "keras-real");

    private final InferenceEngine engine = new InferenceEngine();
    private final KerasReader reader = new KerasReader(KerasReadLimits.defaults(), Path.of("target"));

    @TestFactory
    Stream<DynamicTest> syntheticFiles() throws IOException {
        List<Path> outs = list(ORACLE);
        assertTrue(outs.size() > 0, "no oracle outputs in " + ORACLE);
        return outs.stream().map(o -> DynamicTest.dynamicTest(modelName(o), () -> {
            Path model = ORACLE.resolve(modelName(o));
            OracleOutput expected = OracleOutput.load(o);
            assertEquals(0, expected.json().path("oracle_exit_status").asInt(-1),
                    () -> "the oracle refused a synthetic fixture: " + expected.unsupported());
            check(model, expected, o.resolveSibling(modelName(o) + ".penalty.json"));
        }));
    }

    @TestFactory
    Stream<DynamicTest> realFiles() throws IOException {
        return list(ORACLE.resolve("real")).stream().map(o -> DynamicTest.dynamicTest(modelName(o), () -> {
            Path model = REAL_MODELS.resolve(modelName(o));
            assumeTrue(Files.exists(model), () -> "real fixture not available: " + model);
            OracleOutput expected = OracleOutput.load(o);
            assumeTrue(!expected.refused(), () -> "the oracle cannot run it (" + expected.unsupported()
                    + "); see RealFixturesTest");
            check(model, expected, o.resolveSibling(modelName(o) + ".penalty.json"));
        }));
    }

    static List<Path> list(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".oracle.json")).sorted().toList();
        }
    }

    static String modelName(Path oracleJson) {
        String f = oracleJson.getFileName().toString();
        return f.substring(0, f.length() - ".oracle.json".length());
    }

    /** Reads a model file (or a weights file with its {@code .model.json} architecture beside it). */
    KerasModel read(Path model) {
        String name = model.getFileName().toString();
        Path arch = model.resolveSibling(name.replaceFirst("\\.h5$", ".model.json"));
        return Files.exists(arch) && !arch.equals(model) ? reader.read(model, arch) : reader.read(model);
    }

    /**
     * Runs the model on the oracle's inputs and compares outputs; when the fixture generator computed the
     * weight penalty from the stored weights ({@code .penalty.json}), compares that too.
     */
    void check(Path modelFile, OracleOutput expected, Path penalty) throws IOException {
        KerasModel model = read(modelFile);
        try (WeightData wd = reader.openWeights(modelFile, model)) {
            CompiledModel m = engine.compile(model, wd);
            if (Files.exists(penalty)) {
                var p = TestCase.MAPPER.readTree(Files.readString(penalty));
                RegularizationPenalty actual = m.weightPenalty();
                Tolerance.assertClose(modelFile.getFileName() + " penalty", p.get("total").asDouble(), actual.total());
                assertEquals(p.get("terms").size(), actual.terms().size(), () -> "penalty terms " + actual.terms());
                for (int t = 0; t < actual.terms().size(); t++) {
                    var e = p.get("terms").get(t);
                    PenaltyTerm a = actual.terms().get(t);
                    assertEquals(e.get("layer").asString(), a.layerPath());
                    assertEquals(e.get("attribute").asString(), a.attribute());
                    Tolerance.assertClose(modelFile.getFileName() + " " + a, e.get("value").asDouble(), a.value());
                }
            }
            ForwardResult r = m.run(expected.inputs(), false);
            assertEquals(expected.outputs().size(), r.outputs().size(), "number of outputs");
            int i = 0;
            for (Map.Entry<String, INDArray> e : expected.outputs().entrySet()) {
                INDArray actual = r.outputs().containsKey(e.getKey()) ? r.outputs().get(e.getKey())
                        : List.copyOf(r.outputs().values()).get(i);
                Tolerance.assertClose(modelFile.getFileName() + " output " + e.getKey(), e.getValue(), actual);
                i++;
            }
        }
    }
}
