package io.kerasregistry.inference;

import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * Typed reads of a layer config. Keras writes the same option in several shapes across eras (an
 * int or a one-element list, a Keras 3 {@code __tuple__} or {@code __tensor__} wrapper), so every
 * read goes through here.
 */
final class Config {

    private final JsonNode node;

    Config(JsonNode node) {
        this.node = node;
    }

    JsonNode node() {
        return node;
    }

    boolean has(String key) {
        JsonNode v = raw(key);
        return v != null && !v.isNull();
    }

    @Nullable
    JsonNode raw(String key) {
        JsonNode v = node.get(key);
        return v == null ? null : unwrap(v);
    }

    /** Keras 3 wraps tuples and tensors: {@code {"class_name": "__tuple__", "config": {"value": [...]}}}. */
    static JsonNode unwrap(JsonNode v) {
        if (v.isObject() && v.has("class_name") && v.has("config")) {
            String cn = v.get("class_name").asString("");
            if (cn.equals("__tuple__") || cn.equals("__tensor__") || cn.equals("__numpy__")) {
                JsonNode c = v.get("config");
                return c.has("value") ? unwrap(c.get("value")) : c;
            }
        }
        return v;
    }

    String string(String key, String def) {
        JsonNode v = raw(key);
        return v == null || v.isNull() ? def : v.asString(def);
    }

    @Nullable
    String stringOrNull(String key) {
        JsonNode v = raw(key);
        return v == null || v.isNull() ? null : v.asString();
    }

    boolean bool(String key, boolean def) {
        JsonNode v = raw(key);
        return v == null || v.isNull() ? def : v.asBoolean(def);
    }

    int integer(String key, int def) {
        JsonNode v = raw(key);
        if (v == null || v.isNull()) {
            return def;
        }
        if (v.isArray() && v.size() == 1) {
            return v.get(0).asInt(def);
        }
        return v.asInt(def);
    }

    double number(String key, double def) {
        JsonNode v = raw(key);
        if (v == null || v.isNull()) {
            return def;
        }
        if (v.isArray() && v.size() == 1) {
            return v.get(0).asDouble(def);
        }
        return v.asDouble(def);
    }

    /** A per-dimension option: {@code 3} means {@code (3, 3)} for a 2-D layer. */
    int[] ints(String key, int rank, int def) {
        JsonNode v = raw(key);
        int[] out = new int[rank];
        if (v == null || v.isNull()) {
            java.util.Arrays.fill(out, def);
            return out;
        }
        if (v.isArray()) {
            if (v.size() == 1) {
                java.util.Arrays.fill(out, unwrap(v.get(0)).asInt());
                return out;
            }
            if (v.size() != rank) {
                throw new IllegalArgumentException(key + " has " + v.size() + " entries, expected " + rank);
            }
            for (int i = 0; i < rank; i++) {
                out[i] = unwrap(v.get(i)).asInt();
            }
            return out;
        }
        java.util.Arrays.fill(out, v.asInt());
        return out;
    }

    @Nullable
    List<Integer> intListOrNull(String key) {
        JsonNode v = raw(key);
        if (v == null || v.isNull()) {
            return null;
        }
        List<Integer> out = new ArrayList<>();
        if (v.isArray()) {
            for (JsonNode e : v) {
                JsonNode u = unwrap(e);
                out.add(u.isNull() ? null : u.asInt());
            }
        } else {
            out.add(v.asInt());
        }
        return out;
    }

    @Nullable
    List<Double> doubleListOrNull(String key) {
        JsonNode v = raw(key);
        if (v == null || v.isNull()) {
            return null;
        }
        List<Double> out = new ArrayList<>();
        if (v.isArray()) {
            flattenDoubles(v, out);
        } else {
            out.add(v.asDouble());
        }
        return out;
    }

    private static void flattenDoubles(JsonNode v, List<Double> out) {
        for (JsonNode e : v) {
            JsonNode u = unwrap(e);
            if (u.isArray()) {
                flattenDoubles(u, out);
            } else {
                out.add(u.asDouble());
            }
        }
    }
}
