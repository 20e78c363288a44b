package io.kerasregistry.inference;

import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Convolutions ({@code keras/src/layers/convolutional}): Conv1D/2D/3D, their Keras 1 names, depthwise,
 * separable and transposed forms. All computed channels-last; {@code channels_first} inputs are
 * transposed in and out.
 */
final class ConvLayers {

    private ConvLayers() {
    }

    static void register(Translators t) {
        for (int rank = 1; rank <= 3; rank++) {
            int r = rank;
            t.put("Conv" + r + "D", ctx -> conv(ctx, r));
            t.put("Convolution" + r + "D", ctx -> conv(ctx, r));
            t.put("Conv" + r + "DTranspose", ctx -> convTranspose(ctx, r));
        }
        t.put("AtrousConvolution1D", ctx -> conv(ctx, 1));
        t.put("AtrousConvolution2D", ctx -> conv(ctx, 2));
        t.put("DepthwiseConv1D", ctx -> depthwise(ctx, 1));
        t.put("DepthwiseConv2D", ctx -> depthwise(ctx, 2));
        t.put("SeparableConv1D", ctx -> separable(ctx, 1));
        t.put("SeparableConv2D", ctx -> separable(ctx, 2));
        t.put("SeparableConvolution2D", ctx -> separable(ctx, 2));
    }

    /** The options every convolution shares, read in Keras 2/3 or Keras 1 spelling. */
    record Geometry(int[] kernel, int[] strides, int[] dilation, String padding, boolean channelsFirst) {

        static Geometry read(LayerContext ctx, int rank, boolean allowCausal) {
            Config c = ctx.cfg;
            int[] kernel;
            if (c.has("kernel_size")) {
                kernel = c.ints("kernel_size", rank, 1);
            } else if (rank == 1 && c.has("filter_length")) {
                kernel = c.ints("filter_length", 1, 1);
            } else if (rank == 2 && c.has("nb_row")) {
                kernel = new int[] {c.integer("nb_row", 1), c.integer("nb_col", 1)};
            } else if (rank == 3 && c.has("kernel_dim1")) {
                kernel = new int[] {c.integer("kernel_dim1", 1), c.integer("kernel_dim2", 1), c.integer("kernel_dim3", 1)};
            } else {
                kernel = null;
            }
            int[] strides = c.has("strides") ? c.ints("strides", rank, 1)
                    : c.has("subsample_length") ? c.ints("subsample_length", 1, 1)
                    : c.ints("subsample", rank, 1);
            int[] dilation = c.has("dilation_rate") ? c.ints("dilation_rate", rank, 1) : c.ints("atrous_rate", rank, 1);
            String padding = c.has("padding") ? c.string("padding", "valid") : c.string("border_mode", "valid");
            if (!(padding.equals("valid") || padding.equals("same") || (allowCausal && padding.equals("causal")))) {
                ctx.unsupported("padding=" + padding);
            }
            boolean cf = ctx.channelsFirst();
            if (kernel == null) {
                ctx.invalid("no kernel_size in the config");
                kernel = new int[rank];
            }
            boolean stridedAndDilated = false;
            for (int i = 0; i < rank; i++) {
                stridedAndDilated |= strides[i] > 1 && dilation[i] > 1;
            }
            if (stridedAndDilated) {
                // Keras refuses this combination when building the layer
                ctx.invalid("strides > 1 together with dilation_rate > 1");
            }
            return new Geometry(kernel, strides, dilation, padding, cf);
        }

        INDArray in(INDArray x) {
            return channelsFirst ? Conv.toChannelsLast(x) : x;
        }

        INDArray out(INDArray y) {
            return channelsFirst ? Conv.toChannelsFirst(y) : y;
        }
    }

    static long[] kernelShape(int[] kernel, long... tail) {
        long[] s = new long[kernel.length + tail.length];
        for (int i = 0; i < kernel.length; i++) {
            s[i] = kernel[i];
        }
        System.arraycopy(tail, 0, s, kernel.length, tail.length);
        return s;
    }

    static boolean useBias(LayerContext ctx) {
        return ctx.cfg.bool("use_bias", ctx.cfg.bool("bias", true));
    }

    static int filters(LayerContext ctx) {
        return ctx.cfg.integer("filters", ctx.cfg.integer("nb_filter", -1));
    }

    static LayerOp conv(LayerContext ctx, int rank) {
        Geometry g = Geometry.read(ctx, rank, rank == 1);
        int filters = filters(ctx);
        int groups = ctx.cfg.integer("groups", 1);
        boolean bias = useBias(ctx);
        UnaryOperator<INDArray> act = ctx.activation("activation", "linear");
        boolean keras1 = ctx.flavor().major() == 1;
        if (filters <= 0 || groups <= 0 || filters % groups != 0) {
            return ctx.invalid("filters=" + filters + " is not a positive multiple of groups=" + groups);
        }
        if (ctx.weights.size() != (bias ? 2 : 1)) {
            return ctx.invalid("expected " + (bias ? 2 : 1) + " weights, the file has " + ctx.weights.size());
        }
        if (!keras1 && !ctx.expectWeights(bias ? new long[][] {kernelShape(g.kernel(), -1, filters), {filters}}
                : new long[][] {kernelShape(g.kernel(), -1, filters)})) {
            return null;
        }
        Weights w = ctx.weights;
        return new CoreLayers.Unmasked() {
            @Override
            public void prepare() {
                if (keras1) {
                    w.replace(0, keras1Kernel(w.get(0), rank, g.channelsFirst(), g.kernel(), filters));
                }
            }

            @Override
            public INDArray apply(INDArray x) {
                INDArray xi = g.in(x);
                if (xi.size(xi.rank() - 1) % groups != 0) {
                    throw new InferenceException("input channels " + xi.size(xi.rank() - 1)
                            + " are not divisible by groups=" + groups);
                }
                INDArray y = Conv.conv(xi, w.get(0), g.strides(), g.dilation(), g.padding(), groups);
                if (bias) {
                    y.addi(w.get(1));
                }
                return g.out(act.apply(y));
            }

            @Override
            public Map<String, List<INDArray>> regularizedWeights() {
                return bias ? Map.of("kernel", List.of(w.get(0)), "bias", List.of(w.get(1)))
                        : Map.of("kernel", List.of(w.get(0)));
            }
        };
    }

    /**
     * Keras 1 kernels as Keras 2's loader converts them ({@code preprocess_weights_for_loading}):
     * Theano ordering {@code (filters, in, k...)} to {@code (k..., in, filters)}; Conv1D stored as
     * {@code (k, 1, in, filters)} (or Keras 1.1's {@code (filters, in, k, 1)}) to {@code (k, in, filters)}.
     */
    static INDArray keras1Kernel(INDArray k, int rank, boolean channelsFirst, int[] kernel, int filters) {
        if (rank == 1 && k.rank() == 4) {
            INDArray kk = k;
            if (!(k.size(0) == kernel[0] && k.size(1) == 1 && k.size(3) == filters)) {
                kk = k.permute(2, 3, 1, 0);
            }
            return Nd.take(kk, 1, 0);
        }
        if (channelsFirst && rank == 2 && k.rank() == 4) {
            return k.permute(2, 3, 1, 0).dup('c');
        }
        if (channelsFirst && rank == 3 && k.rank() == 5) {
            return k.permute(2, 3, 4, 1, 0).dup('c');
        }
        return k;
    }

    static LayerOp depthwise(LayerContext ctx, int rank) {
        Geometry g = Geometry.read(ctx, rank, rank == 1);
        int mult = ctx.cfg.integer("depth_multiplier", 1);
        boolean bias = useBias(ctx);
        UnaryOperator<INDArray> act = ctx.activation("activation", "linear");
        if (!ctx.expectWeights(bias ? new long[][] {kernelShape(g.kernel(), -1, mult), {-1}}
                : new long[][] {kernelShape(g.kernel(), -1, mult)})) {
            return null;
        }
        Weights w = ctx.weights;
        return new CoreLayers.Unmasked() {
            @Override
            public INDArray apply(INDArray x) {
                INDArray y = Conv.depthwise(g.in(x), w.get(0), g.strides(), g.dilation(), g.padding());
                if (bias) {
                    y.addi(w.get(1));
                }
                return g.out(act.apply(y));
            }

            @Override
            public Map<String, List<INDArray>> regularizedWeights() {
                return bias ? Map.of("depthwise", List.of(w.get(0)), "bias", List.of(w.get(1)))
                        : Map.of("depthwise", List.of(w.get(0)));
            }
        };
    }

    static LayerOp separable(LayerContext ctx, int rank) {
        Geometry g = Geometry.read(ctx, rank, rank == 1);
        int mult = ctx.cfg.integer("depth_multiplier", 1);
        int filters = filters(ctx);
        boolean bias = useBias(ctx);
        UnaryOperator<INDArray> act = ctx.activation("activation", "linear");
        long[] pointwise = new long[rank + 2];
        java.util.Arrays.fill(pointwise, 1);
        pointwise[rank] = -1;
        pointwise[rank + 1] = filters;
        if (!ctx.expectWeights(bias ? new long[][] {kernelShape(g.kernel(), -1, mult), pointwise, {filters}}
                : new long[][] {kernelShape(g.kernel(), -1, mult), pointwise})) {
            return null;
        }
        Weights w = ctx.weights;
        return new CoreLayers.Unmasked() {
            @Override
            public INDArray apply(INDArray x) {
                INDArray d = Conv.depthwise(g.in(x), w.get(0), g.strides(), g.dilation(), g.padding());
                INDArray pw = w.get(1);
                INDArray y = Nd.matmulLast(d, Nd.reshape(pw, pw.size(rank), pw.size(rank + 1)));
                if (bias) {
                    y.addi(w.get(2));
                }
                return g.out(act.apply(y));
            }

            @Override
            public Map<String, List<INDArray>> regularizedWeights() {
                return bias ? Map.of("depthwise", List.of(w.get(0)), "pointwise", List.of(w.get(1)), "bias",
                        List.of(w.get(2))) : Map.of("depthwise", List.of(w.get(0)), "pointwise", List.of(w.get(1)));
            }
        };
    }

    static LayerOp convTranspose(LayerContext ctx, int rank) {
        Geometry g = Geometry.read(ctx, rank, false);
        int filters = filters(ctx);
        boolean bias = useBias(ctx);
        UnaryOperator<INDArray> act = ctx.activation("activation", "linear");
        int[] outputPadding = ctx.cfg.has("output_padding") ? ctx.cfg.ints("output_padding", rank, 0) : null;
        if (ctx.flavor().major() == 1) {
            return ctx.unsupported("Keras 1 transposed convolution");
        }
        if (!ctx.expectWeights(bias ? new long[][] {kernelShape(g.kernel(), filters, -1), {filters}}
                : new long[][] {kernelShape(g.kernel(), filters, -1)})) {
            return null;
        }
        Weights w = ctx.weights;
        return new CoreLayers.Unmasked() {
            @Override
            public INDArray apply(INDArray x) {
                INDArray y = Conv.convTranspose(g.in(x), w.get(0), g.strides(), g.dilation(), g.padding(),
                        outputPadding);
                if (bias) {
                    y.addi(w.get(1));
                }
                return g.out(act.apply(y));
            }

            @Override
            public Map<String, List<INDArray>> regularizedWeights() {
                return bias ? Map.of("kernel", List.of(w.get(0)), "bias", List.of(w.get(1)))
                        : Map.of("kernel", List.of(w.get(0)));
            }
        };
    }
}
