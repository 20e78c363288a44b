package io.kerasregistry.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.kerasregistry.keras.KerasModel;
import io.kerasregistry.keras.KerasReadLimits;
import io.kerasregistry.keras.KerasReader;
import io.kerasregistry.keras.WeightData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.nd4j.linalg.api.ndarray.INDArray;
import tools.jackson.databind.JsonNode;

/**
 * The real-world files keras-oracle cannot run ({@code ../shared/fixtures/keras-real}, skipped when
 * absent):
 *
 * <ul>
 *   <li>layers or options tfjs lacks (Attention; GRU with {@code reset_after=True}) and models that need
 *       custom objects: compared with numpy references computed from the weights stored in each file
 *       ({@code make_oracle_fixtures.py --real}, {@code *.numpy.json}), custom objects supplied by this
 *       test;</li>
 *   <li>models nobody can run from the file alone (Lambda code, subclassed models, unregistered custom
 *       objects): refused with every missing piece named.</li>
 * </ul>
 */
class RealFixturesTest {

    static final Path REFS = Path.of("src/test/resources/inference/oracle/real");

    private final InferenceEngine engine = new InferenceEngine();
    private final KerasReader reader = new KerasReader(KerasReadLimits.defaults(), Path.of("target"));

    static Path model(String name) {
        Path p = OracleParityTest.REAL_MODELS.resolve(name);
        assumeTrue(Files.exists(p), () -> "real fixture not available: " + p);
        return p;
    }

    @TestFactory
    Stream<DynamicTest> numpyReferences() throws IOException {
        List<Path> refs;
        try (Stream<Path> s = Files.list(REFS)) {
            refs = s.filter(p -> p.getFileName().toString().endsWith(".numpy.json")).sorted().toList();
        }
        assertTrue(refs.size() >= 5);
        return refs.stream().map(r -> DynamicTest.dynamicTest(r.getFileName().toString(), () -> {
            String name = r.getFileName().toString().replace(".numpy.json", "");
            Path file = model(name);
            JsonNode ref = TestCase.MAPPER.readTree(Files.readString(r));
            KerasModel km = reader.read(file);
            try (WeightData wd = reader.openWeights(file, km)) {
                CompiledModel m = engine.compile(km, wd, NumpyCasesTest.customs(ref));
                Map<String, INDArray> inputs = new LinkedHashMap<>();
                int i = 0;
                for (JsonNode in : ref.get("inputs")) {
                    inputs.put(m.inputNames().get(i++), TestCase.array(in));
                }
                ForwardResult out = m.run(inputs, false);
                List<INDArray> actual = List.copyOf(out.outputs().values());
                assertEquals(ref.get("outputs").size(), actual.size());
                for (int o = 0; o < actual.size(); o++) {
                    Tolerance.assertClose(name + " output " + o, TestCase.array(ref.get("outputs").get(o)),
                            actual.get(o));
                }
                JsonNode pen = ref.get("penalty");
                if (pen != null) {
                    Tolerance.assertClose(name + " penalty", pen.get("total").asDouble(), out.penalty().total());
                    assertEquals(1, out.penalty().terms().size());
                    assertEquals("dense_1", out.penalty().terms().get(0).layerPath());
                }
            }
        }));
    }

    private UnsupportedModelFeaturesException refusal(String name) {
        Path file = model(name);
        KerasModel km = reader.read(file);
        try (WeightData wd = reader.openWeights(file, km)) {
            return assertThrows(UnsupportedModelFeaturesException.class, () -> engine.compile(km, wd));
        }
    }

    @Test
    void lambdaLayersAreRefusedByName() {
        UnsupportedModelFeaturesException e = refusal("k2.0.9_functional_lambda_rawbytecode.h5");
        assertTrue(e.getMessage().contains("Lambda in 'lambda_3', 'lambda_4'"), e.getMessage());
        e = refusal("k2.1.3_functional_lambda_base64.h5");
        assertTrue(e.getMessage().contains("Lambda in 'space_to_depth_x2'"), e.getMessage());
    }

    @Test
    void subclassedModelIsRefused() {
        Path file = model("k3.15_subclassed_nested_container.keras");
        KerasModel km = reader.read(file);
        try (WeightData wd = reader.openWeights(file, km)) {
            UnsupportedModelFeaturesException e = assertThrows(UnsupportedModelFeaturesException.class,
                    () -> engine.compile(km, wd));
            assertTrue(e.getMessage().contains("Unsupported: NestedDenseModel(subclassed model"), e.getMessage());
        }
    }

    @Test
    void unregisteredCustomLayerIsNamedLikeKeras() {
        UnsupportedModelFeaturesException e = refusal("tfk2.14_custom_layer.h5");
        assertTrue(e.getMessage().contains("Unknown layer: 'MyDense'"), e.getMessage());
        assertEquals(2, e.issues().size(), e.getMessage());
    }

    @Test
    void unregisteredCustomActivationAndRegularizerAreAllNamed() {
        for (String name : List.of("tfk2.14_custom_parts_newstyle.h5", "tfk2.3_custom_parts_subclass_regularizer.h5")) {
            UnsupportedModelFeaturesException e = refusal(name);
            assertTrue(e.getMessage().contains("Unknown activation: 'my_softplus'"), e.getMessage());
            assertTrue(e.getMessage().contains("Unknown regularizer: 'MyL1Regularizer'"), e.getMessage());
            assertTrue(e.getMessage().contains("layer 'dense_1', attribute 'activation'"), e.getMessage());
            assertTrue(e.getMessage().contains("attribute 'kernel_regularizer'"), e.getMessage());
        }
    }
}
