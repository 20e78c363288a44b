package io.kerasregistry.inference;

import io.kerasregistry.inference.UnsupportedModelFeaturesException.Issue;
import io.kerasregistry.inference.UnsupportedModelFeaturesException.Kind;
import io.kerasregistry.keras.RegularizerRef;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;

/**
 * Keras's regularization penalties ({@code keras/src/regularizers/regularizers.py}), computed in
 * float64: L1 = l1·Σ|w|, L2 = l2·Σw² (no ½), L1L2 = both, OrthogonalRegularizer =
 * factor·½·Σ|P − diag(P)| / (n(n−1)/2) with P the Gram matrix of the L2-normalised rows or columns.
 */
final class Penalties {

    /** Keras's default factor when a regularizer is named by a bare string ({@code 'l2'}). */
    private static final double DEFAULT_FACTOR = 0.01;

    private Penalties() {
    }

    /** A regularizer ready to apply, or null (with an issue recorded) when it cannot be resolved. */
    @Nullable
    static Penalty resolve(RegularizerRef ref, CustomObjects custom, KerasFlavor flavor, List<Issue> issues,
            String className) {
        switch (ref.kind()) {
            case L1 -> {
                double l1 = ref.l1() == null ? DEFAULT_FACTOR : ref.l1();
                return w -> l1 * sumAbs(w);
            }
            case L2 -> {
                double l2 = ref.l2() == null ? DEFAULT_FACTOR : ref.l2();
                return w -> l2 * sumSquares(w);
            }
            case L1L2 -> {
                double l1 = ref.l1() == null ? 0 : ref.l1();
                double l2 = ref.l2() == null ? 0 : ref.l2();
                return w -> (l1 == 0 ? 0 : l1 * sumAbs(w)) + (l2 == 0 ? 0 : l2 * sumSquares(w));
            }
            case ORTHOGONAL -> {
                double factor = ref.factor() == null ? DEFAULT_FACTOR : ref.factor();
                boolean rows = ref.mode() == null || ref.mode().equals("rows");
                // tf.math.l2_normalize clamps the squared norm at 1e-12, Keras 3 at epsilon² = 1e-14
                double eps = flavor.major() >= 3 ? 1e-14 : 1e-12;
                return w -> orthogonal(w, factor, rows, eps);
            }
            case CUSTOM -> {
                Optional<CustomRegularizer> cr = custom.regularizer(ref.name());
                if (cr.isEmpty()) {
                    issues.add(new Issue(Kind.UNKNOWN_CUSTOM_OBJECT, ref.layerPath(), className,
                            Compilation.unknownMessage("regularizer", ref.name()) + " (layer '" + ref.layerPath()
                                    + "', attribute '" + ref.attribute() + "')"));
                    return null;
                }
                JsonNode cfg = customConfig(ref.config());
                CustomRegularizer r = cr.get();
                return w -> r.penalty(cfg, w);
            }
            default -> throw new IllegalStateException(ref.kind().toString());
        }
    }

    private static JsonNode customConfig(JsonNode raw) {
        if (raw != null && raw.isObject() && raw.has("config") && raw.get("config").isObject()) {
            return raw.get("config");
        }
        return JsonNodeFactory.instance.objectNode();
    }

    /** One resolved regularizer. */
    @FunctionalInterface
    interface Penalty {
        double apply(INDArray value);
    }

    static double sumAbs(INDArray w) {
        INDArray d = w.castTo(DataType.DOUBLE);
        return Transforms.abs(d, false).sumNumber().doubleValue();
    }

    static double sumSquares(INDArray w) {
        INDArray d = w.castTo(DataType.DOUBLE);
        return d.mul(d).sumNumber().doubleValue();
    }

    static double orthogonal(INDArray w, double factor, boolean rows, double eps) {
        if (w.rank() != 2) {
            throw new InferenceException("OrthogonalRegularizer needs a rank-2 weight, got shape "
                    + java.util.Arrays.toString(w.shape()));
        }
        INDArray d = w.castTo(DataType.DOUBLE);
        if (!rows) {
            d = d.transpose().dup('c');
        }
        INDArray sq = d.mul(d).sum(true, 1);
        INDArray inv = Transforms.pow(Transforms.max(sq, eps, false), -0.5, false);
        INDArray normed = d.mul(inv);
        INDArray p = normed.mmul(normed.transpose());
        long n = p.rows();
        double total = Transforms.abs(p, false).sumNumber().doubleValue();
        double diag = 0;
        for (long i = 0; i < n; i++) {
            diag += Math.abs(p.getDouble(i, i));
        }
        double pairs = n * (n - 1.0) / 2.0;
        return factor * 0.5 * (total - diag) / pairs;
    }

    static boolean isWeightRegularizer(RegularizerRef ref) {
        return !ref.attribute().equals("activity_regularizer");
    }

    /** {@code kernel_regularizer} → {@code kernel}: the key of {@link LayerOp#regularizedWeights()}. */
    static String role(String attribute) {
        return attribute.endsWith("_regularizer")
                ? attribute.substring(0, attribute.length() - "_regularizer".length())
                : attribute;
    }
}
