package io.kerasregistry.inference;

import tools.jackson.databind.JsonNode;

/**
 * Keras 3 quantized layers store int8/float8 weights with scales under a quantized dtype policy;
 * their weights are not the float kernels the translators expect, so they are refused by name.
 */
final class Quantization {

    private Quantization() {
    }

    static void check(LayerContext ctx) {
        JsonNode dtype = ctx.cfg.raw("dtype");
        String policy = null;
        if (dtype != null && dtype.isObject()) {
            String cn = dtype.path("class_name").asString("");
            JsonNode name = dtype.path("config").path("name");
            policy = cn.contains("Quantized") ? cn : name.isString() ? name.asString() : null;
        } else if (dtype != null && dtype.isString()) {
            policy = dtype.asString();
        }
        if (policy != null && (policy.contains("Quantized") || policy.startsWith("int8") || policy.startsWith("int4")
                || policy.startsWith("float8") || policy.startsWith("gptq"))) {
            ctx.unsupported("dtype=" + policy);
        }
        JsonNode q = ctx.cfg.raw("quantization_config");
        if (q != null && !q.isNull()) {
            ctx.unsupported("quantization_config");
        }
    }
}
