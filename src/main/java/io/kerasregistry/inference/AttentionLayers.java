package io.kerasregistry.inference;

import io.kerasregistry.keras.Call;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Attention (dot and concat scores), AdditiveAttention, MultiHeadAttention and EinsumDense
 * ({@code keras/src/layers/attention}, {@code keras/src/layers/core/einsum_dense.py}).
 */
final class AttentionLayers {

    private static final double MASKED = 1.0e9;

    private AttentionLayers() {
    }

    static void register(Translators t) {
        t.put("Attention", ctx -> attention(ctx, false));
        t.put("AdditiveAttention", ctx -> attention(ctx, true));
        t.put("MultiHeadAttention", AttentionLayers::multiHead);
        t.put("EinsumDense", AttentionLayers::einsumDense);
    }

    /** {@code [query, value]} or {@code [query, value, key]} with their masks. */
    static LayerOp attention(LayerContext ctx, boolean additive) {
        boolean useScale = ctx.cfg.bool("use_scale", additive);
        String scoreMode = additive ? "additive" : ctx.oneOf("score_mode", "dot", "dot", "concat");
        boolean causalCfg = ctx.cfg.bool("causal", false);
        int n = (useScale ? 1 : 0) + (scoreMode.equals("concat") ? 1 : 0);
        if (ctx.weights.size() != n) {
            return ctx.invalid("expected " + n + " weights, the file has " + ctx.weights.size());
        }
        Weights w = ctx.weights;
        return new LayerOp() {
            @Override
            public List<Tensor> forward(List<Tensor> inputs, Call call, RunState run) {
                List<Tensor> in = inputs;
                if (in.size() < 2 || in.size() > 3) {
                    throw new InferenceException("expects [query, value] or [query, value, key], got " + in.size()
                            + " tensors");
                }
                INDArray q = in.get(0).value();
                INDArray v = in.get(1).value();
                INDArray k = in.size() > 2 ? in.get(2).value() : v;
                INDArray qMask = in.get(0).mask();
                INDArray vMask = in.get(1).mask();
                boolean causal = causalCfg || CallArgs.flag(call, "use_causal_mask", false);
                // Keras multiplies with matmul over the last two axes; on rank-2 inputs that is (B, D) x (D, B),
                // which mixes the samples of the batch, and so does this
                boolean flat = q.rank() == 2;
                INDArray scores;
                if (scoreMode.equals("dot")) {
                    scores = flat ? q.mmul(k.transpose()) : Nd.bmm(q, k.permute(0, 2, 1));
                    if (useScale) {
                        scores = scores.mul(w.get(0).getDouble(0));
                    }
                } else {
                    // (..., Tq, 1, D) + (..., 1, Tv, D)
                    INDArray sum = MergeLayers.broadcastApply(INDArray::add, Nd.expandDims(q, q.rank() - 1),
                            Nd.expandDims(k, k.rank() - 2));
                    int last = sum.rank() - 1;
                    if (additive) {
                        INDArray th = Transforms.tanh(sum, false);
                        if (useScale) {
                            th = th.muli(Nd.alignRight(w.get(0), th.rank()).broadcast(th.shape()));
                        }
                        scores = th.sum(last);
                    } else {
                        if (useScale) {
                            sum = sum.muli(w.get(0).getDouble(0));
                        }
                        scores = Transforms.tanh(sum, false).sum(last).muli(w.get(useScale ? 1 : 0).getDouble(0));
                    }
                }
                int sr = scores.rank();
                long tq = scores.size(sr - 2);
                long tv = scores.size(sr - 1);
                INDArray keep = null;
                if (vMask != null && !flat) {
                    keep = Nd.expandDims(vMask, 1).broadcast(scores.shape()).dup('c');
                }
                if (causal) {
                    INDArray tri = Nd.alignRight(causalMask(tq, tv), sr).broadcast(scores.shape());
                    keep = keep == null ? tri.dup('c') : keep.mul(tri);
                }
                if (keep != null) {
                    scores = scores.sub(keep.rsub(1.0).muli(MASKED));
                }
                INDArray probs = Nd.softmax(scores, sr - 1);
                INDArray out = flat ? probs.mmul(v) : Nd.bmm(probs, v);
                if (qMask != null && !flat) {
                    out = MergeLayers.broadcastApply(INDArray::mul, out, Nd.expandDims(qMask, 2));
                }
                List<Tensor> result = new ArrayList<>();
                result.add(new Tensor(out, qMask));
                if (CallArgs.flag(call, "return_attention_scores", false)) {
                    result.add(Tensor.of(probs));
                }
                return result;
            }

            @Override
            public Map<String, List<INDArray>> regularizedWeights() {
                return Map.of();
            }
        };
    }

    /** 1 where position i may attend to j (j ≤ i), as Keras's lower-triangular causal mask. */
    static INDArray causalMask(long tq, long tv) {
        INDArray m = Nd4j.zeros(DataType.FLOAT, tq, tv);
        for (long i = 0; i < tq; i++) {
            for (long j = 0; j <= Math.min(i, tv - 1); j++) {
                m.putScalar(new long[] {i, j}, 1.0);
            }
        }
        return m;
    }

    static char letter(int i) {
        return (char) ('a' + i);
    }

    /** Keras's {@code _build_proj_equation}: free axes kept, bound axes contracted, output axes added. */
    static String projEquation(int free, int bound, int output) {
        StringBuilder in = new StringBuilder();
        StringBuilder kernel = new StringBuilder();
        StringBuilder out = new StringBuilder();
        int off = 0;
        for (int i = 0; i < free; i++) {
            char c = letter(off + i);
            in.append(c);
            out.append(c);
        }
        off += free;
        for (int i = 0; i < bound; i++) {
            char c = letter(off + i);
            in.append(c);
            kernel.append(c);
        }
        off += bound;
        for (int i = 0; i < output; i++) {
            char c = letter(off + i);
            kernel.append(c);
            out.append(c);
        }
        return in + "," + kernel + "->" + out;
    }

    /** Keras's {@code _build_attention_equation} for projected tensors of {@code rank} axes. */
    static String[] attentionEquations(int rank, int[] attnAxes) {
        StringBuilder target = new StringBuilder();
        for (int i = 0; i < rank; i++) {
            target.append(letter(i));
        }
        List<Integer> batchDims = new ArrayList<>();
        for (int i = 0; i < rank; i++) {
            final int d = i;
            if (java.util.Arrays.stream(attnAxes).noneMatch(a -> a == d) && i != rank - 1) {
                batchDims.add(i);
            }
        }
        StringBuilder source = new StringBuilder();
        int off = rank;
        for (int i = 0; i < rank; i++) {
            if (batchDims.contains(i) || i == rank - 1) {
                source.append(target.charAt(i));
            } else {
                source.append(letter(off++));
            }
        }
        StringBuilder product = new StringBuilder();
        for (int b : batchDims) {
            product.append(target.charAt(b));
        }
        for (int a : attnAxes) {
            product.append(target.charAt(a));
        }
        for (int a : attnAxes) {
            product.append(source.charAt(a));
        }
        return new String[] {source + "," + target + "->" + product, product + "," + source + "->" + target};
    }

    static LayerOp multiHead(LayerContext ctx) {
        int heads = ctx.cfg.integer("num_heads", -1);
        int keyDim = ctx.cfg.integer("key_dim", -1);
        int valueDim = ctx.cfg.has("value_dim") ? ctx.cfg.integer("value_dim", keyDim) : keyDim;
        boolean useBias = ctx.cfg.bool("use_bias", true);
        List<Integer> attnAxesCfg = ctx.cfg.intListOrNull("attention_axes");
        if (ctx.cfg.bool("use_gate", false)) {
            ctx.unsupported("use_gate=True");
        }
        if (ctx.cfg.has("sliding_window")) {
            ctx.unsupported("sliding_window=" + ctx.cfg.raw("sliding_window"));
        }
        List<Integer> outShape = ctx.cfg.intListOrNull("output_shape");
        if (outShape != null && outShape.size() != 1) {
            ctx.unsupported("output_shape=" + outShape);
        }
        int per = useBias ? 2 : 1;
        if (ctx.weights.size() != 4 * per) {
            return ctx.invalid("expected " + 4 * per + " weights (query, key, value and output projections), the file "
                    + "has " + ctx.weights.size());
        }
        if (!ctx.expectWeights(useBias
                ? new long[][] {{-1, heads, keyDim}, {heads, keyDim}, {-1, heads, keyDim}, {heads, keyDim},
                        {-1, heads, valueDim}, {heads, valueDim}, {heads, valueDim, -1}, {-1}}
                : new long[][] {{-1, heads, keyDim}, {-1, heads, keyDim}, {-1, heads, valueDim},
                        {heads, valueDim, -1}})) {
            return null;
        }
        Weights w = ctx.weights;
        boolean k3 = ctx.flavor().major() >= 3;
        double invSqrt = 1.0 / Math.sqrt(keyDim);
        return new LayerOp() {
            @Override
            public List<Tensor> forward(List<Tensor> inputs, Call call, RunState run) {
                CallArgs args = CallArgs.of(inputs, call);
                List<Tensor> pos = args.positional();
                Tensor query = pos.get(0);
                Tensor value = pos.size() > 1 ? pos.get(1) : args.named1("value");
                Tensor key = pos.size() > 2 ? pos.get(2) : args.named1("key");
                Tensor explicitMask = args.named1("attention_mask");
                if (value == null) {
                    throw new InferenceException("MultiHeadAttention called without a value tensor");
                }
                boolean keyGiven = key != null;
                if (key == null) {
                    key = value;
                }
                int r = query.value().rank();
                int[] attnAxes;
                if (attnAxesCfg == null) {
                    attnAxes = new int[r - 2];
                    for (int i = 0; i < attnAxes.length; i++) {
                        attnAxes[i] = i + 1;
                    }
                } else {
                    attnAxes = attnAxesCfg.stream().mapToInt(a -> a < 0 ? a + r : a).toArray();
                }
                String qProj = projEquation(r - 1, 1, 2);
                INDArray q = project(qProj, query.value(), 0);
                INDArray k = project(qProj, key.value(), 1);
                INDArray v = project(qProj, value.value(), 2);
                q = q.mul(invSqrt);
                String[] eqs = attentionEquations(r + 1, attnAxes);
                INDArray scores = Einsum.parse(eqs[0]).apply(k, q);
                INDArray mask = attentionMask(query, value, key, keyGiven, explicitMask,
                        CallArgs.flag(call, "use_causal_mask", false), r);
                int nAttn = attnAxes.length;
                int[] normAxes = new int[nAttn];
                for (int i = 0; i < nAttn; i++) {
                    normAxes[i] = scores.rank() - nAttn + i;
                }
                if (mask != null) {
                    // the mask (B, T..., S...) gains the head axis
                    while (mask.rank() < scores.rank()) {
                        mask = Nd.expandDims(mask, mask.rank() - 2 * nAttn);
                    }
                    INDArray keep = MergeLayers.broadcastApply((a, b) -> b, scores, mask).dup('c');
                    INDArray drop = keep.rsub(1.0).muli(-MASKED);
                    scores = k3 ? scores.mul(keep).addi(drop) : scores.add(drop);
                    mask = keep;
                }
                INDArray shifted = scores.sub(scores.max(true, normAxes));
                INDArray e = Transforms.exp(shifted, false);
                INDArray probs = e.divi(e.sum(true, normAxes));
                if (mask != null && k3) {
                    probs = probs.muli(mask);
                }
                INDArray attended = Einsum.parse(eqs[1]).apply(probs, v);
                String outProj = projEquation(r - 1, 2, 1);
                INDArray out = Einsum.parse(outProj).apply(attended, w.get(3 * (useBias ? 2 : 1)));
                if (useBias) {
                    out.addi(w.get(7));
                }
                List<Tensor> result = new ArrayList<>();
                result.add(new Tensor(out, query.mask()));
                if (CallArgs.flag(call, "return_attention_scores", false)) {
                    result.add(Tensor.of(probs));
                }
                return result;
            }

            private INDArray project(String eq, INDArray x, int which) {
                INDArray y = Einsum.parse(eq).apply(x, w.get(which * (useBias ? 2 : 1)));
                if (useBias) {
                    y = MergeLayers.broadcastApply(INDArray::add, y, Nd.alignRight(w.get(which * 2 + 1), y.rank()));
                }
                return y;
            }

            @Override
            public Map<String, List<INDArray>> regularizedWeights() {
                Map<String, List<INDArray>> m = new HashMap<>();
                List<INDArray> kernels = new ArrayList<>();
                List<INDArray> biases = new ArrayList<>();
                for (int i = 0; i < 4; i++) {
                    kernels.add(w.get(i * per));
                    if (useBias) {
                        biases.add(w.get(i * per + 1));
                    }
                }
                m.put("kernel", kernels);
                if (useBias) {
                    m.put("bias", biases);
                }
                return m;
            }
        };
    }

    /**
     * Keras's {@code _compute_attention_mask}: the query mask as (B, T, 1), value and key masks as
     * (B, 1, S), the causal mask (1, T, S) and an explicit attention mask, combined with AND.
     */
    @Nullable
    static INDArray attentionMask(Tensor query, Tensor value, Tensor key, boolean keyGiven, @Nullable Tensor explicit,
            boolean causal, int rank) {
        INDArray m = null;
        if (rank == 3) {
            if (query.mask() != null) {
                m = Nd.expandDims(query.mask(), 2);
            }
            if (value.mask() != null) {
                m = and(m, Nd.expandDims(value.mask(), 1));
            }
            if (keyGiven && key != value && key.mask() != null) {
                m = and(m, Nd.expandDims(key.mask(), 1));
            }
            if (causal) {
                long t = query.value().size(1);
                long s = value.value().size(1);
                m = and(m, causalMask(t, s).reshape(1, t, s));
            }
        } else if (causal || query.mask() != null || value.mask() != null) {
            throw new InferenceException("masks on MultiHeadAttention inputs of rank " + rank + " are not supported");
        }
        if (explicit != null) {
            m = and(m, Nd.greaterThan(explicit.value(), 0.5));
        }
        return m;
    }

    static INDArray and(@Nullable INDArray a, INDArray b) {
        return a == null ? b : MergeLayers.broadcastApply(INDArray::mul, broadcastRank(a, b), broadcastRank(b, a));
    }

    private static INDArray broadcastRank(INDArray x, INDArray other) {
        return Nd.alignRight(x, Math.max(x.rank(), other.rank()));
    }

    static LayerOp einsumDense(LayerContext ctx) {
        String equation = ctx.cfg.string("equation", "");
        Einsum e;
        try {
            e = Einsum.parse(equation);
        } catch (IllegalArgumentException ex) {
            return ctx.unsupported("equation=" + equation);
        }
        String biasAxes = ctx.cfg.stringOrNull("bias_axes");
        UnaryOperator<INDArray> act = ctx.activation("activation", "linear");
        int n = biasAxes == null ? 1 : 2;
        if (ctx.weights.size() != n) {
            return ctx.invalid("expected " + n + " weights, the file has " + ctx.weights.size());
        }
        Weights w = ctx.weights;
        return new CoreLayers.Elementwise() {
            @Override
            public INDArray apply(INDArray x) {
                INDArray y = e.apply(x, w.get(0));
                if (biasAxes != null) {
                    // the stored bias has the trailing output axes from the first biased one, 1 where unbiased
                    y = MergeLayers.broadcastApply(INDArray::add, y, Nd.alignRight(w.get(1), y.rank()));
                }
                return act.apply(y);
            }

            @Override
            public Map<String, List<INDArray>> regularizedWeights() {
                return biasAxes == null ? Map.of("kernel", List.of(w.get(0)))
                        : Map.of("kernel", List.of(w.get(0)), "bias", List.of(w.get(1)));
            }
        };
    }
}
