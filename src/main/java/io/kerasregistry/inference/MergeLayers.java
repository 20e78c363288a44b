package io.kerasregistry.inference;

import io.kerasregistry.keras.Call;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BinaryOperator;
import org.jspecify.annotations.Nullable;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/** Add, Subtract, Multiply, Average, Maximum, Minimum, Concatenate, Dot ({@code keras/src/layers/merging}). */
final class MergeLayers {

    private MergeLayers() {
    }

    static void register(Translators t) {
        t.put("Add", ctx -> elementwise(ctx, INDArray::add, false));
        t.put("Subtract", ctx -> new ElementwiseMerge(INDArray::sub, false, 2));
        t.put("Multiply", ctx -> elementwise(ctx, INDArray::mul, false));
        t.put("Average", ctx -> elementwise(ctx, INDArray::add, true));
        t.put("Maximum", ctx -> elementwise(ctx, (a, b) -> Transforms.max(a, b, true), false));
        t.put("Minimum", ctx -> elementwise(ctx, (a, b) -> Transforms.min(a, b, true), false));
        t.put("Concatenate", MergeLayers::concatenate);
        t.put("Dot", MergeLayers::dot);
        t.put("Merge", MergeLayers::keras1Merge);
    }

    /** Keras 1's {@code Merge(mode=...)} on tensors of a functional model. */
    static LayerOp keras1Merge(LayerContext ctx) {
        tools.jackson.databind.JsonNode layers = ctx.cfg.raw("layers");
        if (layers != null && layers.isArray() && !layers.isEmpty()) {
            // a Sequential branch list: Merge built layers itself there
            return ctx.unsupported("layers=[...] (Merge of Sequential branches)");
        }
        String mode = ctx.cfg.string("mode", "sum");
        return switch (mode) {
            case "sum" -> elementwise(ctx, INDArray::add, false);
            case "ave" -> elementwise(ctx, INDArray::add, true);
            case "mul" -> elementwise(ctx, INDArray::mul, false);
            case "max" -> elementwise(ctx, (a, b) -> Transforms.max(a, b, true), false);
            case "concat" -> {
                int axis = ctx.cfg.integer("concat_axis", -1);
                yield (inputs, call, run) -> {
                    int rank = inputs.get(0).value().rank();
                    return List.of(new Tensor(Nd.concat(Nd.axis(axis, rank), inputs.stream().map(Tensor::value)
                            .toList()), andMasks(inputs)));
                };
            }
            default -> ctx.unsupported("mode=" + mode);
        };
    }

    private static LayerOp elementwise(LayerContext ctx, BinaryOperator<INDArray> f, boolean average) {
        return new ElementwiseMerge(f, average, -1);
    }

    /** Inputs of lower rank get axes inserted at 1 until the ranks agree, then broadcast. */
    static List<INDArray> equalRanks(List<Tensor> inputs) {
        int max = inputs.stream().mapToInt(t -> t.value().rank()).max().orElse(0);
        List<INDArray> out = new ArrayList<>();
        for (Tensor t : inputs) {
            INDArray v = t.value();
            while (v.rank() < max) {
                v = Nd.expandDims(v, 1);
            }
            out.add(v);
        }
        return out;
    }

    /** The logical AND of the masks present, as Keras's base merge layer computes it. */
    @Nullable
    static INDArray andMasks(List<Tensor> inputs) {
        INDArray m = null;
        for (Tensor t : inputs) {
            if (t.mask() != null) {
                m = m == null ? t.mask() : m.mul(t.mask());
            }
        }
        return m;
    }

    private record ElementwiseMerge(BinaryOperator<INDArray> f, boolean average, int arity) implements LayerOp {
        @Override
        public List<Tensor> forward(List<Tensor> inputs, Call call, RunState run) {
            if (arity > 0 && inputs.size() != arity) {
                throw new InferenceException("expects exactly " + arity + " inputs, got " + inputs.size());
            }
            List<INDArray> xs = equalRanks(inputs);
            INDArray acc = xs.get(0);
            for (int i = 1; i < xs.size(); i++) {
                acc = broadcastApply(f, acc, xs.get(i));
            }
            if (average) {
                acc = acc.div(xs.size());
            }
            if (xs.size() == 1) {
                acc = acc.dup('c');
            }
            return List.of(new Tensor(acc, andMasks(inputs)));
        }
    }

    /** Applies {@code f} after broadcasting both arrays to their common shape (size-1 axes stretch). */
    static INDArray broadcastApply(BinaryOperator<INDArray> f, INDArray a, INDArray b) {
        if (java.util.Arrays.equals(a.shape(), b.shape())) {
            return f.apply(a, b);
        }
        long[] s = new long[a.rank()];
        for (int i = 0; i < s.length; i++) {
            s[i] = Math.max(a.size(i), b.size(i));
        }
        INDArray aa = java.util.Arrays.equals(a.shape(), s) ? a : a.broadcast(s);
        INDArray bb = java.util.Arrays.equals(b.shape(), s) ? b : b.broadcast(s);
        return f.apply(aa, bb);
    }

    static LayerOp concatenate(LayerContext ctx) {
        int axisCfg = ctx.cfg.integer("axis", -1);
        boolean k3 = ctx.flavor().major() >= 3;
        return (inputs, call, run) -> {
            int rank = inputs.get(0).value().rank();
            int axis = Nd.axis(axisCfg, rank);
            List<INDArray> xs = inputs.stream().map(Tensor::value).toList();
            INDArray out = Nd.concat(axis, xs);
            INDArray mask = null;
            if (inputs.stream().anyMatch(t -> t.mask() != null)) {
                List<INDArray> ms = new ArrayList<>();
                for (Tensor t : inputs) {
                    long[] ms0 = java.util.Arrays.copyOf(t.value().shape(), rank - 1);
                    ms.add(t.mask() != null ? t.mask() : Nd.ones(ms0));
                }
                if (axis == rank - 1) {
                    // masks side by side over the features: Keras 3 keeps a step if any input keeps it,
                    // Keras 2 only if all do
                    mask = ms.get(0);
                    for (int i = 1; i < ms.size(); i++) {
                        mask = k3 ? Transforms.max(mask, ms.get(i), true) : mask.mul(ms.get(i));
                    }
                } else {
                    mask = Nd.concat(axis, ms);
                }
            }
            return List.of(new Tensor(out, mask));
        };
    }

    static LayerOp dot(LayerContext ctx) {
        List<Integer> axesCfg = ctx.cfg.intListOrNull("axes");
        boolean normalize = ctx.cfg.bool("normalize", false);
        double eps2 = ctx.flavor().major() >= 3 ? 1e-14 : 1e-12;
        if (axesCfg == null) {
            return ctx.invalid("Dot without axes");
        }
        return (inputs, call, run) -> {
            if (inputs.size() != 2) {
                throw new InferenceException("Dot expects 2 inputs, got " + inputs.size());
            }
            INDArray x = inputs.get(0).value();
            INDArray y = inputs.get(1).value();
            int ax = axesCfg.get(0);
            int ay = axesCfg.size() > 1 ? axesCfg.get(1) : ax;
            ax = ax < 0 ? Math.floorMod(ax, x.rank()) : ax;
            ay = ay < 0 ? Math.floorMod(ay, y.rank()) : ay;
            if (normalize) {
                x = l2Normalize(x, ax, eps2);
                y = l2Normalize(y, ay, eps2);
            }
            return List.of(Tensor.of(batchDot(x, y, ax, ay)));
        };
    }

    static INDArray l2Normalize(INDArray x, int axis, double eps2) {
        INDArray sq = x.mul(x).sum(true, axis);
        return x.mul(Transforms.pow(Transforms.max(sq, eps2, false), -0.5, false));
    }

    /** Keras's {@code batch_dot}: per sample, contracts axis {@code ax} of x with axis {@code ay} of y. */
    static INDArray batchDot(INDArray x, INDArray y, int ax, int ay) {
        long b = x.size(0);
        INDArray xm = Nd.contiguous(Nd.moveAxisLast(x, ax));
        long k = x.size(ax);
        long m = xm.length() / (b * k);
        INDArray x3 = xm.reshape('c', b, m, k);
        // y with the contracted axis right after the batch axis
        int[] perm = new int[y.rank()];
        perm[0] = 0;
        perm[1] = ay;
        for (int i = 1, j = 2; i < y.rank(); i++) {
            if (i != ay) {
                perm[j++] = i;
            }
        }
        INDArray ym = Nd.contiguous(y.permute(perm));
        long n = ym.length() / (b * k);
        INDArray y3 = ym.reshape('c', b, k, n);
        INDArray r = Nd.bmm(x3, y3);
        List<Long> shape = new ArrayList<>();
        shape.add(b);
        for (int i = 1; i < x.rank(); i++) {
            if (i != ax) {
                shape.add(x.size(i));
            }
        }
        for (int i = 1; i < y.rank(); i++) {
            if (i != ay) {
                shape.add(y.size(i));
            }
        }
        if (shape.size() == 1) {
            shape.add(1L);
        }
        return r.reshape('c', shape.stream().mapToLong(Long::longValue).toArray()).castTo(DataType.FLOAT);
    }
}
