package io.kerasregistry.inference;

import io.kerasregistry.inference.UnsupportedModelFeaturesException.Issue;
import io.kerasregistry.inference.UnsupportedModelFeaturesException.Kind;
import io.kerasregistry.keras.KerasModel;
import io.kerasregistry.keras.RegularizerRef;
import io.kerasregistry.keras.WeightData;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds a runnable forward pass from a {@link KerasModel} and its stored weights.
 *
 * <p>Compiling checks the whole model first and fails with every unsupported layer, option and
 * unresolved custom object at once ({@link UnsupportedModelFeaturesException}); only then are the
 * weights read, one at a time, into ND4J's off-heap memory. Nothing here runs weight initializers,
 * random ops or decompositions. Thread-safe: the engine holds only its translator table.
 */
public final class InferenceEngine {

    private final Translators translators = new Translators();

    public CompiledModel compile(KerasModel model, WeightData weights) {
        return compile(model, weights, CustomObjects.none());
    }

    public CompiledModel compile(KerasModel model, WeightData weights, CustomObjects custom) {
        if (model.subclassed() || model.network() == null) {
            throw new UnsupportedModelFeaturesException(List.of(new Issue(Kind.OPTION, "", model.modelClass(),
                    "subclassed model: its config holds no layer graph to rebuild")));
        }
        Compilation comp = new Compilation(model, translators, custom);
        CompiledGraph graph = comp.compileNetwork(model.network(), true);
        List<WeightPenalty> weightPenalties = new ArrayList<>();
        for (RegularizerRef ref : model.regularizers()) {
            String cls = comp.classByPath.getOrDefault(ref.layerPath(), "?");
            Penalties.Penalty p = Penalties.resolve(ref, custom, comp.flavor, comp.issues, cls);
            if (p == null) {
                continue;
            }
            if (Penalties.isWeightRegularizer(ref)) {
                weightPenalties.add(new WeightPenalty(ref, p));
            } else if (comp.graphPaths.contains(ref.layerPath())) {
                comp.activityByPath.computeIfAbsent(ref.layerPath(), k -> new ArrayList<>())
                        .add(new Compilation.ActivityPenalty(ref, p));
            } else {
                // a layer inside a wrapper: its outputs never pass through the graph where penalties are taken
                comp.issues.add(new Issue(Kind.OPTION, ref.layerPath(), cls, "activity_regularizer on a wrapped layer"));
            }
        }
        if (!comp.issues.isEmpty()) {
            throw new UnsupportedModelFeaturesException(comp.issues);
        }
        if (!comp.errors.isEmpty()) {
            throw new InferenceException(String.join("\n", comp.errors));
        }
        for (Weights w : comp.weightsToLoad) {
            w.load(weights);
        }
        for (LayerOp op : comp.ops) {
            op.prepare();
        }
        List<PenaltyTerm> terms = new ArrayList<>();
        for (WeightPenalty wp : weightPenalties) {
            terms.addAll(wp.evaluate(comp));
        }
        return new CompiledModel(model, graph, comp, RegularizationPenalty.of(terms));
    }

    /** Supported layer class names and activations; the same lists {@link Capabilities} serves. */
    java.util.Set<String> translatedClasses() {
        return translators.names();
    }

    private record WeightPenalty(RegularizerRef ref, Penalties.Penalty penalty) {

        /** A wrapped layer is as trainable as its wrapper. */
        static boolean trainable(Compilation comp, String path) {
            for (String p = path; ; p = p.substring(0, p.lastIndexOf('/'))) {
                Boolean t = comp.trainableByPath.get(p);
                if (t != null || p.lastIndexOf('/') < 0) {
                    return t == null || t;
                }
            }
        }

        List<PenaltyTerm> evaluate(Compilation comp) {
            LayerOp op = comp.opsByPath.get(ref.layerPath());
            if (op == null) {
                throw new InferenceException("regularizer " + ref.attribute() + " names layer '" + ref.layerPath()
                        + "', which the model does not have");
            }
            if (comp.flavor.regularizesOnlyTrainable() && !trainable(comp, ref.layerPath())) {
                return List.of();
            }
            String role = Penalties.role(ref.attribute());
            List<PenaltyTerm> out = new ArrayList<>();
            // a weight the layer does not have (bias_regularizer with use_bias=False) adds no loss, as in Keras
            for (var w : op.regularizedWeights().getOrDefault(role, List.of())) {
                out.add(new PenaltyTerm(ref.layerPath(), ref.attribute(), ref.name(), penalty.apply(w)));
            }
            return out;
        }
    }
}
