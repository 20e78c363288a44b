package io.kerasregistry.inference;

import io.kerasregistry.inference.UnsupportedModelFeaturesException.Issue;
import io.kerasregistry.inference.UnsupportedModelFeaturesException.Kind;
import java.util.Arrays;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;
import org.nd4j.linalg.api.ndarray.INDArray;
import tools.jackson.databind.JsonNode;

/** Everything a translator may look at for one layer, and where it reports what it cannot do. */
final class LayerContext {

    final String className;
    final String path;
    final Config cfg;
    final Weights weights;
    final Compilation comp;

    LayerContext(String className, String path, JsonNode config, Weights weights, Compilation comp) {
        this.className = className;
        this.path = path;
        this.cfg = new Config(config);
        this.weights = weights;
        this.comp = comp;
    }

    KerasFlavor flavor() {
        return comp.flavor;
    }

    /** Records an unsupported option value; returns null so translators can {@code return ctx.unsupported(..)}. */
    @Nullable
    LayerOp unsupported(String option) {
        comp.issues.add(new Issue(Kind.OPTION, path, className, option));
        return null;
    }

    /** Records that the model is inconsistent (weights not matching the config). */
    @Nullable
    LayerOp invalid(String message) {
        comp.errors.add("layer '" + path + "' (" + className + "): " + message);
        return null;
    }

    boolean hasIssuesSince(int mark) {
        return comp.issues.size() + comp.errors.size() > mark;
    }

    int issueMark() {
        return comp.issues.size() + comp.errors.size();
    }

    /** Records an option unless its value is one of {@code allowed}; returns the value. */
    String oneOf(String key, String def, String... allowed) {
        String v = cfg.string(key, def);
        if (!Arrays.asList(allowed).contains(v)) {
            unsupported(key + "=" + v);
        }
        return v;
    }

    /** Keras's {@code data_format}, with Keras 1's {@code dim_ordering} ({@code tf}/{@code th}). */
    boolean channelsFirst() {
        String df = cfg.stringOrNull("data_format");
        if (df == null) {
            String dimOrdering = cfg.stringOrNull("dim_ordering");
            if (dimOrdering != null && !dimOrdering.equals("default")) {
                return dimOrdering.equals("th");
            }
            return false;
        }
        if (!df.equals("channels_last") && !df.equals("channels_first")) {
            unsupported("data_format=" + df);
        }
        return df.equals("channels_first");
    }

    /**
     * Checks the weight count and shapes against what the config implies; a null shape entry is not
     * checked, a -1 dimension matches anything.
     */
    boolean expectWeights(long[]... shapes) {
        if (weights.size() != shapes.length) {
            invalid("expected " + shapes.length + " weights, the file has " + weights.size()
                    + describeWeights());
            return false;
        }
        for (int i = 0; i < shapes.length; i++) {
            if (shapes[i] == null) {
                continue;
            }
            long[] actual = weights.shape(i);
            boolean ok = actual.length == shapes[i].length;
            for (int d = 0; ok && d < actual.length; d++) {
                ok = shapes[i][d] < 0 || shapes[i][d] == actual[d];
            }
            if (!ok) {
                invalid("weight " + weights.ref(i).name() + " has shape " + Arrays.toString(actual) + ", expected "
                        + Arrays.toString(shapes[i]).replace("-1", "?"));
                return false;
            }
        }
        return true;
    }

    private String describeWeights() {
        if (weights.size() == 0) {
            return "";
        }
        StringBuilder sb = new StringBuilder(" (");
        for (int i = 0; i < weights.size(); i++) {
            sb.append(i == 0 ? "" : ", ").append(weights.ref(i).name()).append(Arrays.toString(weights.shape(i)));
        }
        return sb.append(')').toString();
    }

    /** Resolves an activation attribute; records a problem and returns null when it cannot. */
    @Nullable
    UnaryOperator<INDArray> activation(String attribute, String def) {
        JsonNode raw = cfg.raw(attribute);
        return comp.resolveActivation(raw, def, path, className, attribute);
    }

    /** Resolves an activation name or serialized function (used by the Activation layer). */
    @Nullable
    UnaryOperator<INDArray> activationOf(@Nullable JsonNode raw, String def, String attribute) {
        return comp.resolveActivation(raw, def, path, className, attribute);
    }

    /** A wrapped layer ({@code TimeDistributed}, {@code Bidirectional}) translated with the given weights. */
    @Nullable
    LayerOp inner(JsonNode layerSpec, String innerPath, Weights innerWeights) {
        String cn = layerSpec.path("class_name").asString("");
        JsonNode config = layerSpec.path("config");
        return comp.translate(cn, innerPath, config, innerWeights, null);
    }
}
