package io.kerasregistry.inference;

import tools.jackson.databind.JsonNode;

/**
 * A layer's dtype policy, where it changes the numbers. Quantized layers (Keras 3) store int8/int4/float8
 * weights with scales, not the float kernels the translators read; half-precision policies
 * ({@code mixed_float16}, {@code bfloat16}) make Keras compute in 16 bits, which float32 does not
 * reproduce within the parity tolerance. Both are refused rather than approximated.
 */
final class DTypePolicies {

    private DTypePolicies() {
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
                || policy.startsWith("float8") || policy.startsWith("gptq") || policy.contains("float16"))) {
            ctx.unsupported("dtype=" + policy);
        }
        JsonNode q = ctx.cfg.raw("quantization_config");
        if (q != null && !q.isNull()) {
            ctx.unsupported("quantization_config");
        }
    }
}
