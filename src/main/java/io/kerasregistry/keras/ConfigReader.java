package io.kerasregistry.keras;

import io.kerasregistry.keras.ParsedModel.Era;
import io.kerasregistry.keras.ParsedModel.WalkedLayer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Reads a model config ({@code {"class_name": ..., "config": ...}}) of any Keras era into a
 * {@link ParsedModel}: the layer list and the normalised {@link Network}.
 *
 * <p>The graph follows Keras's own loaders: {@code functional_from_config} and {@code deserialize_node}
 * in {@code keras/src/models/functional.py} (Keras 3: nodes as {@code {"args", "kwargs"}} holding
 * {@code __keras_tensor__} objects whose {@code keras_history} is {@code [layer, node, tensor]}),
 * {@code reconstruct_from_config} / {@code _deserialize_keras_tensors} in tf-keras
 * {@code tf_keras/engine/functional.py} (Keras 2: nodes as lists of {@code [layer, node, tensor, kwargs]},
 * tensors in kwargs as {@code [layer, node, tensor]}), and {@code Sequential.from_config} in both
 * (Keras 1 and Keras 2 up to 2.2.4 store a Sequential's config as a bare layer list).
 *
 * <p>Node indices are normalised to "the n-th call of that layer in this network". Keras 2 configs
 * count a nested Functional model's (and a built Sequential's) internal node first
 * ({@code _should_skip_first_node}); Keras 3 configs do so only in {@code input_layers} /
 * {@code output_layers} and only for Functional models ({@code Functional.get_config}). Where a
 * file's indices only fit the other convention, that one is used.
 */
final class ConfigReader {

    private static final List<String> WRAPPER_KEYS = List.of("layer", "forward_layer", "backward_layer", "cell");
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private final KerasReadLimits limits;

    ConfigReader(KerasReadLimits limits) {
        this.limits = limits;
    }

    ParsedModel read(JsonNode modelDict, @Nullable String kerasVersion) {
        if (!modelDict.isObject()) {
            throw new CorruptModelException("model config is not a JSON object");
        }
        String modelClass = BuiltIns.text(modelDict.get("class_name"));
        if (modelClass == null) {
            throw new CorruptModelException("model config has no class_name");
        }
        JsonNode config = modelDict.get("config");
        Era era = era(modelDict, kerasVersion);
        Context context = new Context(era);
        JsonNode layerList = layerList(modelDict);
        String modelName = config != null && config.isObject() ? BuiltIns.text(config.get("name")) : null;
        if (layerList == null) {
            return new ParsedModel(modelClass, modelName, true, era, null, List.of(), List.of(), List.of(),
                    List.of());
        }
        walkModel(modelDict, "", 0, true, false, context);
        Network network = buildNetwork(modelDict, "", 0, context);
        List<TensorSpec> inputs = new ArrayList<>();
        for (TensorRef input : network.inputs()) {
            Layer layer = find(network, input.layer());
            inputs.add(inputSpec(input.layer(), layer == null ? null : layer.config()));
        }
        List<String> outputNames = network.outputs().stream().map(TensorRef::layer).toList();
        return new ParsedModel(modelClass, modelName, false, era, network, context.walked, inputs, outputNames,
                context.findings);
    }

    private static final class Context {
        final Era era;
        final List<WalkedLayer> walked = new ArrayList<>();
        final List<Finding> findings = new ArrayList<>();
        final Map<JsonNode, Keras1Config.Converted> converted = new IdentityHashMap<>();
        final Set<String> usedInputNames = new HashSet<>();
        int layerCount;

        Context(Era era) {
            this.era = era;
        }
    }

    // ---------------------------------------------------------------- era

    static Era era(JsonNode modelDict, @Nullable String kerasVersion) {
        if (kerasVersion != null) {
            String v = kerasVersion.trim();
            if (v.startsWith("1.")) {
                return Era.KERAS1;
            }
            if (v.startsWith("2.")) {
                return Era.KERAS2;
            }
            if (v.startsWith("3.")) {
                return Era.KERAS3;
            }
        }
        if (modelDict.has("module") || modelDict.has("registered_name")) {
            return Era.KERAS3;
        }
        JsonNode layers = layerList(modelDict);
        if (layers != null) {
            for (JsonNode layer : layers) {
                if (layer.isObject() && (layer.has("module") || layer.has("registered_name"))) {
                    return Era.KERAS3;
                }
                JsonNode c = layer.get("config");
                if (c != null && c.isObject() && (c.has("output_dim") && !c.has("units") && !"Embedding".equals(
                        BuiltIns.text(layer.get("class_name"))) || c.has("border_mode") || c.has("W_regularizer")
                        || c.has("init") || c.has("nb_filter") || c.has("input_dtype"))) {
                    return Era.KERAS1;
                }
            }
        }
        return Era.KERAS2;
    }

    // ---------------------------------------------------------------- the walk (reference inspector order)

    /** The layer list of a model config: the bare list of Keras <= 2.2.4 Sequentials, or {@code config.layers}. */
    static @Nullable JsonNode layerList(JsonNode modelDict) {
        JsonNode config = modelDict.get("config");
        if (config == null) {
            return null;
        }
        if (config.isArray()) {
            return config;
        }
        if (config.isObject() && config.get("layers") != null && config.get("layers").isArray()) {
            return config.get("layers");
        }
        return null;
    }

    private void walkModel(JsonNode modelDict, String path, int depth, boolean trainable, boolean wrapped,
            Context context) {
        JsonNode layers = layerList(modelDict);
        if (layers == null) {
            return;
        }
        for (JsonNode layer : layers) {
            walkLayer(layer, path, depth, trainable, wrapped, context);
        }
    }

    private void walkLayer(JsonNode dict, String prefix, int depth, boolean parentTrainable, boolean wrapped,
            Context context) {
        if (!dict.isObject()) {
            return;
        }
        String className = className(dict);
        JsonNode rawConfig = dict.get("config");
        String name = rawConfig != null && rawConfig.isObject() ? nonEmpty(BuiltIns.text(rawConfig.get("name"))) : null;
        // as the reference inspector names it: the config's name, else the class name
        name = name != null ? name : className;
        String path = prefix.isEmpty() ? name : prefix + "/" + name;
        if (++context.layerCount > limits.maxLayers()) {
            throw new ModelLimitExceededException("the model has more than " + limits.maxLayers() + " layers");
        }
        Keras1Config.Converted converted = converted(dict, context);
        JsonNode config = converted == null ? (rawConfig == null ? JSON.objectNode() : rawConfig) : converted.config();
        boolean trainable = parentTrainable && flag(config, "trainable", true);
        context.walked.add(new WalkedLayer(path, name, className, dict, config,
                converted == null ? Map.of() : converted.originalNames(), trainable, wrapped));
        if (rawConfig == null || !rawConfig.isObject()) {
            return;
        }
        if (BuiltIns.isModelClass(className) || rawConfig.has("layers")) {
            if (depth + 1 > limits.maxNestingDepth()) {
                throw new ModelLimitExceededException("models are nested more than " + limits.maxNestingDepth()
                        + " deep");
            }
            walkModel(dict, path, depth + 1, trainable, wrapped, context);
        }
        for (String key : WRAPPER_KEYS) {
            JsonNode inner = rawConfig.get(key);
            if (inner != null && inner.isObject() && inner.has("class_name")) {
                if (depth + 1 > limits.maxNestingDepth()) {
                    throw new ModelLimitExceededException("layers are wrapped more than " + limits.maxNestingDepth()
                            + " deep");
                }
                walkLayer(inner, path, depth + 1, trainable, true, context);
            }
        }
    }

    private static String className(JsonNode dict) {
        String className = BuiltIns.text(dict.get("class_name"));
        if (className == null) {
            throw new CorruptModelException("a layer has no class_name: " + abbreviate(dict.toString()));
        }
        return className;
    }

    private Keras1Config.@Nullable Converted converted(JsonNode dict, Context context) {
        JsonNode config = dict.get("config");
        if (!(config instanceof ObjectNode objectConfig)) {
            return null;
        }
        Keras1Config.Converted known = context.converted.get(dict);
        if (known != null) {
            return known;
        }
        String className = className(dict);
        if (context.era != Era.KERAS1 || !BuiltIns.LAYERS.contains(className)) {
            return null;
        }
        Keras1Config.Converted converted = Keras1Config.convert(className, objectConfig);
        context.converted.put(dict, converted);
        return converted;
    }

    private JsonNode normalisedConfig(JsonNode dict, Context context) {
        Keras1Config.Converted converted = converted(dict, context);
        if (converted != null) {
            return converted.config();
        }
        JsonNode config = dict.get("config");
        return config == null ? JSON.objectNode() : config;
    }

    // ---------------------------------------------------------------- networks

    private Network buildNetwork(JsonNode modelDict, String prefix, int depth, Context context) {
        if (depth > limits.maxNestingDepth()) {
            throw new ModelLimitExceededException("models are nested more than " + limits.maxNestingDepth() + " deep");
        }
        JsonNode config = modelDict.get("config");
        String className = className(modelDict);
        String name = config != null && config.isObject() && BuiltIns.text(config.get("name")) != null
                ? BuiltIns.text(config.get("name")) : className;
        JsonNode layers = layerList(modelDict);
        if (layers == null) {
            throw new CorruptModelException("model " + name + " has no layer list");
        }
        boolean functional = config.isObject() && config.has("input_layers") && config.has("output_layers");
        return functional
                ? buildFunctional(name, className, config, layers, prefix, depth, context)
                : buildSequential(modelDict, name, className, layers, prefix, depth, context);
    }

    private static boolean isNestedNetwork(JsonNode dict) {
        if ("Merge".equals(BuiltIns.text(dict.get("class_name")))) {
            return false;
        }
        return layerList(dict) != null;
    }

    private record LayerParts(String name, String className, String path, JsonNode config, boolean trainable,
            @Nullable Network nested, JsonNode dict) {
    }

    private LayerParts parts(JsonNode dict, String prefix, int depth, Context context, boolean functional) {
        if (!dict.isObject()) {
            throw new CorruptModelException("a layer entry is not a JSON object: " + abbreviate(dict.toString()));
        }
        String className = className(dict);
        JsonNode rawConfig = dict.get("config");
        String name = rawConfig != null && rawConfig.isObject() ? nonEmpty(BuiltIns.text(rawConfig.get("name"))) : null;
        if (name == null) {
            name = nonEmpty(BuiltIns.text(dict.get("name")));
        }
        if (name == null) {
            if (functional) {
                throw new CorruptModelException("a " + className + " layer has no name");
            }
            name = className;
        }
        String path = prefix.isEmpty() ? name : prefix + "/" + name;
        JsonNode config = normalisedConfig(dict, context);
        Network nested = isNestedNetwork(dict) ? buildNetwork(dict, path, depth + 1, context) : null;
        return new LayerParts(name, className, path, config, flag(config, "trainable", true), nested, dict);
    }

    private Network buildSequential(JsonNode modelDict, String name, String className, JsonNode layers,
            String prefix, int depth, Context context) {
        List<Layer> out = new ArrayList<>();
        Set<String> names = new HashSet<>();
        TensorRef previous = null;
        List<TensorRef> inputs = new ArrayList<>();
        boolean first = true;
        for (JsonNode dict : layers) {
            LayerParts parts = parts(dict, prefix, depth, context, false);
            if (first) {
                first = false;
                if (isInputLayer(parts.className())) {
                    addUnique(names, parts.name(), name);
                    out.add(new Layer(parts.name(), parts.className(), parts.path(), parts.config(), parts.trainable(),
                            null, List.of()));
                    previous = new TensorRef(parts.name(), 0, 0);
                    inputs.add(previous);
                    continue;
                }
                JsonNode shape = firstNonNull(parts.config().get("batch_input_shape"), parts.config().get("batch_shape"),
                        modelDict.path("config").get("build_input_shape"),
                        modelDict.path("build_config").get("input_shape"));
                if ("Merge".equals(parts.className())) {
                    context.findings.add(new Finding("KERAS1_MERGE", Finding.Severity.WARNING,
                            "Keras 1 Merge layer joining Sequential branches: its branches are listed as layers but "
                                    + "not connected in the graph", parts.path()));
                } else if (shape != null && shape.isArray()) {
                    String inputName = synthesizedInputName(parts.name(), names, context);
                    ObjectNode inputConfig = JSON.objectNode();
                    inputConfig.set(context.era == Era.KERAS3 ? "batch_shape" : "batch_input_shape", shape);
                    JsonNode dtype = parts.config().get("dtype");
                    inputConfig.put("dtype", dtypeName(dtype) == null ? "float32" : dtypeName(dtype));
                    inputConfig.put("sparse", false);
                    inputConfig.put("name", inputName);
                    names.add(inputName);
                    out.add(new Layer(inputName, "InputLayer", prefix.isEmpty() ? inputName : prefix + "/" + inputName,
                            inputConfig, true, null, List.of()));
                    previous = new TensorRef(inputName, 0, 0);
                    inputs.add(previous);
                } else {
                    context.findings.add(new Finding("SEQUENTIAL_WITHOUT_INPUT", Finding.Severity.WARNING,
                            "Sequential model " + name + " records no input shape: its input is unknown",
                            prefix.isEmpty() ? null : prefix));
                }
            }
            addUnique(names, parts.name(), name);
            if (isInputLayer(parts.className())) {
                out.add(new Layer(parts.name(), parts.className(), parts.path(), parts.config(), parts.trainable(),
                        parts.nested(), List.of()));
                continue;
            }
            List<TensorRef> callInputs = previous == null ? List.of() : List.of(previous);
            out.add(new Layer(parts.name(), parts.className(), parts.path(), parts.config(), parts.trainable(),
                    parts.nested(), List.of(new Call(callInputs, Map.of()))));
            previous = new TensorRef(parts.name(), 0, 0);
        }
        List<TensorRef> outputs = previous == null ? List.of() : List.of(previous);
        return new Network(name, className, out, inputs, outputs);
    }

    /**
     * Keras names the input it creates for a Sequential without one after the first layer
     * ({@code layer.name + "_input"} in Keras 1/2, {@code Sequential.add}); Keras 3 builds an
     * auto-named {@code InputLayer} ({@code input_layer}, {@code input_layer_1}, ...).
     */
    private static String synthesizedInputName(String firstLayer, Set<String> names, Context context) {
        String base = context.era == Era.KERAS3 ? "input_layer" : firstLayer + "_input";
        String candidate = base;
        for (int i = 1; names.contains(candidate) || context.usedInputNames.contains(candidate); i++) {
            candidate = base + "_" + i;
        }
        context.usedInputNames.add(candidate);
        return candidate;
    }

    private static boolean isInputLayer(String className) {
        return className.equals("InputLayer") || className.equals("Input");
    }

    private static void addUnique(Set<String> names, String name, String model) {
        if (!names.add(name)) {
            throw new CorruptModelException("model " + model + " has two layers named " + name);
        }
    }

    // ---------------------------------------------------------------- functional graphs

    /** A reference as written in the file, before node indices are normalised. */
    private record RawRef(String layer, long node, long tensor, boolean output) {
    }

    private record RawCall(List<RawRef> inputs, List<RawRef> dependencies, Map<String, JsonNode> kwargs) {
    }

    private static final class RawLayer {
        final LayerParts parts;
        final List<RawCall> calls = new ArrayList<>();
        int offset;

        RawLayer(LayerParts parts) {
            this.parts = parts;
        }
    }

    private Network buildFunctional(String name, String className, JsonNode config, JsonNode layers, String prefix,
            int depth, Context context) {
        Map<String, RawLayer> byName = new LinkedHashMap<>();
        boolean keras3Nodes = false;
        for (JsonNode dict : layers) {
            LayerParts parts = parts(dict, prefix, depth, context, true);
            RawLayer raw = new RawLayer(parts);
            if (byName.putIfAbsent(parts.name(), raw) != null) {
                throw new CorruptModelException("model " + name + " has two layers named " + parts.name());
            }
            JsonNode nodes = dict.get("inbound_nodes");
            if (nodes == null || nodes.isNull()) {
                continue;
            }
            if (!nodes.isArray()) {
                throw new CorruptModelException("layer " + parts.path() + ": inbound_nodes is not a list");
            }
            for (JsonNode node : nodes) {
                if (node.isObject()) {
                    keras3Nodes = true;
                    raw.calls.add(keras3Call(node, parts.path()));
                } else if (node.isArray()) {
                    raw.calls.add(keras2Call(node, parts.path()));
                } else {
                    throw new CorruptModelException("layer " + parts.path() + ": an inbound node is neither a list "
                            + "nor an object");
                }
            }
        }
        List<RawRef> inputRefs = new ArrayList<>();
        collectLayerRefs(config.get("input_layers"), inputRefs, "input_layers of " + name, false);
        List<RawRef> outputRefs = new ArrayList<>();
        collectLayerRefs(config.get("output_layers"), outputRefs, "output_layers of " + name, true);

        // every reference to each layer, to settle node offsets of nested models
        Map<String, List<RawRef>> refsTo = new HashMap<>();
        for (RawLayer raw : byName.values()) {
            for (RawCall call : raw.calls) {
                for (RawRef ref : concat(call.inputs(), call.dependencies())) {
                    if (!byName.containsKey(ref.layer())) {
                        throw new CorruptModelException("layer " + raw.parts.path() + " takes input from layer "
                                + ref.layer() + ", which is not in model " + name);
                    }
                    refsTo.computeIfAbsent(ref.layer(), k -> new ArrayList<>()).add(ref);
                }
            }
        }
        for (RawRef ref : concat(inputRefs, outputRefs)) {
            if (!byName.containsKey(ref.layer())) {
                throw new CorruptModelException("model " + name + " names layer " + ref.layer()
                        + " as an input or output, but has no such layer");
            }
            refsTo.computeIfAbsent(ref.layer(), k -> new ArrayList<>()).add(ref);
        }
        for (RawLayer raw : byName.values()) {
            raw.offset = settleOffset(raw, refsTo.getOrDefault(raw.parts.name(), List.of()), keras3Nodes,
                    context, name);
        }

        List<Layer> out = new ArrayList<>();
        for (RawLayer raw : byName.values()) {
            List<Call> calls = new ArrayList<>();
            for (RawCall call : raw.calls) {
                List<TensorRef> inputs = new ArrayList<>();
                for (RawRef ref : call.inputs()) {
                    inputs.add(normalise(ref, byName, keras3Nodes));
                }
                calls.add(new Call(inputs, call.kwargs()));
            }
            LayerParts p = raw.parts;
            out.add(new Layer(p.name(), p.className(), p.path(), p.config(), p.trainable(), p.nested(),
                    isInputLayer(p.className()) ? List.of() : calls));
        }
        checkAcyclic(name, byName, keras3Nodes);
        boolean keras3 = keras3Nodes;
        List<TensorRef> inputs = inputRefs.stream().map(r -> normalise(r, byName, keras3)).toList();
        List<TensorRef> outputs = outputRefs.stream().map(r -> normalise(r, byName, keras3)).toList();
        return new Network(name, className, out, inputs, outputs);
    }

    private static <T> List<T> concat(List<T> a, List<T> b) {
        List<T> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    private enum NestedKind { NONE, FUNCTIONAL, SEQUENTIAL_BUILT, SEQUENTIAL_UNBUILT }

    private static NestedKind nestedKind(LayerParts parts) {
        if (parts.nested() == null) {
            return NestedKind.NONE;
        }
        JsonNode config = parts.dict().get("config");
        if (config != null && config.isObject() && config.has("input_layers")) {
            return NestedKind.FUNCTIONAL;
        }
        Network nested = parts.nested();
        boolean built = !nested.inputs().isEmpty();
        return built ? NestedKind.SEQUENTIAL_BUILT : NestedKind.SEQUENTIAL_UNBUILT;
    }

    /** The base offset of a reference to {@code raw} by the conventions of the node format. */
    private static int baseOffset(RawLayer raw, RawRef ref, boolean keras3Nodes) {
        NestedKind kind = nestedKind(raw.parts);
        if (keras3Nodes) {
            return ref.output() && kind == NestedKind.FUNCTIONAL ? 1 : 0;
        }
        return kind == NestedKind.FUNCTIONAL || kind == NestedKind.SEQUENTIAL_BUILT ? 1 : 0;
    }

    private static int settleOffset(RawLayer raw, List<RawRef> refs, boolean keras3Nodes, Context context,
            String model) {
        if (isInputLayer(raw.parts.className()) || refs.isEmpty()) {
            return 0;
        }
        int calls = raw.calls.size();
        int[] deltas = raw.parts.nested() == null ? new int[] {0} : new int[] {0, -1, 1};
        for (int delta : deltas) {
            boolean fits = true;
            for (RawRef ref : refs) {
                long index = ref.node() - baseOffset(raw, ref, keras3Nodes) - delta;
                if (index < 0 || index >= calls) {
                    fits = false;
                    break;
                }
            }
            if (fits) {
                return delta;
            }
        }
        RawRef bad = refs.stream()
                .filter(r -> r.node() - baseOffset(raw, r, keras3Nodes) < 0
                        || r.node() - baseOffset(raw, r, keras3Nodes) >= calls)
                .findFirst().orElse(refs.get(0));
        throw new CorruptModelException("model " + model + " uses node " + bad.node() + " of layer " + raw.parts.name()
                + ", which is called " + calls + " time(s)");
    }

    private static TensorRef normalise(RawRef ref, Map<String, RawLayer> byName, boolean keras3Nodes) {
        RawLayer target = byName.get(ref.layer());
        if (isInputLayer(target.parts.className())) {
            return new TensorRef(ref.layer(), 0, (int) ref.tensor());
        }
        long call = ref.node() - baseOffset(target, ref, keras3Nodes) - target.offset;
        return new TensorRef(ref.layer(), (int) call, (int) ref.tensor());
    }

    /** Kahn's algorithm over (layer, call) nodes: Keras itself loops or fails on a cyclic config. */
    private static void checkAcyclic(String model, Map<String, RawLayer> byName, boolean keras3Nodes) {
        Map<String, Integer> pending = new HashMap<>();
        Map<String, List<String>> consumers = new HashMap<>();
        for (RawLayer raw : byName.values()) {
            if (isInputLayer(raw.parts.className())) {
                continue;
            }
            for (int c = 0; c < raw.calls.size(); c++) {
                String node = raw.parts.name() + "#" + c;
                int count = 0;
                RawCall call = raw.calls.get(c);
                for (RawRef ref : concat(call.inputs(), call.dependencies())) {
                    TensorRef t = normalise(ref, byName, keras3Nodes);
                    if (isInputLayer(byName.get(t.layer()).parts.className())) {
                        continue;
                    }
                    consumers.computeIfAbsent(t.layer() + "#" + t.call(), k -> new ArrayList<>()).add(node);
                    count++;
                }
                pending.put(node, count);
            }
        }
        ArrayDeque<String> ready = new ArrayDeque<>();
        pending.forEach((node, count) -> {
            if (count == 0) {
                ready.add(node);
            }
        });
        int done = 0;
        while (!ready.isEmpty()) {
            String node = ready.poll();
            done++;
            for (String consumer : consumers.getOrDefault(node, List.of())) {
                if (pending.merge(consumer, -1, Integer::sum) == 0) {
                    ready.add(consumer);
                }
            }
        }
        if (done < pending.size()) {
            List<String> stuck = pending.entrySet().stream().filter(e -> e.getValue() > 0)
                    .map(e -> e.getKey().substring(0, e.getKey().lastIndexOf('#'))).distinct().sorted().limit(10)
                    .toList();
            throw new CorruptModelException("model " + model + " has a cyclic graph: layers " + stuck
                    + " depend on each other");
        }
    }

    /** A Keras 3 node: {@code {"args": [...], "kwargs": {...}}}. */
    private RawCall keras3Call(JsonNode node, String path) {
        List<RawRef> inputs = new ArrayList<>();
        List<RawRef> dependencies = new ArrayList<>();
        collectKerasTensors(node.get("args"), inputs, path);
        Map<String, JsonNode> kwargs = new LinkedHashMap<>();
        JsonNode kw = node.get("kwargs");
        if (kw != null && kw.isObject()) {
            TreeMap<String, JsonNode> sorted = new TreeMap<>();
            for (Map.Entry<String, JsonNode> e : kw.properties()) {
                kwargs.put(e.getKey(), e.getValue());
                sorted.put(e.getKey(), e.getValue());
            }
            sorted.forEach((key, value) ->
                    collectKerasTensors(value, key.equals("mask") ? dependencies : inputs, path));
        }
        return new RawCall(inputs, dependencies, kwargs);
    }

    private void collectKerasTensors(@Nullable JsonNode value, List<RawRef> out, String path) {
        if (value == null) {
            return;
        }
        if (value.isArray()) {
            for (JsonNode item : value) {
                collectKerasTensors(item, out, path);
            }
            return;
        }
        if (!value.isObject()) {
            return;
        }
        if ("__keras_tensor__".equals(BuiltIns.text(value.get("class_name")))) {
            JsonNode history = value.path("config").get("keras_history");
            if (history == null || history.isNull()) {
                return;
            }
            RawRef ref = triple(history, false);
            if (ref == null) {
                throw new CorruptModelException("layer " + path + ": invalid keras_history " + abbreviate(
                        history.toString()));
            }
            out.add(ref);
            return;
        }
        // __tuple__ and other wrappers hold their items in config.value; plain dicts flatten by sorted key
        if (value.has("class_name") && value.get("config") != null) {
            collectKerasTensors(value.get("config").get("value"), out, path);
            return;
        }
        new TreeMap<>(asMap(value)).values().forEach(v -> collectKerasTensors(v, out, path));
    }

    /** A Keras 1/2 node: a (possibly nested) list of {@code [layer, node, tensor(, kwargs)]}. */
    private RawCall keras2Call(JsonNode node, String path) {
        List<RawRef> inputs = new ArrayList<>();
        List<RawRef> dependencies = new ArrayList<>();
        JsonNode[] kwargs = new JsonNode[1];
        collectNodeData(node, inputs, kwargs, path);
        Map<String, JsonNode> kw = new LinkedHashMap<>();
        if (kwargs[0] != null) {
            TreeMap<String, JsonNode> sorted = new TreeMap<>();
            for (Map.Entry<String, JsonNode> e : kwargs[0].properties()) {
                kw.put(e.getKey(), e.getValue());
                sorted.put(e.getKey(), e.getValue());
            }
            sorted.forEach((key, value) -> collectKwargTensors(value, key.equals("mask") ? dependencies : inputs));
        }
        return new RawCall(inputs, dependencies, kw);
    }

    private void collectNodeData(JsonNode value, List<RawRef> out, JsonNode[] kwargs, String path) {
        if (value.isArray()) {
            if (isNodeData(value)) {
                if (value.size() == 4 && value.get(3).isObject() && (kwargs[0] == null || kwargs[0].isEmpty())) {
                    kwargs[0] = value.get(3);
                }
                if ("_CONSTANT_VALUE".equals(value.get(0).stringValue())) {
                    return;
                }
                out.add(triple(value, false));
                return;
            }
            for (JsonNode item : value) {
                collectNodeData(item, out, kwargs, path);
            }
            return;
        }
        if (value.isObject()) {
            new TreeMap<>(asMap(value)).values().forEach(v -> collectNodeData(v, out, kwargs, path));
            return;
        }
        throw new CorruptModelException("layer " + path + ": invalid inbound node " + abbreviate(value.toString()));
    }

    private void collectKwargTensors(JsonNode value, List<RawRef> out) {
        if (value.isArray()) {
            if (isNodeData(value) && !"_CONSTANT_VALUE".equals(value.get(0).stringValue())) {
                out.add(triple(value, false));
                return;
            }
            for (JsonNode item : value) {
                collectKwargTensors(item, out);
            }
        } else if (value.isObject()) {
            new TreeMap<>(asMap(value)).values().forEach(v -> collectKwargTensors(v, out));
        }
    }

    /** tf-keras {@code _is_serialized_node_data}: {@code [str, int, int]} or {@code [str, int, int, kwargs]}. */
    private static boolean isNodeData(JsonNode list) {
        return (list.size() == 3 || list.size() == 4) && list.get(0).isString() && list.get(1).isIntegralNumber()
                && (list.get(2).isIntegralNumber() || "_CONSTANT_VALUE".equals(list.get(0).stringValue()))
                && (list.size() == 3 || list.get(3).isObject() || list.get(3).isNull());
    }

    private static @Nullable RawRef triple(JsonNode list, boolean output) {
        if (!list.isArray() || list.size() < 3 || !list.get(0).isString() || !list.get(1).isIntegralNumber()
                || !list.get(2).isIntegralNumber()) {
            return null;
        }
        long node = list.get(1).asLong();
        long tensor = list.get(2).asLong();
        if (node < 0 || tensor < 0 || node > Integer.MAX_VALUE || tensor > Integer.MAX_VALUE) {
            throw new CorruptModelException("invalid tensor reference " + abbreviate(list.toString()));
        }
        return new RawRef(list.get(0).stringValue(), node, tensor, output);
    }

    /** {@code input_layers} / {@code output_layers}: one triple, a list, or a dict (flattened by sorted key). */
    private void collectLayerRefs(@Nullable JsonNode value, List<RawRef> out, String what, boolean output) {
        if (value == null || value.isNull()) {
            return;
        }
        if (value.isArray()) {
            RawRef leaf = value.size() == 3 && value.get(0).isString() ? triple(value, output) : null;
            if (leaf != null) {
                out.add(leaf);
                return;
            }
            for (JsonNode item : value) {
                collectLayerRefs(item, out, what, output);
            }
            return;
        }
        if (value.isObject()) {
            if (value.has("class_name") && value.get("config") != null) {
                collectLayerRefs(value.get("config").get("value"), out, what, output);
                return;
            }
            new TreeMap<>(asMap(value)).values().forEach(v -> collectLayerRefs(v, out, what, output));
            return;
        }
        throw new CorruptModelException(what + " is not a list of [layer, node, tensor]");
    }

    private static Map<String, JsonNode> asMap(JsonNode object) {
        Map<String, JsonNode> map = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : object.properties()) {
            map.put(e.getKey(), e.getValue());
        }
        return map;
    }

    // ---------------------------------------------------------------- inputs

    private static @Nullable Layer find(Network network, String name) {
        return network.layers().stream().filter(l -> l.name().equals(name)).findFirst().orElse(null);
    }

    static TensorSpec inputSpec(String name, @Nullable JsonNode config) {
        if (config == null) {
            return new TensorSpec(name, List.of(), null);
        }
        JsonNode shape = firstNonNull(config.get("batch_shape"), config.get("batch_input_shape"));
        return new TensorSpec(name, shape == null ? List.of() : shape(shape), dtypeName(config.get("dtype")));
    }

    static List<@Nullable Long> shape(JsonNode array) {
        List<@Nullable Long> dims = new ArrayList<>();
        if (array == null || !array.isArray()) {
            return dims;
        }
        for (JsonNode d : array) {
            dims.add(d.isIntegralNumber() ? d.asLong() : null);
        }
        return dims;
    }

    /** A dtype as a string: plain ({@code "float32"}) or Keras 3's {@code DTypePolicy} object. */
    static @Nullable String dtypeName(@Nullable JsonNode dtype) {
        if (dtype == null || dtype.isNull()) {
            return null;
        }
        if (dtype.isString()) {
            return dtype.stringValue();
        }
        if (dtype.isObject()) {
            return BuiltIns.text(dtype.path("config").get("name"));
        }
        return null;
    }

    private static @Nullable JsonNode firstNonNull(@Nullable JsonNode... nodes) {
        for (JsonNode node : nodes) {
            if (node != null && !node.isNull() && !node.isMissingNode()) {
                return node;
            }
        }
        return null;
    }

    private static @Nullable String nonEmpty(@Nullable String text) {
        return text == null || text.isEmpty() ? null : text;
    }

    static boolean flag(JsonNode config, String key, boolean fallback) {
        JsonNode value = config.get(key);
        return value != null && value.isBoolean() ? value.booleanValue() : fallback;
    }

    static String abbreviate(String text) {
        return text.length() <= 120 ? text : text.substring(0, 117) + "...";
    }
}
