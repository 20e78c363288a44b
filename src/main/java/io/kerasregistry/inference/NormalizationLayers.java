package io.kerasregistry.inference;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * BatchNormalization (inference: moving statistics), LayerNormalization, GroupNormalization,
 * UnitNormalization, RMSNormalization ({@code keras/src/layers/normalization}).
 */
final class NormalizationLayers {

    private NormalizationLayers() {
    }

    static void register(Translators t) {
        t.put("BatchNormalization", NormalizationLayers::batchNorm);
        t.put("LayerNormalization", NormalizationLayers::layerNorm);
        t.put("GroupNormalization", NormalizationLayers::groupNorm);
        t.put("UnitNormalization", NormalizationLayers::unitNorm);
        t.put("RMSNormalization", NormalizationLayers::rmsNorm);
    }

    static List<Integer> axes(LayerContext ctx, int def) {
        List<Integer> a = ctx.cfg.intListOrNull("axis");
        return a == null ? List.of(def) : a;
    }

    /** A parameter of shape {@code dims(axes)} reshaped to broadcast against {@code x}. */
    static INDArray broadcastParam(INDArray p, INDArray x, int[] axes) {
        long[] s = new long[x.rank()];
        Arrays.fill(s, 1);
        for (int a : axes) {
            s[a] = x.size(a);
        }
        return Nd.reshape(p, s);
    }

    static int[] resolve(List<Integer> axes, int rank) {
        return axes.stream().mapToInt(a -> Nd.axis(a, rank)).sorted().toArray();
    }

    static LayerOp batchNorm(LayerContext ctx) {
        List<Integer> axisList = axes(ctx, -1);
        double eps = ctx.cfg.number("epsilon", 1e-3);
        boolean center = ctx.cfg.bool("center", true);
        boolean scale = ctx.cfg.bool("scale", true);
        if (ctx.cfg.bool("renorm", false)) {
            ctx.unsupported("renorm=True");
        }
        int mode = ctx.cfg.integer("mode", 0);
        if (mode != 0) {
            // Keras 1's mode 2 normalises with the batch's own statistics even at test time
            ctx.unsupported("mode=" + mode);
        }
        if (ctx.cfg.has("virtual_batch_size")) {
            ctx.unsupported("virtual_batch_size");
        }
        int n = (center ? 1 : 0) + (scale ? 1 : 0) + 2;
        if (ctx.weights.size() != n) {
            return ctx.invalid("expected " + n + " weights (gamma, beta, moving mean and variance as configured), "
                    + "the file has " + ctx.weights.size());
        }
        Weights w = ctx.weights;
        int gi = scale ? 0 : -1;
        int bi = center ? (scale ? 1 : 0) : -1;
        int mi = n - 2;
        int vi = n - 1;
        return new CoreLayers.Elementwise() {
            @Override
            public INDArray apply(INDArray x) {
                int[] ax = resolve(axisList, x.rank());
                INDArray mean = broadcastParam(w.get(mi), x, ax);
                INDArray var = broadcastParam(w.get(vi), x, ax);
                INDArray inv = Transforms.pow(var.add(eps), -0.5, false);
                if (gi >= 0) {
                    inv = inv.mul(broadcastParam(w.get(gi), x, ax));
                }
                INDArray shift = mean.mul(inv).negi();
                if (bi >= 0) {
                    shift = shift.addi(broadcastParam(w.get(bi), x, ax));
                }
                return x.mul(inv).addi(shift);
            }

            @Override
            public Map<String, List<INDArray>> regularizedWeights() {
                Map<String, List<INDArray>> m = new HashMap<>();
                if (gi >= 0) {
                    m.put("gamma", List.of(w.get(gi)));
                }
                if (bi >= 0) {
                    m.put("beta", List.of(w.get(bi)));
                }
                return m;
            }
        };
    }

    static LayerOp layerNorm(LayerContext ctx) {
        List<Integer> axisList = axes(ctx, -1);
        double eps = ctx.cfg.number("epsilon", 1e-3);
        boolean center = ctx.cfg.bool("center", true);
        boolean scale = ctx.cfg.bool("scale", true);
        boolean rms = ctx.cfg.bool("rms_scaling", false);
        int n = (scale ? 1 : 0) + (center && !rms ? 1 : 0);
        if (ctx.weights.size() != n) {
            return ctx.invalid("expected " + n + " weights, the file has " + ctx.weights.size());
        }
        Weights w = ctx.weights;
        return new CoreLayers.Elementwise() {
            @Override
            public INDArray apply(INDArray x) {
                int[] ax = resolve(axisList, x.rank());
                INDArray mean = x.mean(true, ax);
                INDArray centered = x.sub(mean);
                INDArray var = centered.mul(centered).mean(true, ax);
                INDArray inv = Transforms.pow(var.addi(eps), -0.5, false);
                if (rms) {
                    // Keras 3's rms_scaling divides by the standard deviation but does not centre
                    INDArray y = x.mul(inv);
                    return scale ? y.muli(broadcastParam(w.get(0), x, ax)) : y;
                }
                if (scale) {
                    inv = MergeLayers.broadcastApply(INDArray::mul, inv, broadcastParam(w.get(0), x, ax));
                }
                INDArray y = MergeLayers.broadcastApply(INDArray::mul, centered, inv);
                if (center) {
                    y = y.addi(broadcastParam(w.get(scale ? 1 : 0), x, ax));
                }
                return y;
            }

            @Override
            public Map<String, List<INDArray>> regularizedWeights() {
                Map<String, List<INDArray>> m = new HashMap<>();
                if (scale) {
                    m.put("gamma", List.of(w.get(0)));
                }
                if (center && w.size() > (scale ? 1 : 0)) {
                    m.put("beta", List.of(w.get(scale ? 1 : 0)));
                }
                return m;
            }
        };
    }

    static LayerOp groupNorm(LayerContext ctx) {
        int groups = ctx.cfg.integer("groups", 32);
        int axisCfg = ctx.cfg.integer("axis", -1);
        double eps = ctx.cfg.number("epsilon", 1e-3);
        boolean center = ctx.cfg.bool("center", true);
        boolean scale = ctx.cfg.bool("scale", true);
        int n = (scale ? 1 : 0) + (center ? 1 : 0);
        if (ctx.weights.size() != n) {
            return ctx.invalid("expected " + n + " weights, the file has " + ctx.weights.size());
        }
        Weights w = ctx.weights;
        return new CoreLayers.Elementwise() {
            @Override
            public INDArray apply(INDArray x) {
                int axis = Nd.axis(axisCfg, x.rank());
                long c = x.size(axis);
                if (c % groups != 0) {
                    throw new InferenceException(c + " channels are not divisible into " + groups + " groups");
                }
                // (B, ..., groups, C/groups, ...): statistics over everything but batch and group
                long[] gs = new long[x.rank() + 1];
                for (int i = 0, j = 0; i < x.rank(); i++) {
                    if (i == axis) {
                        gs[j++] = groups;
                        gs[j++] = c / groups;
                    } else {
                        gs[j++] = x.size(i);
                    }
                }
                INDArray g = Nd.reshape(x, gs);
                List<Integer> red = new ArrayList<>();
                for (int i = 1; i < gs.length; i++) {
                    if (i != axis) {
                        red.add(i);
                    }
                }
                int[] r = red.stream().mapToInt(Integer::intValue).toArray();
                INDArray mean = g.mean(true, r);
                INDArray centered = g.sub(mean);
                INDArray var = centered.mul(centered).mean(true, r);
                INDArray y = centered.muli(Transforms.pow(var.addi(eps), -0.5, false)).reshape('c', x.shape());
                int[] ax = {axis};
                if (scale) {
                    y = y.muli(broadcastParam(w.get(0), x, ax));
                }
                if (center) {
                    y = y.addi(broadcastParam(w.get(scale ? 1 : 0), x, ax));
                }
                return y;
            }

            @Override
            public Map<String, List<INDArray>> regularizedWeights() {
                Map<String, List<INDArray>> m = new HashMap<>();
                if (scale) {
                    m.put("gamma", List.of(w.get(0)));
                }
                if (center) {
                    m.put("beta", List.of(w.get(scale ? 1 : 0)));
                }
                return m;
            }
        };
    }

    static LayerOp unitNorm(LayerContext ctx) {
        List<Integer> axisList = axes(ctx, -1);
        // tf.math.l2_normalize clamps the squared norm at 1e-12; Keras 3 clamps the norm itself
        double eps2 = ctx.flavor().major() >= 3 ? 1e-24 : 1e-12;
        return (CoreLayers.Elementwise) x -> {
            int[] ax = resolve(axisList, x.rank());
            INDArray sq = x.mul(x).sum(true, ax);
            return MergeLayers.broadcastApply(INDArray::mul, x, Transforms.pow(Transforms.max(sq, eps2, false), -0.5,
                    false));
        };
    }

    static LayerOp rmsNorm(LayerContext ctx) {
        List<Integer> axisList = axes(ctx, -1);
        double eps = ctx.cfg.number("epsilon", 1e-6);
        if (ctx.weights.size() != 1) {
            return ctx.invalid("expected 1 weight (scale), the file has " + ctx.weights.size());
        }
        Weights w = ctx.weights;
        return new CoreLayers.Elementwise() {
            @Override
            public INDArray apply(INDArray x) {
                int[] ax = resolve(axisList, x.rank());
                INDArray rrms = Transforms.pow(x.mul(x).mean(true, ax).addi(eps), -0.5, false);
                INDArray y = MergeLayers.broadcastApply(INDArray::mul, x, rrms);
                return y.muli(broadcastParam(w.get(0), x, ax));
            }

            @Override
            public Map<String, List<INDArray>> regularizedWeights() {
                return Map.of();
            }
        };
    }
}
