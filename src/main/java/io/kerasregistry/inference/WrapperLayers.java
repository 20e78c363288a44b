package io.kerasregistry.inference;

import io.kerasregistry.keras.Call;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** TimeDistributed and Bidirectional ({@code keras/src/layers/rnn/time_distributed.py, bidirectional.py}). */
final class WrapperLayers {

    private WrapperLayers() {
    }

    static void register(Translators t) {
        t.put("TimeDistributed", WrapperLayers::timeDistributed);
        t.put("Bidirectional", WrapperLayers::bidirectional);
    }

    static String innerName(JsonNode spec, String def) {
        return spec.path("config").path("name").asString(def);
    }

    /** The wrapped layer runs on every timestep: batch and time are folded into one axis around it. */
    static LayerOp timeDistributed(LayerContext ctx) {
        JsonNode spec = ctx.cfg.raw("layer");
        if (spec == null || !spec.isObject()) {
            return ctx.invalid("TimeDistributed without a wrapped layer");
        }
        // the wrapped layer's path is the wrapper's plus its own name, as the reader attributes its regularizers
        LayerOp inner = ctx.inner(spec, ctx.path + "/" + innerName(spec, "layer"), ctx.weights);
        if (inner == null) {
            return null;
        }
        return new LayerOp() {
            @Override
            public List<Tensor> forward(List<Tensor> inputs, Call call, RunState run) {
                Tensor in = inputs.get(0);
                INDArray x = in.value();
                long b = x.size(0);
                long t = x.size(1);
                long[] folded = new long[x.rank() - 1];
                folded[0] = b * t;
                System.arraycopy(x.shape(), 2, folded, 1, x.rank() - 2);
                List<Tensor> innerIn = new ArrayList<>();
                innerIn.add(Tensor.of(Nd.reshape(x, folded)));
                List<Tensor> outs = inner.forward(innerIn, call, run);
                List<Tensor> result = new ArrayList<>();
                for (Tensor o : outs) {
                    INDArray y = o.value();
                    long[] unfolded = new long[y.rank() + 1];
                    unfolded[0] = b;
                    unfolded[1] = t;
                    System.arraycopy(y.shape(), 1, unfolded, 2, y.rank() - 1);
                    result.add(new Tensor(Nd.reshape(y, unfolded), in.mask()));
                }
                return result;
            }

            @Override
            public Map<String, List<INDArray>> regularizedWeights() {
                return inner.regularizedWeights();
            }
        };
    }

    static LayerOp bidirectional(LayerContext ctx) {
        JsonNode spec = ctx.cfg.raw("layer");
        if (spec == null || !spec.isObject()) {
            return ctx.invalid("Bidirectional without a wrapped layer");
        }
        JsonNode mm = ctx.cfg.node().get("merge_mode");
        // absent means Keras's default "concat"; an explicit null returns both directions
        String mergeMode = mm == null ? "concat" : mm.isNull() ? null : mm.asString();
        if (mergeMode != null && !List.of("concat", "sum", "ave", "mul").contains(mergeMode)) {
            return ctx.unsupported("merge_mode=" + mergeMode);
        }
        JsonNode back = ctx.cfg.raw("backward_layer");
        boolean ownBackward = back != null && back.isObject();
        if (!ownBackward) {
            // Keras rebuilds the backward layer from the forward layer's config with go_backwards flipped
            ObjectNode copy = (ObjectNode) spec.deepCopy();
            ObjectNode cfg = (ObjectNode) copy.get("config");
            cfg.put("go_backwards", !cfg.path("go_backwards").asBoolean(false));
            back = copy;
        }
        int n = ctx.weights.size();
        if (n % 2 != 0) {
            return ctx.invalid("Bidirectional needs as many backward as forward weights, the file has " + n);
        }
        String fwdPath = ctx.path + "/" + innerName(spec, "layer");
        String bwdPath = ownBackward ? ctx.path + "/" + innerName(back, "backward_layer") : fwdPath + "#backward";
        LayerOp fwd = ctx.inner(spec, fwdPath, ctx.weights.slice(0, n / 2));
        LayerOp bwd = ctx.inner(back, bwdPath, ctx.weights.slice(n / 2, n));
        if (fwd == null || bwd == null) {
            return null;
        }
        if (!(fwd instanceof RecurrentLayers.RnnOp f) || !(bwd instanceof RecurrentLayers.RnnOp bk)) {
            return ctx.unsupported("layer=" + spec.path("class_name").asString("?"));
        }
        if (ctx.flavor().tfKeras() || ctx.flavor().major() >= 3) {
            // tf.keras and Keras 3 force a zero output at masked steps when the sequence is returned;
            // standalone Keras 1/2 repeat the previous output there, as every RNN does
            f.zeroOutputForMask = f.returnSequences;
            bk.zeroOutputForMask = bk.returnSequences;
        }
        String mode = mergeMode;
        LayerOp op = new LayerOp() {
            @Override
            public List<Tensor> forward(List<Tensor> inputs, Call call, RunState run) {
                Tensor in = inputs.get(0);
                int states = inputs.size() - 1;
                List<Tensor> fIn = new ArrayList<>();
                List<Tensor> bIn = new ArrayList<>();
                fIn.add(in);
                bIn.add(in);
                for (int i = 0; i < states; i++) {
                    (i < states / 2 ? fIn : bIn).add(inputs.get(i + 1));
                }
                List<Tensor> yf = f.forward(fIn, call, run);
                List<Tensor> yb = bk.forward(bIn, call, run);
                INDArray a = yf.get(0).value();
                INDArray b = yb.get(0).value();
                if (f.returnSequences) {
                    b = Nd.reverse(b, 1);
                }
                INDArray mask = f.returnSequences ? in.mask() : null;
                List<Tensor> out = new ArrayList<>();
                if (mode == null) {
                    out.add(new Tensor(a, mask));
                    out.add(new Tensor(b, mask));
                } else {
                    INDArray y = switch (mode) {
                        case "concat" -> Nd.concat(a.rank() - 1, List.of(a, b));
                        case "sum" -> a.add(b);
                        case "ave" -> a.add(b).divi(2.0);
                        case "mul" -> a.mul(b);
                        default -> throw new IllegalStateException(mode);
                    };
                    out.add(new Tensor(y, mask));
                }
                out.addAll(yf.subList(1, yf.size()));
                out.addAll(yb.subList(1, yb.size()));
                return out;
            }

            @Override
            public Map<String, List<INDArray>> regularizedWeights() {
                Map<String, List<INDArray>> m = new HashMap<>();
                for (LayerOp inner : List.of(f, bk)) {
                    inner.regularizedWeights().forEach((k, v) -> m.computeIfAbsent(k, x -> new ArrayList<>()).addAll(v));
                }
                return m;
            }
        };
        if (!ownBackward) {
            // the file names only the forward layer; its regularizers apply to the backward copy too, as in Keras
            ctx.comp.opsByPath.put(fwdPath, op);
        }
        return op;
    }
}
