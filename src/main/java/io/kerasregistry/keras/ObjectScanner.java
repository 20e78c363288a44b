package io.kerasregistry.keras;

import io.kerasregistry.keras.ParsedModel.WalkedLayer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * Finds, in a parsed config and its training config, the objects a reviewer and the validation need:
 * regularizers (normalised across eras), initializers, constraints, every name a Keras loader would
 * look up in {@code custom_objects}, and what a security scan must see (Lambda code, dangerous
 * {@code module} values, raw TensorFlow ops).
 *
 * <p>The serialized forms are those of {@code serialize_keras_object} in
 * {@code keras/src/saving/serialization_lib.py} (Keras 3 and tf.keras 2.13+: {@code module},
 * {@code class_name}, {@code config}, {@code registered_name}; plain functions as
 * {@code {"class_name": "function", "config": name}}), of tf-keras
 * {@code tf_keras/saving/legacy/serialization.py} (Keras 2: {@code class_name} and {@code config}, plain
 * functions as bare names), and of Keras 1 ({@code {"name": "WeightRegularizer", "l1", "l2"}}).
 * What counts as custom follows the maintainers' reference inspector ({@code tools/keras_inspect.py}).
 */
final class ObjectScanner {

    record Result(List<RegularizerRef> regularizers, List<ObjectRef> constraints, List<ObjectRef> initializers,
            List<CustomObjectRef> customObjects, List<Finding> findings) {
    }

    private static final double KERAS_DEFAULT_FACTOR = 0.01;
    private static final Pattern BASE64 = Pattern.compile("^[A-Za-z0-9+/=\\n]+$");
    private static final Set<String> KERAS1_REGULARIZERS = Set.of("WeightRegularizer", "ActivityRegularizer",
            "L1L2Regularizer");
    private static final Set<String> DANGEROUS_MODULES = Set.of("os", "posix", "nt", "subprocess", "sys", "shutil",
            "socket", "importlib", "runpy", "pty", "ctypes", "pickle", "cPickle", "_pickle", "dill", "marshal",
            "code", "codeop", "webbrowser", "multiprocessing", "commands", "popen2", "pathlib", "tempfile", "urllib",
            "urllib2", "urllib3", "http", "httplib", "requests", "ftplib", "smtplib", "telnetlib", "asyncio",
            "threading", "signal", "resource", "pdb", "timeit", "platform", "io", "fileinput", "glob", "zipfile",
            "tarfile", "shelve", "sqlite3", "inspect", "types", "gc", "operator", "functools", "pydoc", "imp",
            "zipimport", "site", "builtins.eval");
    private static final Set<String> DANGEROUS_BUILTINS = Set.of("eval", "exec", "execfile", "compile", "open",
            "file", "__import__", "getattr", "setattr", "delattr", "globals", "locals", "vars", "input", "breakpoint",
            "exit", "quit", "help", "memoryview", "reload", "__loader__", "__builtins__");
    private static final Set<String> KERAS_GADGETS = Set.of("get_file", "enable_unsafe_deserialization",
            "load_model", "save_model", "load_weights", "save_weights", "model_from_json", "model_from_yaml",
            "model_from_config", "deserialize_keras_object", "register_keras_serializable", "set_random_seed");
    private static final List<String> TF_GADGETS = List.of("write_file", "read_file", "writefile", "readfile",
            "py_func", "py_function", "numpy_function", "gfile", "system", "popen");

    private final List<RegularizerRef> regularizers = new ArrayList<>();
    private final List<ObjectRef> constraints = new ArrayList<>();
    private final List<ObjectRef> initializers = new ArrayList<>();
    private final List<CustomObjectRef> customObjects = new ArrayList<>();
    private final List<Finding> findings = new ArrayList<>();
    private final Set<JsonNode> layerDicts = Collections.newSetFromMap(new IdentityHashMap<>());

    private ObjectScanner() {
    }

    static Result scan(JsonNode architecture, ParsedModel model, @Nullable JsonNode trainingConfig) {
        ObjectScanner scanner = new ObjectScanner();
        for (WalkedLayer layer : model.layers()) {
            scanner.layerDicts.add(layer.dict());
        }
        for (WalkedLayer layer : model.layers()) {
            scanner.scanLayer(layer);
        }
        if (!BuiltIns.isModelClass(model.modelClass())) {
            scanner.customObjects.add(new CustomObjectRef(CustomObjectKind.MODEL,
                    lookupName(architecture, model.modelClass()), null, null, model.modelClass(),
                    BuiltIns.text(architecture.get("module")), architecture.get("config")));
        }
        scanner.scanModules(architecture, null, architecture);
        if (trainingConfig != null && trainingConfig.isObject()) {
            scanner.scanTraining(trainingConfig);
            scanner.scanModules(trainingConfig, null, trainingConfig);
        }
        return new Result(scanner.regularizers, scanner.constraints, scanner.initializers, scanner.customObjects,
                scanner.findings);
    }

    // ---------------------------------------------------------------- layers

    private void scanLayer(WalkedLayer layer) {
        JsonNode dict = layer.dict();
        String className = layer.className();
        if (!BuiltIns.LAYERS.contains(className) || BuiltIns.isCustomObject(dict)) {
            customObjects.add(new CustomObjectRef(CustomObjectKind.LAYER, lookupName(dict, className), layer.path(),
                    null, className, BuiltIns.text(dict.get("module")), dict.get("config")));
        }
        JsonNode rawConfig = dict.get("config");
        if (rawConfig == null || !rawConfig.isObject()) {
            return;
        }
        if (className.equals("Lambda")) {
            lambdaFinding(layer, rawConfig);
        }
        if (className.equals("TFOpLambda") || className.equals("SlicingOpLambda")) {
            String function = BuiltIns.text(rawConfig.get("function"));
            if (function != null && isTfGadget(function)) {
                findings.add(new Finding("UNSAFE_MODULE", Finding.Severity.UNSAFE, "layer " + layer.path()
                        + " calls TensorFlow function " + function + ", which reaches files or Python", layer.path()));
            } else {
                findings.add(new Finding("TF_OP_LAMBDA", Finding.Severity.WARNING, "layer " + layer.path()
                        + " calls TensorFlow function " + function + " directly (" + className
                        + "): it runs only with TensorFlow's semantics", layer.path()));
            }
        }
        Map<String, String> normalisedName = new HashMap<>();
        layer.originalNames().forEach((normalised, original) -> normalisedName.put(original, normalised));
        for (Map.Entry<String, JsonNode> entry : rawConfig.properties()) {
            String key = entry.getKey();
            JsonNode value = entry.getValue();
            if (value == null || value.isNull()) {
                continue;
            }
            String attribute = normalisedName.getOrDefault(key, key);
            if (key.endsWith("regularizer")) {
                regularizer(layer.path(), attribute, key, value);
            } else if (key.equals("activation") || key.equals("recurrent_activation")
                    || key.equals("inner_activation")) {
                activation(layer.path(), attribute, value);
            } else if (key.endsWith("_initializer") || key.endsWith("_init") || key.equals("init")) {
                initializerOrConstraint(layer.path(), attribute, value, CustomObjectKind.INITIALIZER, initializers);
            } else if (key.endsWith("_constraint")) {
                initializerOrConstraint(layer.path(), attribute, value, CustomObjectKind.CONSTRAINT, constraints);
            }
        }
        scanModules(dict, layer.path(), dict);
    }

    private void regularizer(String path, String attribute, String original, JsonNode value) {
        RegularizerKind kind;
        Double l1 = null;
        Double l2 = null;
        Double factor = null;
        String mode = null;
        String name;
        boolean custom = false;
        if (value.isString()) {
            name = value.stringValue();
            switch (name) {
                case "l1" -> {
                    kind = RegularizerKind.L1;
                    l1 = KERAS_DEFAULT_FACTOR;
                }
                case "l2" -> {
                    kind = RegularizerKind.L2;
                    l2 = KERAS_DEFAULT_FACTOR;
                }
                case "l1_l2" -> {
                    kind = RegularizerKind.L1L2;
                    l1 = KERAS_DEFAULT_FACTOR;
                    l2 = KERAS_DEFAULT_FACTOR;
                }
                case "orthogonal_regularizer" -> {
                    kind = RegularizerKind.ORTHOGONAL;
                    factor = KERAS_DEFAULT_FACTOR;
                    mode = "rows";
                }
                default -> {
                    kind = RegularizerKind.CUSTOM;
                    custom = !BuiltIns.REGULARIZERS.contains(name);
                }
            }
        } else if (value.isObject()) {
            String className = BuiltIns.text(value.get("class_name"));
            JsonNode config = value.get("config");
            if (className == null) {
                // Keras 1: {"name": "WeightRegularizer", "l1": ..., "l2": ...}
                name = BuiltIns.text(value.get("name"));
                if (name != null && KERAS1_REGULARIZERS.contains(name)) {
                    kind = RegularizerKind.L1L2;
                    l1 = number(value.get("l1"), 0.0);
                    l2 = number(value.get("l2"), 0.0);
                } else {
                    kind = RegularizerKind.CUSTOM;
                    custom = true;
                    name = name == null ? "unnamed" : name;
                }
            } else {
                name = lookupName(value, className);
                custom = !BuiltIns.REGULARIZERS.contains(className) || BuiltIns.isCustomObject(value);
                JsonNode c = config != null && config.isObject() ? config : null;
                if (custom) {
                    kind = RegularizerKind.CUSTOM;
                    factor = c == null ? null : number(c.get("factor"), null);
                } else {
                    switch (className) {
                        case "L1", "l1" -> {
                            kind = RegularizerKind.L1;
                            l1 = c == null ? KERAS_DEFAULT_FACTOR
                                    : number(c.get("l1"), number(c.get("l"), KERAS_DEFAULT_FACTOR));
                        }
                        case "L2", "l2" -> {
                            kind = RegularizerKind.L2;
                            l2 = c == null ? KERAS_DEFAULT_FACTOR
                                    : number(c.get("l2"), number(c.get("l"), KERAS_DEFAULT_FACTOR));
                        }
                        case "OrthogonalRegularizer", "orthogonal_regularizer" -> {
                            kind = RegularizerKind.ORTHOGONAL;
                            factor = c == null ? KERAS_DEFAULT_FACTOR : number(c.get("factor"), KERAS_DEFAULT_FACTOR);
                            mode = c == null || BuiltIns.text(c.get("mode")) == null ? "rows"
                                    : BuiltIns.text(c.get("mode"));
                        }
                        default -> {
                            // L1L2, l1_l2, L1L2Regularizer and Keras 1's names written in the class form
                            double fallback = className.equals("l1_l2") ? KERAS_DEFAULT_FACTOR : 0.0;
                            kind = RegularizerKind.L1L2;
                            l1 = c == null ? fallback : number(c.get("l1"), fallback);
                            l2 = c == null ? fallback : number(c.get("l2"), fallback);
                        }
                    }
                }
            }
        } else {
            kind = RegularizerKind.CUSTOM;
            custom = true;
            name = value.toString();
        }
        regularizers.add(new RegularizerRef(path, attribute, original, kind, l1, l2, factor, mode, name, value));
        if (custom) {
            customObjects.add(customRef(CustomObjectKind.REGULARIZER, name, path, attribute, value));
        }
    }

    private void activation(String path, String attribute, JsonNode value) {
        if (value.isString()) {
            if (!BuiltIns.ACTIVATIONS.contains(value.stringValue())) {
                customObjects.add(customRef(CustomObjectKind.ACTIVATION, value.stringValue(), path, attribute, value));
            }
            return;
        }
        if (value.isObject()) {
            String className = BuiltIns.text(value.get("class_name"));
            boolean function = "function".equals(className);
            String inner = function ? BuiltIns.text(value.get("config")) : null;
            if (BuiltIns.isCustomObject(value) || (function && (inner == null || !BuiltIns.ACTIVATIONS.contains(inner)))) {
                String name = className == null ? "unnamed" : lookupName(value, className);
                customObjects.add(customRef(CustomObjectKind.ACTIVATION, name, path, attribute, value));
            }
        }
    }

    private void initializerOrConstraint(String path, String attribute, JsonNode value, CustomObjectKind kind,
            List<ObjectRef> into) {
        boolean custom;
        String name;
        if (value.isString()) {
            name = value.stringValue();
            custom = !BuiltIns.INITIALIZER_CONSTRAINT_NAMES.contains(name);
        } else if (value.isObject()) {
            String className = BuiltIns.text(value.get("class_name"));
            // Keras 1 constraints are {"name": "MaxNorm", ...}
            name = className == null ? String.valueOf(BuiltIns.text(value.get("name"))) : lookupName(value, className);
            custom = BuiltIns.isCustomObject(value);
        } else {
            name = value.toString();
            custom = false;
        }
        into.add(new ObjectRef(path, attribute, name, !custom, value));
        if (custom) {
            customObjects.add(customRef(kind, name, path, attribute, value));
        }
    }

    private static CustomObjectRef customRef(CustomObjectKind kind, String name, @Nullable String path,
            @Nullable String attribute, JsonNode value) {
        String className = value.isObject() ? BuiltIns.text(value.get("class_name")) : null;
        String module = value.isObject() ? BuiltIns.text(value.get("module")) : null;
        JsonNode config = value.isObject() ? value.get("config") : null;
        return new CustomObjectRef(kind, name, path, attribute, className == null ? name : className, module, config);
    }

    /**
     * The name Keras looks up: a plain function's name, else {@code registered_name} (which is
     * {@code package>Name} for registered classes), else the class name.
     */
    static String lookupName(JsonNode object, String className) {
        if (className.equals("function")) {
            String function = BuiltIns.text(object.get("config"));
            if (function != null) {
                return function;
            }
        }
        String registered = BuiltIns.text(object.get("registered_name"));
        return registered != null && !registered.isEmpty() && !registered.equals("function") ? registered : className;
    }

    private static @Nullable Double number(@Nullable JsonNode node, @Nullable Double fallback) {
        return node != null && node.isNumber() ? Double.valueOf(node.doubleValue()) : fallback;
    }

    // ---------------------------------------------------------------- Lambda and modules

    private void lambdaFinding(WalkedLayer layer, JsonNode config) {
        JsonNode function = config.get("function");
        String type = BuiltIns.text(config.get("function_type"));
        String storage;
        if (function == null || function.isNull()) {
            storage = "no function recorded";
        } else if (function.isArray()) {
            JsonNode code = function.size() > 0 ? function.get(0) : null;
            String text = code != null && code.isString() ? code.stringValue() : "";
            storage = BASE64.matcher(text).matches()
                    ? "Python bytecode as base64-encoded marshal data (Keras 2.1.2 and later), " + text.length()
                            + " characters"
                    : "Python bytecode as raw_unicode_escape-decoded marshal data (Keras 2.1.1 and earlier), "
                            + text.length() + " characters";
        } else if (function.isString()) {
            storage = "lambda".equals(type)
                    ? "Python bytecode as raw marshal data (Keras 1), " + function.stringValue().length() + " characters"
                    : "a reference to the Python function " + function.stringValue() + " (module "
                            + BuiltIns.text(config.get("module")) + "); no code is stored, but the function must exist";
        } else if (function.isObject() && "__lambda__".equals(BuiltIns.text(function.get("class_name")))) {
            JsonNode inner = function.path("config");
            JsonNode code = inner.has("code") ? inner.get("code") : inner.get("value");
            String text = code == null ? "" : code.isString() ? code.stringValue() : code.toString();
            storage = "Python bytecode as base64-encoded marshal data in a Keras 3 __lambda__ object, "
                    + text.length() + " characters";
        } else if (function.isObject() && "function".equals(BuiltIns.text(function.get("class_name")))) {
            storage = "a reference to the Python function " + BuiltIns.text(function.get("config")) + " (module "
                    + BuiltIns.text(function.get("module")) + "); no code is stored, but the function must exist";
        } else {
            storage = "a function stored as " + ConfigReader.abbreviate(function.toString());
        }
        JsonNode outputShape = config.get("output_shape");
        boolean shapeCode = "lambda".equals(BuiltIns.text(config.get("output_shape_type")))
                || (outputShape != null && outputShape.isObject()
                        && "__lambda__".equals(BuiltIns.text(outputShape.get("class_name"))));
        findings.add(new Finding("LAMBDA_BYTECODE", Finding.Severity.UNSAFE, "Lambda layer " + layer.path()
                + " holds " + storage + (shapeCode ? "; its output_shape is Python code too" : "")
                + ". It would run Python code when loaded and is never executed here.", layer.path()));
    }

    /** Every {@code module} value below {@code node}, except inside other layers (scanned on their own). */
    private void scanModules(JsonNode node, @Nullable String path, JsonNode root) {
        if (node.isArray()) {
            for (JsonNode item : node) {
                scanModules(item, path, root);
            }
            return;
        }
        if (!node.isObject() || (node != root && layerDicts.contains(node))) {
            return;
        }
        JsonNode module = node.get("module");
        if (module != null && module.isString()) {
            String className = BuiltIns.text(node.get("class_name"));
            String name = "function".equals(className) ? BuiltIns.text(node.get("config")) : className;
            if (name == null && node.get("function") != null && node.get("function").isString()) {
                // a Keras 2 Lambda naming a function: {"function": "system", "module": "os", ...}
                name = node.get("function").stringValue();
            }
            if (dangerous(module.stringValue(), className, name)) {
                findings.add(unsafeModule(path, module.stringValue(), name));
            }
        }
        for (Map.Entry<String, JsonNode> entry : node.properties()) {
            scanModules(entry.getValue(), path, root);
        }
    }

    private static Finding unsafeModule(@Nullable String path, String module, @Nullable String name) {
        return new Finding("UNSAFE_MODULE", Finding.Severity.UNSAFE, (path == null ? "the model" : "layer " + path)
                + " refers to " + module + (name == null ? "" : "." + name)
                + ", which Keras would import and call while loading (arbitrary code execution, as in CVE-2025-1550)",
                path);
    }

    static boolean dangerous(String module, @Nullable String className, @Nullable String name) {
        String root = module.split("\\.", 2)[0];
        if (DANGEROUS_MODULES.contains(root) || DANGEROUS_MODULES.contains(module)) {
            return true;
        }
        String callee = name == null ? "" : name;
        if (root.equals("builtins") || root.equals("__builtin__") || root.equals("__builtins__")) {
            return DANGEROUS_BUILTINS.contains(callee) || DANGEROUS_BUILTINS.contains(String.valueOf(className));
        }
        if (root.equals("keras") || root.equals("tf_keras")) {
            return KERAS_GADGETS.contains(callee);
        }
        if (root.equals("tensorflow") || root.equals("tf")) {
            return KERAS_GADGETS.contains(callee) || isTfGadget(module + "." + callee);
        }
        return false;
    }

    private static boolean isTfGadget(String function) {
        String f = function.toLowerCase(Locale.ROOT);
        return TF_GADGETS.stream().anyMatch(f::contains);
    }

    // ---------------------------------------------------------------- training config

    /**
     * tf.keras's {@code training_config} ({@code optimizer_config}, {@code loss}, {@code metrics},
     * {@code weighted_metrics}) and Keras 3's {@code compile_config} ({@code optimizer}, ...).
     */
    private void scanTraining(JsonNode training) {
        JsonNode optimizer = training.has("optimizer_config") ? training.get("optimizer_config") : training.get("optimizer");
        if (optimizer != null && !optimizer.isNull()) {
            optimizer(optimizer);
        }
        JsonNode loss = training.get("loss");
        if (loss != null) {
            lossOrMetric(loss, CustomObjectKind.LOSS, "loss", BuiltIns.LOSSES, 0);
        }
        for (String key : new String[] {"metrics", "weighted_metrics"}) {
            JsonNode metrics = training.get(key);
            if (metrics != null) {
                lossOrMetric(metrics, CustomObjectKind.METRIC, key, BuiltIns.METRICS, 0);
            }
        }
    }

    private void optimizer(JsonNode optimizer) {
        if (optimizer.isString()) {
            if (!BuiltIns.OPTIMIZERS.contains(optimizer.stringValue())) {
                customObjects.add(customRef(CustomObjectKind.OPTIMIZER, optimizer.stringValue(), null, "optimizer",
                        optimizer));
            }
            return;
        }
        String className = BuiltIns.text(optimizer.get("class_name"));
        if (className == null) {
            return;
        }
        // tf.keras 2.11+ registers its new optimizers as "Custom>Adam"
        String plain = className.startsWith("Custom>") ? className.substring("Custom>".length()) : className;
        if (BuiltIns.isCustomObject(optimizer) || !BuiltIns.OPTIMIZERS.contains(plain)) {
            customObjects.add(customRef(CustomObjectKind.OPTIMIZER, lookupName(optimizer, className), null,
                    "optimizer", optimizer));
        }
    }

    private void lossOrMetric(JsonNode value, CustomObjectKind kind, String attribute, Set<String> builtIn, int depth) {
        if (depth > 16 || value.isNull()) {
            return;
        }
        if (value.isString()) {
            if (!builtIn.contains(value.stringValue())) {
                customObjects.add(customRef(kind, value.stringValue(), null, attribute, value));
            }
            return;
        }
        if (value.isArray()) {
            for (JsonNode item : value) {
                lossOrMetric(item, kind, attribute, builtIn, depth + 1);
            }
            return;
        }
        if (!value.isObject()) {
            return;
        }
        String className = BuiltIns.text(value.get("class_name"));
        if (className == null) {
            // one loss or metric list per output: {"output_1": ..., "output_2": ...}
            for (Map.Entry<String, JsonNode> entry : value.properties()) {
                lossOrMetric(entry.getValue(), kind, attribute, builtIn, depth + 1);
            }
            return;
        }
        if (className.startsWith("__")) {
            lossOrMetric(value.path("config").path("value"), kind, attribute, builtIn, depth + 1);
            return;
        }
        boolean custom = BuiltIns.isCustomObject(value);
        if ("function".equals(className)) {
            String function = BuiltIns.text(value.get("config"));
            custom |= function == null || !builtIn.contains(function);
        } else {
            custom |= !builtIn.contains(className);
            JsonNode fn = value.path("config").get("fn");
            if (!custom && fn != null && fn.isString() && !builtIn.contains(fn.stringValue())) {
                customObjects.add(customRef(kind, fn.stringValue(), null, attribute, value));
                return;
            }
        }
        if (custom) {
            customObjects.add(customRef(kind, lookupName(value, className), null, attribute, value));
        }
    }
}
