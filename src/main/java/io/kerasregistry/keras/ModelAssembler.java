package io.kerasregistry.keras;

import io.kerasregistry.keras.ParsedModel.WalkedLayer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/** Puts a parsed config, its weights manifest and what was found about both into a {@link KerasModel}. */
final class ModelAssembler {

    /** Layer classes that always hold weights in Keras 2 and 3. */
    private static final Set<String> WEIGHTED = Set.of("Dense", "Conv1D", "Conv2D", "Conv3D", "Conv1DTranspose",
            "Conv2DTranspose", "Conv3DTranspose", "DepthwiseConv1D", "DepthwiseConv2D", "SeparableConv1D",
            "SeparableConv2D", "Embedding", "LSTM", "GRU", "SimpleRNN", "BatchNormalization", "LayerNormalization",
            "Bidirectional", "EinsumDense", "PReLU");

    private ModelAssembler() {
    }

    static KerasModel assemble(ModelFormat format, @Nullable String kerasVersion, @Nullable String backend,
            JsonNode architecture, @Nullable JsonNode trainingConfig, ParsedModel parsed, List<LayerWeights> weights,
            List<Finding> weightFindings, boolean weightsPresent) {
        WeightChecks.check(parsed, weights);
        ObjectScanner.Result objects = ObjectScanner.scan(architecture, parsed, trainingConfig);

        Map<String, Long> params = new HashMap<>();
        for (LayerWeights layer : weights) {
            long sum = 0;
            for (WeightRef weight : layer.weights()) {
                sum += weight.elementCount();
            }
            params.merge(layer.layerPath(), sum, Long::sum);
        }
        ShapeInference shapes = parsed.network() == null ? null : new ShapeInference(parsed.network());
        List<LayerSummary> layers = new ArrayList<>();
        List<Finding> findings = new ArrayList<>(parsed.findings());
        for (WalkedLayer layer : parsed.layers()) {
            long count = params.getOrDefault(layer.path(), 0L);
            layers.add(new LayerSummary(layer.path(), layer.name(), layer.className(), layer.trainable(), count,
                    shapes == null ? null : shapes.describe(layer.path())));
            if (weightsPresent && count == 0 && !layer.wrapped() && !ancestorHoldsWeights(layer.path(), params)
                    && WEIGHTED.contains(Keras1Config.canonicalClassName(layer.className()))) {
                findings.add(new Finding("MISSING_WEIGHTS", Finding.Severity.WARNING, "layer " + layer.path() + " ("
                        + layer.className() + ") has no weights in the file", layer.path()));
            }
        }
        List<TensorSpec> outputs = new ArrayList<>();
        if (parsed.network() != null) {
            for (TensorRef output : parsed.network().outputs()) {
                outputs.add(new TensorSpec(output.layer(), shapes.shape(output), null));
            }
        }
        findings.addAll(weightFindings);
        findings.addAll(objects.findings());
        return new KerasModel(format, kerasVersion, backend, parsed.modelClass(), parsed.subclassed(), architecture,
                trainingConfig, parsed.network(), layers, parsed.inputs(), outputs, objects.regularizers(),
                objects.constraints(), objects.initializers(), distinct(objects.customObjects()),
                List.copyOf(new LinkedHashSet<>(findings)), new WeightsManifest(weights));
    }

    /** A nested model whose weights could not be split onto its layers holds them itself. */
    private static boolean ancestorHoldsWeights(String path, Map<String, Long> params) {
        for (int slash = path.lastIndexOf('/'); slash > 0; slash = path.lastIndexOf('/', slash - 1)) {
            if (params.getOrDefault(path.substring(0, slash), 0L) > 0) {
                return true;
            }
        }
        return false;
    }

    private static List<CustomObjectRef> distinct(List<CustomObjectRef> refs) {
        return List.copyOf(new LinkedHashSet<>(refs));
    }
}
