package io.kerasregistry.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;
import tools.jackson.databind.JsonNode;

/**
 * Every case under {@code src/test/resources/inference/cases}: the model is built by hand, run on
 * ND4J and compared with outputs numpy computed independently from Keras's layer definitions
 * ({@code tools/fixtures/make_inference_cases.py}).
 */
class NumpyCasesTest {

    static final Path CASES = Path.of("src/test/resources/inference/cases");

    private final InferenceEngine engine = new InferenceEngine();

    @TestFactory
    Stream<DynamicTest> numpyCases() throws IOException {
        List<Path> files;
        try (Stream<Path> s = Files.list(CASES)) {
            files = s.filter(p -> p.toString().endsWith(".json")).sorted().toList();
        }
        assertTrue(files.size() > 0, "no cases in " + CASES);
        return files.stream().map(f -> DynamicTest.dynamicTest(f.getFileName().toString(), () -> runCase(f)));
    }

    private void runCase(Path file) throws IOException {
        TestCase c = TestCase.load(file);
        JsonNode err = c.json().get("expect_error");
        if (err != null) {
            Exception e = assertThrows(InferenceException.class,
                    () -> engine.compile(c.model(), c.weights(), customs(c.json())).run(c.inputs(), false));
            for (JsonNode s : err) {
                assertTrue(e.getMessage().contains(s.asString()),
                        () -> "message lacks '" + s.asString() + "': " + e.getMessage());
            }
            return;
        }
        CompiledModel m = engine.compile(c.model(), c.weights(), customs(c.json()));
        ForwardResult r = m.run(c.inputs(), c.json().has("layer_outputs"));
        List<INDArray> actual = List.copyOf(r.outputs().values());
        assertEquals(c.outputs().size(), actual.size(), "number of outputs");
        for (int i = 0; i < actual.size(); i++) {
            Tolerance.assertClose(c.name() + " output " + i, c.outputs().get(i), actual.get(i));
        }
        JsonNode pen = c.json().get("penalty");
        if (pen != null) {
            Tolerance.assertClose(c.name() + " penalty total", pen.get("total").asDouble(), r.penalty().total());
            assertEquals(pen.get("terms").size(), r.penalty().terms().size(),
                    () -> "penalty terms: " + r.penalty().terms());
            for (int i = 0; i < pen.get("terms").size(); i++) {
                JsonNode t = pen.get("terms").get(i);
                PenaltyTerm a = r.penalty().terms().get(i);
                assertEquals(t.get("layer").asString(), a.layerPath());
                assertEquals(t.get("attribute").asString(), a.attribute());
                Tolerance.assertClose(c.name() + " penalty " + a, t.get("value").asDouble(), a.value());
            }
        }
        JsonNode lo = c.json().get("layer_outputs");
        if (lo != null) {
            for (var e : lo.properties()) {
                LayerOutput out = r.layerOutputs().stream().filter(l -> l.layerPath().equals(e.getKey())).findFirst()
                        .orElseThrow(() -> new AssertionError("no output recorded for " + e.getKey()));
                Tolerance.assertClose(c.name() + " layer " + e.getKey(), TestCase.array(e.getValue()),
                        out.outputs().get(0));
            }
        }
    }

    /** The test's own implementations of the custom objects cases name, written without the engine's code. */
    static CustomObjects customs(JsonNode json) {
        JsonNode spec = json.path("custom");
        return new CustomObjects() {
            @Override
            public Optional<CustomActivation> activation(String name) {
                String kind = spec.path("activations").path(name).asString("");
                if (kind.startsWith("builtin:")) {
                    // "builtin:gelu:approximate=1": the catalogue's alias of a custom name to a built-in
                    String[] parts = kind.split(":");
                    Map<String, Double> params = new java.util.HashMap<>();
                    for (int i = 2; i < parts.length; i++) {
                        String[] kv = parts[i].split("=");
                        params.put(kv[0], Double.parseDouble(kv[1]));
                    }
                    return BuiltinActivations.of(parts[1], params, 3);
                }
                return switch (kind) {
                    case "softplus" -> Optional.of(x -> Transforms.log(Transforms.exp(x, true).addi(1.0), false));
                    default -> Optional.empty();
                };
            }

            @Override
            public Optional<CustomRegularizer> regularizer(String name) {
                String kind = spec.path("regularizers").path(name).asString("");
                return switch (kind) {
                    case "factor_l1" -> Optional.of((cfg, w) -> cfg.path("factor").asDouble()
                            * Transforms.abs(w, true).sumNumber().doubleValue());
                    default -> Optional.empty();
                };
            }

            @Override
            public Optional<CustomLayer> layer(String name) {
                String kind = spec.path("layers").path(name).asString("");
                if (kind.equals("affine_activation")) {
                    // Hands-on ML's MyDense: activation(x @ kernel + bias), activation from the layer config
                    return Optional.of(new CustomLayer() {
                        @Override
                        public String name() {
                            return name;
                        }

                        @Override
                        public List<INDArray> forward(JsonNode config, List<INDArray> weights, List<INDArray> inputs) {
                            INDArray z = inputs.get(0).mmul(weights.get(0)).addRowVector(weights.get(1));
                            return List.of(switch (config.path("activation").asString("linear")) {
                                case "relu" -> Transforms.relu(z, true);
                                case "linear" -> z;
                                default -> throw new IllegalArgumentException(config.path("activation").toString());
                            });
                        }
                    });
                }
                if (!kind.equals("affine")) {
                    return Optional.empty();
                }
                return Optional.of(new CustomLayer() {
                    @Override
                    public String name() {
                        return name;
                    }

                    @Override
                    public List<INDArray> forward(JsonNode config, List<INDArray> weights, List<INDArray> inputs) {
                        return List.of(inputs.get(0).mmul(weights.get(0)).addRowVector(weights.get(1)));
                    }
                });
            }
        };
    }

    static Map<String, INDArray> inputsOf(TestCase c) {
        return c.inputs();
    }
}
