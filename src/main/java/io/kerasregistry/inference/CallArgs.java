package io.kerasregistry.inference;

import io.kerasregistry.keras.Call;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import tools.jackson.databind.JsonNode;

/**
 * A call's tensors split back into positional arguments and named ones. The reader lists the
 * positional tensors first, then the tensors of keyword arguments in sorted key order ({@code mask}
 * excepted); the keyword values themselves are kept in {@link Call#kwargs()}, so the split is
 * recomputed here by counting the tensor references in each keyword value.
 */
record CallArgs(List<Tensor> positional, Map<String, List<Tensor>> named) {

    static CallArgs of(List<Tensor> inputs, Call call) {
        TreeMap<String, Integer> counts = new TreeMap<>();
        for (Map.Entry<String, JsonNode> e : call.kwargs().entrySet()) {
            if (e.getKey().equals("mask")) {
                continue;
            }
            int n = tensorCount(e.getValue());
            if (n > 0) {
                counts.put(e.getKey(), n);
            }
        }
        int namedTotal = counts.values().stream().mapToInt(Integer::intValue).sum();
        int positional = inputs.size() - namedTotal;
        if (positional < 0) {
            throw new InferenceException("call has " + inputs.size() + " input tensors but its keyword arguments name "
                    + namedTotal);
        }
        Map<String, List<Tensor>> named = new HashMap<>();
        int i = positional;
        for (Map.Entry<String, Integer> e : counts.entrySet()) {
            named.put(e.getKey(), new ArrayList<>(inputs.subList(i, i + e.getValue())));
            i += e.getValue();
        }
        return new CallArgs(new ArrayList<>(inputs.subList(0, positional)), named);
    }

    Tensor named1(String key) {
        List<Tensor> t = named.get(key);
        return t == null || t.isEmpty() ? null : t.get(0);
    }

    /** Whether the call passed an explicit {@code mask} tensor, which the engine does not take in. */
    static boolean hasExplicitMask(Call call) {
        JsonNode m = call.kwargs().get("mask");
        return m != null && tensorCount(m) > 0;
    }

    /** Tensor references in a keyword value: Keras 3 {@code __keras_tensor__} objects, Keras 2 triples. */
    static int tensorCount(JsonNode v) {
        if (v == null || v.isNull()) {
            return 0;
        }
        if (v.isArray()) {
            if (isTriple(v)) {
                return "_CONSTANT_VALUE".equals(v.get(0).asString()) ? 0 : 1;
            }
            int n = 0;
            for (JsonNode e : v) {
                n += tensorCount(e);
            }
            return n;
        }
        if (v.isObject()) {
            if ("__keras_tensor__".equals(v.path("class_name").asString(""))) {
                JsonNode h = v.path("config").get("keras_history");
                return h == null || h.isNull() ? 0 : 1;
            }
            if (v.has("class_name") && v.get("config") != null) {
                return tensorCount(v.get("config").get("value"));
            }
            int n = 0;
            for (JsonNode e : v.values()) {
                n += tensorCount(e);
            }
            return n;
        }
        return 0;
    }

    private static boolean isTriple(JsonNode v) {
        return (v.size() == 3 || v.size() == 4) && v.get(0).isString() && v.get(1).isIntegralNumber()
                && (v.get(2).isIntegralNumber() || "_CONSTANT_VALUE".equals(v.get(0).asString()))
                && (v.size() == 3 || v.get(3).isObject() || v.get(3).isNull());
    }

    static boolean flag(Call call, String key, boolean def) {
        JsonNode v = call.kwargs().get(key);
        return v == null || v.isNull() ? def : v.asBoolean(def);
    }
}
