package io.kerasregistry.inference;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/** Dense, Activation, the inference-time identities, reshaping of the feature axes, Embedding, Masking. */
final class CoreLayers {

    private CoreLayers() {
    }

    /** Layers that compute nothing at inference: noise, dropout and random augmentation. */
    static final List<String> IDENTITIES = List.of("InputLayer", "Dropout", "SpatialDropout1D", "SpatialDropout2D",
            "SpatialDropout3D", "GaussianNoise", "GaussianDropout", "AlphaDropout", "Identity",
            "RandomFlip", "RandomRotation", "RandomZoom", "RandomTranslation", "RandomContrast", "RandomBrightness",
            "RandomHeight", "RandomWidth");

    static void register(Translators t) {
        for (String name : IDENTITIES) {
            t.put(name, CoreLayers::identity);
        }
        t.put("Dense", CoreLayers::dense);
        t.put("Activation", CoreLayers::activation);
        t.put("Flatten", CoreLayers::flatten);
        t.put("Reshape", CoreLayers::reshape);
        t.put("Permute", CoreLayers::permute);
        t.put("RepeatVector", CoreLayers::repeatVector);
        t.put("Masking", CoreLayers::masking);
        t.put("Embedding", CoreLayers::embedding);
        t.put("Rescaling", CoreLayers::rescaling);
        t.put("Normalization", CoreLayers::normalization);
        t.put("ActivityRegularization", CoreLayers::activityRegularization);
    }

    /** Ops that map each input to one output and keep its mask. */
    interface Elementwise extends LayerOp {
        INDArray apply(INDArray x);

        @Override
        default List<Tensor> forward(List<Tensor> inputs, io.kerasregistry.keras.Call call, RunState run) {
            Tensor in = inputs.get(0);
            return List.of(new Tensor(apply(in.value()), in.mask()));
        }
    }

    /** Ops that drop the mask (the output's axes no longer line up with the mask). */
    interface Unmasked extends LayerOp {
        INDArray apply(INDArray x);

        @Override
        default List<Tensor> forward(List<Tensor> inputs, io.kerasregistry.keras.Call call, RunState run) {
            return List.of(Tensor.of(apply(inputs.get(0).value())));
        }
    }

    static LayerOp identity(LayerContext ctx) {
        if (ctx.weights.size() != 0 && !ctx.className.startsWith("Random")) {
            return ctx.invalid("expected no weights, the file has " + ctx.weights.size());
        }
        // random augmentation layers may store seed-generator state; it plays no part at inference
        return (LayerOp) (inputs, call, run) -> inputs;
    }

    /**
     * The identity, plus the penalty {@code l1·Σ|x| + l2·Σx²} of its input, which Keras adds to
     * {@code model.losses} as the layer's activity regularizer (per sample where that Keras divides).
     */
    static LayerOp activityRegularization(LayerContext ctx) {
        double l1 = ctx.cfg.number("l1", 0.0);
        double l2 = ctx.cfg.number("l2", 0.0);
        boolean perSample = ctx.flavor().activityPenaltyPerSample();
        String path = ctx.path;
        return (inputs, call, run) -> {
            for (Tensor t : inputs) {
                double v = (l1 == 0 ? 0 : l1 * Penalties.sumAbs(t.value()))
                        + (l2 == 0 ? 0 : l2 * Penalties.sumSquares(t.value()));
                if (perSample && t.value().rank() > 0) {
                    v /= t.value().size(0);
                }
                run.activityPenalties.add(new PenaltyTerm(path, "activity_regularizer", "ActivityRegularization", v));
            }
            return inputs;
        };
    }

    static LayerOp dense(LayerContext ctx) {
        int units = ctx.cfg.integer("units", ctx.cfg.integer("output_dim", -1));
        boolean useBias = ctx.cfg.bool("use_bias", ctx.cfg.bool("bias", true));
        UnaryOperator<INDArray> act = ctx.activation("activation", "linear");
        if (!ctx.expectWeights(useBias ? new long[][] {{-1, units}, {units}} : new long[][] {{-1, units}})) {
            return null;
        }
        Weights w = ctx.weights;
        return new Elementwise() {
            @Override
            public INDArray apply(INDArray x) {
                INDArray y = Nd.matmulLast(x, w.get(0));
                if (useBias) {
                    y.addi(w.get(1));
                }
                return act.apply(y);
            }

            @Override
            public Map<String, List<INDArray>> regularizedWeights() {
                return useBias ? Map.of("kernel", List.of(w.get(0)), "bias", List.of(w.get(1)))
                        : Map.of("kernel", List.of(w.get(0)));
            }
        };
    }

    static LayerOp activation(LayerContext ctx) {
        UnaryOperator<INDArray> act = ctx.activation("activation", "linear");
        if (act == null) {
            return null;
        }
        return (Elementwise) act::apply;
    }

    static LayerOp flatten(LayerContext ctx) {
        boolean cf = ctx.channelsFirst();
        return (Unmasked) x -> {
            INDArray v = x;
            if (cf && x.rank() > 2) {
                int[] perm = new int[x.rank()];
                perm[0] = 0;
                for (int i = 1; i < x.rank() - 1; i++) {
                    perm[i] = i + 1;
                }
                perm[x.rank() - 1] = 1;
                v = x.permute(perm);
            }
            return Nd.reshape(v, x.size(0), x.length() / Math.max(1, x.size(0)));
        };
    }

    static LayerOp reshape(LayerContext ctx) {
        List<Integer> target = ctx.cfg.intListOrNull("target_shape");
        if (target == null) {
            return ctx.invalid("Reshape without target_shape");
        }
        return (Unmasked) x -> {
            long[] shape = new long[target.size() + 1];
            shape[0] = x.size(0);
            long known = 1;
            int unknown = -1;
            for (int i = 0; i < target.size(); i++) {
                Integer d = target.get(i);
                if (d == null || d == -1) {
                    unknown = i + 1;
                } else {
                    shape[i + 1] = d;
                    known *= d;
                }
            }
            long per = x.length() / Math.max(1, x.size(0));
            if (unknown >= 0) {
                shape[unknown] = per / known;
            }
            return Nd.reshape(x, shape);
        };
    }

    static LayerOp permute(LayerContext ctx) {
        List<Integer> dims = ctx.cfg.intListOrNull("dims");
        if (dims == null) {
            return ctx.invalid("Permute without dims");
        }
        int[] perm = new int[dims.size() + 1];
        for (int i = 0; i < dims.size(); i++) {
            perm[i + 1] = dims.get(i);
        }
        return (Unmasked) x -> x.permute(perm).dup('c');
    }

    static LayerOp repeatVector(LayerContext ctx) {
        int n = ctx.cfg.integer("n", -1);
        return (Unmasked) x -> {
            INDArray e = Nd.expandDims(x, 1);
            List<INDArray> copies = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                copies.add(e);
            }
            return Nd.concat(1, copies);
        };
    }

    static LayerOp masking(LayerContext ctx) {
        double maskValue = ctx.cfg.number("mask_value", 0.0);
        return (inputs, call, run) -> {
            INDArray x = inputs.get(0).value();
            int last = x.rank() - 1;
            // kept where any feature differs from mask_value
            INDArray keep = x.neq(maskValue).castTo(DataType.FLOAT).max(true, last);
            INDArray out = x.mul(keep);
            long[] ms = java.util.Arrays.copyOf(x.shape(), last);
            return List.of(new Tensor(out, Nd.reshape(keep, ms)));
        };
    }

    static LayerOp embedding(LayerContext ctx) {
        int inputDim = ctx.cfg.integer("input_dim", -1);
        int outputDim = ctx.cfg.integer("output_dim", -1);
        boolean maskZero = ctx.cfg.bool("mask_zero", false);
        if (!ctx.expectWeights(new long[] {inputDim, outputDim})) {
            return null;
        }
        Weights w = ctx.weights;
        return new LayerOp() {
            @Override
            public List<Tensor> forward(List<Tensor> inputs, io.kerasregistry.keras.Call call, RunState run) {
                INDArray x = inputs.get(0).value();
                INDArray table = w.get(0);
                long[] ids = Nd.contiguous(x).castTo(DataType.INT64).data().asLong();
                for (long id : ids) {
                    if (id < 0 || id >= table.size(0)) {
                        throw new InferenceException("Embedding index " + id + " is outside [0, " + table.size(0) + ")");
                    }
                }
                INDArray rows = Nd4j.pullRows(table, 1, java.util.Arrays.stream(ids).mapToInt(l -> (int) l).toArray());
                long[] shape = Nd.concatShape(x.shape(), new long[] {table.size(1)});
                INDArray out = rows.reshape('c', shape);
                INDArray mask = null;
                if (maskZero) {
                    mask = x.neq(0.0).castTo(DataType.FLOAT);
                    if (mask.rank() > 2) {
                        mask = null;
                    }
                }
                return List.of(new Tensor(out, mask));
            }

            @Override
            public Map<String, List<INDArray>> regularizedWeights() {
                return Map.of("embeddings", List.of(w.get(0)));
            }
        };
    }

    static LayerOp rescaling(LayerContext ctx) {
        List<Double> scale = ctx.cfg.doubleListOrNull("scale");
        List<Double> offset = ctx.cfg.doubleListOrNull("offset");
        if (scale == null) {
            return ctx.invalid("Rescaling without scale");
        }
        INDArray s = toArray(scale);
        INDArray o = offset == null ? Nd4j.scalar(DataType.FLOAT, 0.0) : toArray(offset);
        return (Elementwise) x -> broadcastLast(broadcastLast(x, s, true), o, false);
    }

    private static INDArray toArray(List<Double> values) {
        float[] f = new float[values.size()];
        for (int i = 0; i < f.length; i++) {
            f[i] = values.get(i).floatValue();
        }
        return Nd4j.createFromArray(f);
    }

    /** {@code x * v} (multiply) or {@code x + v} with {@code v} a scalar or a vector over the last axis. */
    private static INDArray broadcastLast(INDArray x, INDArray v, boolean multiply) {
        if (v.length() == 1) {
            double s = v.getDouble(0);
            return multiply ? x.mul(s) : x.add(s);
        }
        return multiply ? x.mul(v) : x.add(v);
    }

    static LayerOp normalization(LayerContext ctx) {
        List<Integer> axes = ctx.cfg.intListOrNull("axis");
        List<Integer> keep = axes == null ? List.of(-1) : axes;
        boolean invert = ctx.cfg.bool("invert", false);
        List<Double> meanCfg = ctx.cfg.doubleListOrNull("mean");
        List<Double> varCfg = ctx.cfg.doubleListOrNull("variance");
        boolean fromConfig = meanCfg != null && varCfg != null;
        if (!fromConfig && ctx.weights.size() != 3 && ctx.weights.size() != 2) {
            return ctx.invalid("expected mean, variance and count weights, the file has " + ctx.weights.size());
        }
        Weights w = ctx.weights;
        double eps = 1e-7;
        return (Elementwise) x -> {
            int rank = x.rank();
            long[] bshape = new long[rank];
            java.util.Arrays.fill(bshape, 1);
            List<Integer> k = keep.stream().map(a -> Nd.axis(a, rank)).sorted().toList();
            for (int a : k) {
                bshape[a] = x.size(a);
            }
            INDArray mean;
            INDArray var;
            if (fromConfig) {
                mean = toArray(meanCfg);
                var = toArray(varCfg);
            } else {
                mean = w.get(0);
                var = w.get(1);
            }
            mean = mean.length() == 1 ? Nd4j.valueArrayOf(bshape, mean.getDouble(0), DataType.FLOAT)
                    : Nd.reshape(mean, bshape);
            var = var.length() == 1 ? Nd4j.valueArrayOf(bshape, var.getDouble(0), DataType.FLOAT)
                    : Nd.reshape(var, bshape);
            INDArray sd = Transforms.max(Transforms.sqrt(var, true), eps, false);
            return invert ? x.mul(sd).add(mean) : x.sub(mean).div(sd);
        };
    }
}
