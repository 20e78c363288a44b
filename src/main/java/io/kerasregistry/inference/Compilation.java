package io.kerasregistry.inference;

import io.kerasregistry.inference.UnsupportedModelFeaturesException.Issue;
import io.kerasregistry.inference.UnsupportedModelFeaturesException.Kind;
import io.kerasregistry.keras.CustomObjectKind;
import io.kerasregistry.keras.CustomObjectRef;
import io.kerasregistry.keras.KerasModel;
import io.kerasregistry.keras.Layer;
import io.kerasregistry.keras.LayerWeights;
import io.kerasregistry.keras.Network;
import io.kerasregistry.keras.RegularizerRef;
import io.kerasregistry.keras.WeightsManifest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;
import org.nd4j.linalg.api.ndarray.INDArray;
import tools.jackson.databind.JsonNode;

/** The state of compiling one model: what was built, and every problem found on the way. */
final class Compilation {

    final KerasFlavor flavor;
    final CustomObjects custom;
    final Activations activations;
    final List<Issue> issues = new ArrayList<>();
    final List<String> errors = new ArrayList<>();
    /** Every op with its weights, in model order, to load and prepare once the whole model checks out. */
    final List<Weights> weightsToLoad = new ArrayList<>();
    final List<LayerOp> ops = new ArrayList<>();
    /** Ops by layer path, for attributing regularizers. */
    final Map<String, LayerOp> opsByPath = new LinkedHashMap<>();
    final Map<String, String> classByPath = new HashMap<>();
    /** Paths of the layers called in a network (not wrapped inside another layer). */
    final java.util.Set<String> graphPaths = new java.util.HashSet<>();
    /** Whether each layer's weights are trainable, its enclosing models' flags included. */
    final Map<String, Boolean> trainableByPath = new HashMap<>();
    /** Activity regularizers by layer path, applied to every output of every call. */
    final Map<String, List<ActivityPenalty>> activityByPath = new HashMap<>();

    record ActivityPenalty(RegularizerRef ref, Penalties.Penalty penalty) {
    }

    private final Translators translators;
    private final WeightsManifest manifest;
    private final Map<String, String> customLayerNames = new HashMap<>();

    Compilation(KerasModel model, Translators translators, CustomObjects custom) {
        this.flavor = KerasFlavor.of(model);
        this.custom = custom;
        this.translators = translators;
        this.activations = new Activations(flavor);
        this.manifest = model.weights();
        for (CustomObjectRef ref : model.customObjects()) {
            if (ref.kind() == CustomObjectKind.LAYER && ref.layerPath() != null && ref.attribute() == null) {
                customLayerNames.put(ref.layerPath(), ref.name());
            }
        }
    }

    Weights weightsFor(String path) {
        Optional<LayerWeights> lw = manifest.forLayer(path);
        return lw.map(w -> new Weights(w.weights())).orElseGet(Weights::none);
    }

    boolean hasWeights(String path) {
        return manifest.forLayer(path).map(w -> !w.weights().isEmpty()).orElse(false);
    }

    /** Compiles a (possibly nested) network; problems are recorded, never thrown. */
    CompiledGraph compileNetwork(Network net, boolean trainable) {
        Map<String, LayerOp> ops = new LinkedHashMap<>();
        for (Layer layer : net.layers()) {
            trainableByPath.put(layer.path(), trainable && layer.trainable());
            graphPaths.add(layer.path());
            LayerOp op;
            if (layer.nested() != null) {
                CompiledGraph inner = compileNetwork(layer.nested(), trainable && layer.trainable());
                if (hasWeights(layer.path())) {
                    // weights attributed to the nested model as a whole would be silently ignored
                    errors.add("layer '" + layer.path() + "' (" + layer.className()
                            + "): weights are attributed to the nested model, not to its layers");
                }
                op = new GraphOp(inner);
                opsByPath.put(layer.path(), op);
                classByPath.put(layer.path(), layer.className());
            } else if (layer.calls().isEmpty() && isInputLayer(layer.className())) {
                continue;
            } else {
                op = translate(layer.className(), layer.path(), layer.config(), weightsFor(layer.path()), layer);
            }
            if (op != null) {
                ops.put(layer.name(), op);
            }
        }
        return CompiledGraph.build(net, ops, this);
    }

    /** Records a layer call's outputs when asked, and the activity penalties of its outputs. */
    void afterCall(String path, String className, int call, List<Tensor> out, RunState rs) {
        if (rs.keepLayerOutputs) {
            rs.layerOutputs.add(new LayerOutput(path, className, call, out.stream().map(Tensor::value).toList()));
        }
        List<ActivityPenalty> aps = activityByPath.get(path);
        if (aps == null) {
            return;
        }
        for (ActivityPenalty ap : aps) {
            for (Tensor t : out) {
                double v = ap.penalty().apply(t.value());
                if (flavor.activityPenaltyPerSample() && t.value().rank() > 0) {
                    v /= t.value().size(0);
                }
                rs.activityPenalties.add(new PenaltyTerm(path, ap.ref().attribute(), ap.ref().name(), v));
            }
        }
    }

    static boolean isInputLayer(String className) {
        return className.equals("InputLayer") || className.equals("Input");
    }

    /** The one dispatch point from a Keras class name to its translator. */
    @Nullable
    LayerOp translate(String className, String path, JsonNode config, Weights weights, @Nullable Layer layer) {
        classByPath.put(path, className);
        LayerContext ctx = new LayerContext(className, path, config, weights, this);
        LayerTranslator t = translators.get(className);
        LayerOp op;
        if (t != null) {
            int mark = ctx.issueMark();
            DTypePolicies.check(ctx);
            op = t.translate(ctx);
            if (ctx.hasIssuesSince(mark)) {
                op = null;
            }
        } else {
            String name = customLayerNames.getOrDefault(path, className);
            Optional<CustomLayer> cl = custom.layer(name);
            if (cl.isEmpty() && !name.equals(className)) {
                cl = custom.layer(className);
            }
            if (cl.isPresent()) {
                op = new CustomLayerOp(cl.get(), config, weights);
            } else if (translators.isKnownKerasClass(className)) {
                issues.add(new Issue(Kind.LAYER, path, className, className));
                op = null;
            } else {
                issues.add(new Issue(Kind.UNKNOWN_CUSTOM_OBJECT, path, className,
                        "Unknown layer: '" + name + "'. Please ensure you are using a "
                                + "`keras.utils.custom_object_scope` and that this object is included in the scope. "
                                + "(layer '" + path + "')"));
                op = null;
            }
        }
        if (op != null) {
            weightsToLoad.add(weights);
            ops.add(op);
            opsByPath.put(path, op);
        }
        return op;
    }

    /**
     * Resolves an activation written as a name, a Keras 3 / tf.keras 2.13+ serialized function
     * ({@code {"class_name": "function", "config": "relu"}}) or nothing (the default).
     */
    @Nullable
    UnaryOperator<INDArray> resolveActivation(@Nullable JsonNode raw, String def, String path, String className,
            String attribute) {
        String name;
        String lookup;
        if (raw == null || raw.isNull()) {
            name = def;
            lookup = def;
        } else if (raw.isString()) {
            name = raw.asString();
            lookup = name;
        } else if (raw.isObject()) {
            String cn = raw.path("class_name").asString("");
            JsonNode cfg = raw.get("config");
            String registered = raw.hasNonNull("registered_name") ? raw.get("registered_name").asString() : null;
            if (cn.equals("function") && cfg != null && cfg.isString()) {
                name = cfg.asString();
                lookup = registered != null && !registered.equals("function") ? registered : name;
            } else {
                issues.add(new Issue(Kind.OPTION, path, className, attribute + "=" + (cn.isEmpty() ? raw : cn)));
                return null;
            }
        } else {
            issues.add(new Issue(Kind.OPTION, path, className, attribute + "=" + raw));
            return null;
        }
        UnaryOperator<INDArray> builtIn = activations.builtIn(name);
        if (builtIn != null) {
            return builtIn;
        }
        Optional<CustomActivation> ca = custom.activation(lookup);
        if (ca.isEmpty() && !lookup.equals(name)) {
            ca = custom.activation(name);
        }
        if (ca.isPresent()) {
            CustomActivation f = ca.get();
            return f::apply;
        }
        issues.add(new Issue(Kind.UNKNOWN_CUSTOM_OBJECT, path, className, unknownMessage("activation", lookup)
                + " (layer '" + path + "', attribute '" + attribute + "')"));
        return null;
    }

    static String unknownMessage(String kind, String name) {
        return "Unknown " + kind + ": '" + name + "'. Please ensure you are using a "
                + "`keras.utils.custom_object_scope` and that this object is included in the scope. See "
                + "https://www.tensorflow.org/guide/keras/save_and_serialize#registering_the_custom_object for details.";
    }
}
