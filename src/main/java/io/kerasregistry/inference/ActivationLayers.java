package io.kerasregistry.inference;

import io.kerasregistry.keras.Call;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/** ReLU, LeakyReLU, PReLU, ELU, Softmax, ThresholdedReLU ({@code keras/src/layers/activations}). */
final class ActivationLayers {

    private ActivationLayers() {
    }

    static void register(Translators t) {
        t.put("ReLU", ActivationLayers::relu);
        t.put("LeakyReLU", ctx -> {
            // Keras 3 calls it negative_slope, Keras 2 alpha; both default to 0.3
            double slope = ctx.cfg.number("negative_slope", ctx.cfg.number("alpha", 0.3));
            return (CoreLayers.Elementwise) x -> Activations.leakyRelu(x, slope);
        });
        t.put("ELU", ctx -> {
            double alpha = ctx.cfg.number("alpha", 1.0);
            return (CoreLayers.Elementwise) x -> Activations.elu(x, alpha);
        });
        t.put("ThresholdedReLU", ctx -> {
            double theta = ctx.cfg.number("theta", 1.0);
            return (CoreLayers.Elementwise) x -> x.mul(Nd.greaterThan(x, theta));
        });
        t.put("Softmax", ActivationLayers::softmax);
        t.put("PReLU", ActivationLayers::prelu);
    }

    /** Keras's {@code relu(x, negative_slope, max_value, threshold)}, term by term. */
    static LayerOp relu(LayerContext ctx) {
        double slope = ctx.cfg.number("negative_slope", 0.0);
        Double max = ctx.cfg.has("max_value") ? ctx.cfg.number("max_value", 0) : null;
        double threshold = ctx.cfg.number("threshold", 0.0);
        return (CoreLayers.Elementwise) x -> relu(x, slope, max, threshold);
    }

    static INDArray relu(INDArray x, double slope, Double max, double threshold) {
        INDArray neg = null;
        if (slope != 0) {
            neg = threshold != 0 ? Nd.relu(x.neg().addi(threshold)) : Nd.relu(x.neg());
        }
        INDArray y = threshold != 0 ? x.mul(Nd.greaterThan(x, threshold)) : Nd.relu(x);
        if (max != null) {
            y = Nd.clip(y, 0, max);
        }
        if (neg != null) {
            y = y.subi(neg.muli(slope));
        }
        return y;
    }

    static LayerOp softmax(LayerContext ctx) {
        List<Integer> axes = ctx.cfg.intListOrNull("axis");
        List<Integer> ax = axes == null ? List.of(-1) : axes;
        boolean k3 = ctx.flavor().major() >= 3;
        return new LayerOp() {
            @Override
            public List<Tensor> forward(List<Tensor> inputs, Call call, RunState run) {
                INDArray x = inputs.get(0).value();
                int rank = x.rank();
                INDArray keep = null;
                if (inputs.size() > 1) {
                    // an explicit mask argument, aligned to the input from the right
                    INDArray m = Nd.alignRight(inputs.get(1).value(), x.rank());
                    keep = MergeLayers.broadcastApply((a, b) -> b, x, Nd.greaterThan(m, 0.5));
                    INDArray dropped = keep.rsub(1.0).muli(-1e9);
                    // Keras 3 replaces masked logits by -1e9, Keras 2 adds -1e9 to them
                    x = k3 ? x.mul(keep).addi(dropped) : x.add(dropped);
                }
                int[] dims = ax.stream().mapToInt(a -> Nd.axis(a, rank)).toArray();
                INDArray shifted = x.sub(x.max(true, dims));
                INDArray e = Transforms.exp(shifted, false);
                INDArray out = e.divi(e.sum(true, dims));
                if (keep != null && k3) {
                    out = out.muli(keep);
                }
                return List.of(new Tensor(out, inputs.get(0).mask()));
            }
        };
    }

    static LayerOp prelu(LayerContext ctx) {
        if (ctx.weights.size() != 1) {
            return ctx.invalid("expected 1 weight (alpha), the file has " + ctx.weights.size());
        }
        Weights w = ctx.weights;
        return new CoreLayers.Elementwise() {
            @Override
            public INDArray apply(INDArray x) {
                INDArray alpha = Nd.expandDims(w.get(0), 0);
                INDArray neg = MergeLayers.broadcastApply(INDArray::mul, Nd.relu(x.neg()), alpha);
                return Nd.relu(x).subi(neg);
            }

            @Override
            public Map<String, List<INDArray>> regularizedWeights() {
                return Map.of("alpha", List.of(w.get(0)));
            }
        };
    }
}
