package io.kerasregistry.validation.worker;

import io.kerasregistry.inference.CompiledModel;
import io.kerasregistry.inference.ForwardResult;
import io.kerasregistry.inference.InferenceEngine;
import io.kerasregistry.inference.InferenceException;
import io.kerasregistry.inference.LayerOutput;
import io.kerasregistry.inference.PenaltyTerm;
import io.kerasregistry.inference.RegularizationPenalty;
import io.kerasregistry.inference.UnsupportedModelFeaturesException;
import io.kerasregistry.keras.CustomObjectRef;
import io.kerasregistry.keras.Finding;
import io.kerasregistry.keras.KerasFileException;
import io.kerasregistry.keras.KerasModel;
import io.kerasregistry.keras.KerasReadLimits;
import io.kerasregistry.keras.KerasReader;
import io.kerasregistry.keras.Layer;
import io.kerasregistry.keras.Network;
import io.kerasregistry.keras.TensorSpec;
import io.kerasregistry.keras.WeightData;
import io.kerasregistry.validation.JobSpec;
import io.kerasregistry.validation.JobSpec.CatalogueEntry;
import io.kerasregistry.validation.WorkerReport;
import io.kerasregistry.validation.WorkerReport.Check;
import io.kerasregistry.validation.WorkerReport.MissingObject;
import io.kerasregistry.validation.WorkerReport.OutputStats;
import io.kerasregistry.validation.WorkerReport.Penalty;
import io.kerasregistry.validation.WorkerReport.ReferenceComparison;
import io.kerasregistry.validation.WorkerReport.UsedObject;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reloads a model the way Keras's {@code load_model} would, with the registered custom objects, and
 * runs it once. Each step is a {@link Check}; a failed step stops the steps that depend on it:
 * read → security scan → custom objects → build (every weight loaded, every shape checked) →
 * smoke test → reference comparison → regularization penalty.
 */
final class ValidationPipeline {

    /** Size given to dimensions a model leaves open, other than the batch (keras-oracle does the same). */
    private static final int OPEN_DIMENSION = 8;
    private static final double SOFTMAX_SUM_TOLERANCE = 1e-4;

    private final JobSpec spec;
    private final JsonMapper json;
    private final List<Check> checks = new ArrayList<>();
    private final List<MissingObject> missing = new ArrayList<>();
    private final List<OutputStats> outputs = new ArrayList<>();
    private @Nullable Penalty penalty;
    private @Nullable ReferenceComparison reference;
    private @Nullable CatalogueCustomObjects catalogue;

    ValidationPipeline(JobSpec spec, JsonMapper json) {
        this.spec = spec;
        this.json = json;
    }

    WorkerReport run() {
        KerasModel model = step("read", this::read);
        if (model == null || step("security-scan", () -> securityScan(model)) == null) {
            return finish();
        }
        catalogue = new CatalogueCustomObjects(spec.customObjects(), new PluginLayers(
                spec.pluginsPath() == null ? null : Path.of(spec.pluginsPath())), kerasMajor(model));
        if (step("custom-objects", () -> resolveCustomObjects(model)) == null) {
            return finish();
        }
        try (WeightData weights = reader().openWeights(Path.of(spec.modelFile()), model)) {
            CompiledModel compiled = step("build", () -> build(model, weights));
            if (compiled == null) {
                return finish();
            }
            ReferenceVectors vectors = spec.referenceFile() == null ? null : step("reference-load", this::loadReference);
            ForwardResult result = step("smoke-test", () -> smokeTest(model, compiled, vectors));
            if (result == null) {
                return finish();
            }
            if (vectors != null && !vectors.outputs().isEmpty()) {
                step("reference", () -> compare(vectors, result));
            } else {
                checks.add(new Check("reference", "SKIPPED", "no reference outputs were uploaded for this version", 0));
            }
            step("penalty", () -> penalty(result.penalty()));
        }
        return finish();
    }

    // ---- steps -------------------------------------------------------------------------------

    private Outcome<KerasModel> read() {
        Path file = Path.of(spec.modelFile());
        KerasModel model = spec.architectureFile() == null ? reader().read(file)
                : reader().read(file, Path.of(spec.architectureFile()));
        return Outcome.passed(model.modelClass() + " with " + model.layers().size() + " layers and "
                + model.paramCount() + " parameters, written by Keras " + model.kerasVersion(), model);
    }

    /** Keras 3's safe_mode: code and pickles in a file are refused, never run or unpickled. */
    private Outcome<Boolean> securityScan(KerasModel model) {
        List<Finding> unsafe = model.findings().stream().filter(f -> f.severity() == Finding.Severity.UNSAFE).toList();
        if (unsafe.isEmpty()) {
            return Outcome.passed("no Lambda code, pickled weights or unsafe module references", true);
        }
        String listed = unsafe.stream().map(f -> f.code() + (f.layerPath() == null ? "" : " in " + f.layerPath()) + ": "
                + f.message()).collect(Collectors.joining("; "));
        boolean pickles = unsafe.stream().anyMatch(f -> f.code().equals("NPZ_WEIGHTS"));
        if (spec.safeMode() || pickles) {
            return Outcome.failed("refused under safe mode (nothing was executed or unpickled): " + listed);
        }
        return Outcome.passed("safe mode is off; not executed, to be resolved through the catalogue: " + listed, true);
    }

    /**
     * Every name Keras would look up in {@code custom_objects}, resolved like {@code load_model}
     * would, and reported all at once with the request that registers each missing one.
     */
    private Outcome<Boolean> resolveCustomObjects(KerasModel model) {
        CatalogueCustomObjects objects = catalogue;
        Map<String, CustomObjectRef> seen = new LinkedHashMap<>();
        for (CustomObjectRef ref : model.customObjects()) {
            seen.putIfAbsent(ref.kind().slug() + "/" + ref.name() + "/" + ref.layerPath() + "/" + ref.attribute(), ref);
        }
        for (CustomObjectRef ref : seen.values()) {
            String kind = ref.kind().slug();
            if (kind.equals("model")) {
                // a subclassed model's own class: nothing to compute from it here
                continue;
            }
            var entry = objects.entry(kind, ref.name());
            if (entry.isPresent()) {
                objects.markUsed(entry.get());
            } else {
                missing.add(new MissingObject(kind, ref.name(), ref.layerPath(), ref.attribute(),
                        "PUT /api/v1/custom-objects/" + kind + "/" + ref.name()
                                + " with {\"implementation\": \"ALIAS\" | \"EXPRESSION\" | \"PLUGIN\" | \"INFERENCE_IDENTITY\", ...}"));
            }
        }
        if (!missing.isEmpty()) {
            return Outcome.failed(missing.stream().map(m -> "Unknown " + m.kind() + ": '" + m.name() + "'"
                    + (m.layer() == null ? "" : " (layer " + m.layer() + (m.attribute() == null ? "" : ", " + m.attribute()) + ")"))
                    .collect(Collectors.joining("; "))
                    + ". Please ensure you are using a keras.utils.custom_object_scope and that this object is included "
                    + "in the scope: register it in the catalogue (see missingObjects).");
        }
        return Outcome.passed(objects.used().isEmpty() ? "the model needs no custom objects"
                : "resolved " + objects.used().stream().map(e -> e.kind() + " '" + e.name() + "' (revision " + e.revision() + ")")
                .collect(Collectors.joining(", ")), true);
    }

    private Outcome<CompiledModel> build(KerasModel model, WeightData weights) {
        if (model.network() == null) {
            return Outcome.failed("a subclassed model (" + model.modelClass() + ") stores no layer graph; Keras itself "
                    + "needs the Python class to rebuild it, so the registry cannot run it");
        }
        CompiledModel compiled = new InferenceEngine().compile(model, weights, catalogue);
        return Outcome.passed("every weight loaded with the shape its layer expects", compiled);
    }

    private Outcome<ReferenceVectors> loadReference() throws IOException {
        ReferenceVectors vectors = ReferenceVectors.read(Path.of(spec.referenceFile()), json);
        return Outcome.passed(vectors.inputs().size() + " reference inputs, " + vectors.outputs().size()
                + " reference outputs", vectors);
    }

    private Outcome<ForwardResult> smokeTest(KerasModel model, CompiledModel compiled, @Nullable ReferenceVectors vectors) {
        Map<String, INDArray> inputs = vectors != null && !vectors.inputs().isEmpty()
                ? referenceInputs(compiled, vectors) : seededInputs(model, compiled);
        ForwardResult result = compiled.run(inputs, vectors != null && !vectors.layers().isEmpty());
        List<String> problems = new ArrayList<>();
        List<String> outputNames = new ArrayList<>(result.outputs().keySet());
        for (int i = 0; i < outputNames.size(); i++) {
            String name = outputNames.get(i);
            INDArray out = result.outputs().get(name);
            INDArray asDouble = out.castTo(DataType.DOUBLE);
            boolean finite = allFinite(asDouble);
            Double softmaxError = isSoftmaxOutput(model, name) ? softmaxSumError(asDouble) : null;
            List<Long> shape = java.util.Arrays.stream(out.shape()).boxed().toList();
            outputs.add(new OutputStats(name, shape, asDouble.minNumber().doubleValue(), asDouble.maxNumber().doubleValue(),
                    asDouble.length() == 0 ? Double.NaN : asDouble.meanNumber().doubleValue(), finite, softmaxError));
            if (!finite) {
                problems.add("output '" + name + "' has non-finite values" + firstNonFiniteLayer(result));
            }
            if (softmaxError != null && softmaxError > SOFTMAX_SUM_TOLERANCE) {
                problems.add(String.format(Locale.ROOT, "softmax output '%s' rows sum to 1 only within %.3g", name, softmaxError));
            }
            if (i < model.outputs().size()) {
                String mismatch = shapeMismatch(model.outputs().get(i), out.shape());
                if (mismatch != null) {
                    problems.add("output '" + name + "' " + mismatch);
                }
            }
        }
        String inputsUsed = vectors != null && !vectors.inputs().isEmpty() ? "the reference inputs"
                : "seeded inputs (seed " + spec.seed() + ", batch " + spec.batch() + ")";
        if (!problems.isEmpty()) {
            return Outcome.failed("ran on " + inputsUsed + ", but " + String.join("; ", problems));
        }
        return Outcome.passed("ran on " + inputsUsed + ": " + outputs.size() + " output(s), all finite, shapes as declared",
                result);
    }

    private Outcome<Boolean> compare(ReferenceVectors vectors, ForwardResult result) {
        double maxAbs = 0;
        String worst = null;
        boolean within = true;
        List<INDArray> got = new ArrayList<>(result.outputs().values());
        for (int i = 0; i < vectors.outputs().size(); i++) {
            ReferenceVectors.Tensor expected = vectors.outputs().get(i);
            INDArray actual = result.outputs().containsKey(expected.name()) ? result.outputs().get(expected.name())
                    : i < got.size() ? got.get(i) : null;
            if (actual == null) {
                return Outcome.failed("the model has no output '" + expected.name() + "' to compare with the reference");
            }
            if (!java.util.Arrays.equals(actual.shape(), expected.shape())) {
                return Outcome.failed("output '" + expected.name() + "' has shape " + java.util.Arrays.toString(actual.shape())
                        + ", the reference " + java.util.Arrays.toString(expected.shape()));
            }
            double[] values = actual.castTo(DataType.DOUBLE).dup('c').data().asDouble();
            for (int j = 0; j < values.length; j++) {
                double e = expected.data()[j];
                double diff = Math.abs(values[j] - e);
                if (Double.isNaN(e) && Double.isNaN(values[j])) {
                    continue;
                }
                if (!(diff <= spec.absoluteTolerance() + spec.relativeTolerance() * Math.abs(e))) {
                    within = false;
                }
                if (!(diff <= maxAbs)) {
                    maxAbs = Double.isNaN(diff) ? Double.POSITIVE_INFINITY : diff;
                    worst = expected.name();
                }
            }
        }
        String firstDivergent = null;
        String note = "no intermediate layer values in the reference, so the first divergent layer cannot be named";
        if (!vectors.layers().isEmpty()) {
            firstDivergent = firstDivergentLayer(vectors, result);
            note = firstDivergent == null ? "every intermediate layer in the reference is within tolerance"
                    : "intermediate layer values compared in execution order";
        }
        reference = new ReferenceComparison(within, maxAbs, spec.absoluteTolerance(), spec.relativeTolerance(), worst,
                firstDivergent, note);
        String figures = String.format(Locale.ROOT, "max |difference| %.3g (tolerance %.1g absolute + %.1g relative)",
                maxAbs, spec.absoluteTolerance(), spec.relativeTolerance());
        if (!within) {
            return Outcome.failed("outputs differ from the reference: " + figures
                    + (firstDivergent == null ? "" : "; first divergent layer: " + firstDivergent));
        }
        return Outcome.passed("outputs match the reference: " + figures, true);
    }

    private Outcome<Boolean> penalty(RegularizationPenalty computed) {
        List<Penalty.Term> terms = computed.terms().stream()
                .map((PenaltyTerm t) -> new Penalty.Term(t.layerPath(), t.attribute(), t.regularizer(), t.value())).toList();
        penalty = new Penalty(computed.total(), terms);
        if (!Double.isFinite(computed.total())) {
            return Outcome.failed("the regularization penalty of the stored weights is not finite: " + computed.total());
        }
        return Outcome.passed(terms.isEmpty() ? "the model has no regularizers"
                : String.format(Locale.ROOT, "%d regularized weight(s), total penalty %.9g", terms.size(), computed.total()),
                true);
    }

    // ---- inputs and outputs -------------------------------------------------------------------

    private Map<String, INDArray> referenceInputs(CompiledModel compiled, ReferenceVectors vectors) {
        Map<String, INDArray> inputs = new LinkedHashMap<>();
        List<String> names = compiled.inputNames();
        for (int i = 0; i < vectors.inputs().size(); i++) {
            ReferenceVectors.Tensor t = vectors.inputs().get(i);
            String name = names.contains(t.name()) ? t.name() : i < names.size() ? names.get(i) : t.name();
            inputs.put(name, Nd4j.createFromArray(t.data()).castTo(DataType.FLOAT).reshape('c', t.shape()));
        }
        return inputs;
    }

    /** Uniform values in [-1, 1); integer ids below the smallest Embedding vocabulary for integer inputs. */
    private Map<String, INDArray> seededInputs(KerasModel model, CompiledModel compiled) {
        SplittableRandom random = new SplittableRandom(spec.seed());
        Map<String, TensorSpec> declared = new LinkedHashMap<>();
        model.inputs().forEach(t -> declared.put(t.name(), t));
        int vocabulary = smallestVocabulary(model.network());
        Map<String, INDArray> inputs = new LinkedHashMap<>();
        for (String name : compiled.inputNames()) {
            TensorSpec t = declared.get(name);
            List<Long> dims = t == null || t.shape().isEmpty() ? List.of(null, (long) OPEN_DIMENSION) : t.shape();
            long[] shape = new long[dims.size()];
            for (int i = 0; i < shape.length; i++) {
                Long d = dims.get(i);
                shape[i] = i == 0 ? spec.batch() : d == null ? OPEN_DIMENSION : d;
            }
            long count = 1;
            for (long s : shape) {
                count = Math.multiplyExact(count, s);
            }
            boolean integer = t != null && t.dtype() != null && t.dtype().startsWith("int");
            float[] data = new float[Math.toIntExact(count)];
            for (int i = 0; i < data.length; i++) {
                data[i] = integer ? random.nextInt(vocabulary) : (float) (random.nextDouble() * 2 - 1);
            }
            inputs.put(name, Nd4j.createFromArray(data).reshape('c', shape));
        }
        return inputs;
    }

    private static int smallestVocabulary(@Nullable Network network) {
        int smallest = 10;
        if (network == null) {
            return smallest;
        }
        for (Layer layer : network.layers()) {
            if (layer.className().equals("Embedding") && layer.config().path("input_dim").isNumber()) {
                smallest = Math.min(smallest, Math.max(1, layer.config().path("input_dim").asInt()));
            }
            if (layer.nested() != null) {
                smallest = Math.min(smallest, smallestVocabulary(layer.nested()));
            }
        }
        return smallest;
    }

    private static boolean isSoftmaxOutput(KerasModel model, String outputName) {
        Network network = model.network();
        if (network == null) {
            return false;
        }
        String layerName = outputName.contains(":") ? outputName.substring(0, outputName.indexOf(':')) : outputName;
        for (Layer layer : network.layers()) {
            if (layer.name().equals(layerName)) {
                JsonNode activation = layer.config().path("activation");
                return layer.className().equals("Softmax") || (activation.isString() && activation.asString().equals("softmax"));
            }
        }
        return false;
    }

    private static boolean allFinite(INDArray values) {
        for (double v : values.dup('c').data().asDouble()) {
            if (!Double.isFinite(v)) {
                return false;
            }
        }
        return true;
    }

    private static double softmaxSumError(INDArray output) {
        if (output.rank() < 1 || output.length() == 0) {
            return 0;
        }
        INDArray sums = output.sum(output.rank() - 1);
        return org.nd4j.linalg.ops.transforms.Transforms.abs(sums.sub(1.0), false).maxNumber().doubleValue();
    }

    private static @Nullable String shapeMismatch(TensorSpec declared, long[] actual) {
        if (declared.shape().isEmpty()) {
            return null;
        }
        if (declared.shape().size() != actual.length) {
            return "has rank " + actual.length + ", the model declares " + declared.shape();
        }
        for (int i = 1; i < actual.length; i++) {
            Long d = declared.shape().get(i);
            if (d != null && d != actual[i]) {
                return "has shape " + java.util.Arrays.toString(actual) + ", the model declares " + declared.shape();
            }
        }
        return null;
    }

    private static String firstNonFiniteLayer(ForwardResult result) {
        for (LayerOutput layer : result.layerOutputs()) {
            for (INDArray out : layer.outputs()) {
                if (!allFinite(out.castTo(DataType.DOUBLE))) {
                    return " (first produced by layer " + layer.layerPath() + ")";
                }
            }
        }
        return "";
    }

    private @Nullable String firstDivergentLayer(ReferenceVectors vectors, ForwardResult result) {
        Map<String, ReferenceVectors.Tensor> expected = new LinkedHashMap<>();
        vectors.layers().forEach(t -> expected.put(t.name(), t));
        for (LayerOutput layer : result.layerOutputs()) {
            ReferenceVectors.Tensor e = expected.get(layer.layerPath());
            if (e == null || layer.outputs().isEmpty()) {
                continue;
            }
            double[] got = layer.outputs().get(0).castTo(DataType.DOUBLE).dup('c').data().asDouble();
            if (got.length != e.data().length) {
                return layer.layerPath();
            }
            for (int i = 0; i < got.length; i++) {
                if (!(Math.abs(got[i] - e.data()[i]) <= spec.absoluteTolerance() + spec.relativeTolerance() * Math.abs(e.data()[i]))) {
                    return layer.layerPath();
                }
            }
        }
        return null;
    }

    // ---- plumbing ------------------------------------------------------------------------------

    private WorkerReport finish() {
        List<UsedObject> used = catalogue == null ? List.of() : catalogue.used().stream()
                .map((CatalogueEntry e) -> new UsedObject(e.kind(), e.name(), e.revision(), e.implementation())).toList();
        Check failed = checks.stream().filter(c -> c.status().equals("ERROR")).findFirst()
                .or(() -> checks.stream().filter(c -> c.status().equals("FAILED")).findFirst()).orElse(null);
        String status = failed == null ? "PASSED" : failed.status();
        String summary = failed == null ? "loaded and ran: " + checks.stream().filter(c -> c.status().equals("PASSED"))
                .map(Check::name).collect(Collectors.joining(", ")) + " passed"
                : failed.name() + " failed: " + failed.message();
        return new WorkerReport(status, summary, List.copyOf(checks), List.copyOf(missing), used, List.copyOf(outputs),
                penalty, reference);
    }

    private <T> @Nullable T step(String name, StepBody<T> body) {
        long start = System.nanoTime();
        try {
            Outcome<T> outcome = body.run();
            checks.add(new Check(name, outcome.passed() ? "PASSED" : "FAILED", outcome.message(), millisSince(start)));
            return outcome.passed() ? outcome.value() : null;
        } catch (UnsupportedModelFeaturesException e) {
            checks.add(new Check(name, "FAILED", "the registry cannot compute: " + e.issues().stream()
                    .map(UnsupportedModelFeaturesException.Issue::summary).collect(Collectors.joining("; ")), millisSince(start)));
        } catch (InferenceException | KerasFileException | IOException e) {
            checks.add(new Check(name, "FAILED", e.getMessage(), millisSince(start)));
        } catch (RuntimeException e) {
            // a fault of the registry, not of the model: the version is not failed for it
            e.printStackTrace();
            checks.add(new Check(name, "ERROR", "the registry could not finish this step: " + e, millisSince(start)));
        }
        return null;
    }

    private static KerasReader reader() {
        return new KerasReader(KerasReadLimits.defaults());
    }

    private static int kerasMajor(KerasModel model) {
        String version = model.kerasVersion();
        if (version == null || version.isEmpty() || !Character.isDigit(version.charAt(0))) {
            return 2;
        }
        return version.charAt(0) - '0';
    }

    private static long millisSince(long start) {
        return (System.nanoTime() - start) / 1_000_000;
    }

    @FunctionalInterface
    private interface StepBody<T> {
        Outcome<T> run() throws IOException;
    }

    private record Outcome<T>(boolean passed, String message, @Nullable T value) {
        static <T> Outcome<T> passed(String message, @Nullable T value) {
            return new Outcome<>(true, message, value);
        }

        static <T> Outcome<T> failed(String message) {
            return new Outcome<>(false, message, null);
        }
    }
}
