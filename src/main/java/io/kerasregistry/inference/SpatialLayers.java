package io.kerasregistry.inference;

import java.util.Arrays;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.INDArrayIndex;
import org.nd4j.linalg.indexing.NDArrayIndex;
import tools.jackson.databind.JsonNode;

/** ZeroPadding, Cropping, UpSampling (1-3D) and Resizing ({@code keras/src/layers/reshaping}, preprocessing). */
final class SpatialLayers {

    private SpatialLayers() {
    }

    static void register(Translators t) {
        for (int rank = 1; rank <= 3; rank++) {
            int r = rank;
            t.put("ZeroPadding" + r + "D", ctx -> padOrCrop(ctx, r, true));
            t.put("Cropping" + r + "D", ctx -> padOrCrop(ctx, r, false));
            t.put("UpSampling" + r + "D", ctx -> upSampling(ctx, r));
        }
        t.put("Resizing", SpatialLayers::resizing);
    }

    /**
     * Reads {@code padding}/{@code cropping} in all the forms Keras accepts: {@code n},
     * {@code (a, b)} (symmetric per axis for 2-D/3-D, before/after for 1-D), {@code ((t, b), (l, r))}.
     */
    static long[][] amounts(JsonNode raw, int rank, long def) {
        long[][] out = new long[rank][2];
        if (raw == null || raw.isNull()) {
            for (long[] o : out) {
                Arrays.fill(o, def);
            }
            return out;
        }
        raw = Config.unwrap(raw);
        if (!raw.isArray()) {
            for (long[] o : out) {
                Arrays.fill(o, raw.asLong());
            }
            return out;
        }
        if (rank == 1) {
            out[0][0] = Config.unwrap(raw.get(0)).asLong();
            out[0][1] = Config.unwrap(raw.get(raw.size() > 1 ? 1 : 0)).asLong();
            return out;
        }
        for (int i = 0; i < rank; i++) {
            JsonNode e = Config.unwrap(raw.get(i));
            if (e.isArray()) {
                out[i][0] = Config.unwrap(e.get(0)).asLong();
                out[i][1] = Config.unwrap(e.get(1)).asLong();
            } else {
                out[i][0] = e.asLong();
                out[i][1] = e.asLong();
            }
        }
        return out;
    }

    static LayerOp padOrCrop(LayerContext ctx, int rank, boolean pad) {
        long[][] amounts = amounts(ctx.cfg.raw(pad ? "padding" : "cropping"), rank, pad ? 1 : 0);
        boolean cf = ctx.channelsFirst();
        return (CoreLayers.Unmasked) x -> {
            INDArray xi = cf ? Conv.toChannelsLast(x) : x;
            INDArray y;
            if (pad) {
                y = Conv.padSpatial(xi, amounts, 0.0);
                if (y == xi) {
                    y = xi.dup('c');
                }
            } else {
                INDArrayIndex[] idx = new INDArrayIndex[xi.rank()];
                Arrays.fill(idx, NDArrayIndex.all());
                for (int i = 0; i < rank; i++) {
                    long n = xi.size(i + 1);
                    idx[i + 1] = NDArrayIndex.interval(amounts[i][0], n - amounts[i][1]);
                }
                y = xi.get(idx).dup('c');
            }
            return cf ? Conv.toChannelsFirst(y) : y;
        };
    }

    static LayerOp upSampling(LayerContext ctx, int rank) {
        int[] size = rank == 1 ? ctx.cfg.ints(ctx.cfg.has("size") ? "size" : "length", 1, 2)
                : ctx.cfg.ints("size", rank, 2);
        String interpolation = rank == 2 ? ctx.oneOf("interpolation", "nearest", "nearest", "bilinear") : "nearest";
        // standalone Keras resized with TF1's resize_bilinear (no half-pixel centres); tf.keras 2 and Keras 3
        // with tf.image.resize
        boolean halfPixel = ctx.flavor().tfKeras() || ctx.flavor().major() >= 3;
        boolean cf = rank > 1 && ctx.channelsFirst();
        return (CoreLayers.Unmasked) x -> {
            INDArray xi = cf ? Conv.toChannelsLast(x) : x;
            INDArray y;
            if (interpolation.equals("bilinear")) {
                y = resize(xi, new long[] {xi.size(1) * size[0], xi.size(2) * size[1]}, true, halfPixel);
            } else {
                y = xi;
                for (int i = 0; i < rank; i++) {
                    y = repeat(y, i + 1, size[i]);
                }
            }
            return cf ? Conv.toChannelsFirst(y) : y;
        };
    }

    /** Repeats every element {@code n} times along {@code axis} (nearest-neighbour upsampling). */
    static INDArray repeat(INDArray x, int axis, int n) {
        long[] s = x.shape().clone();
        long len = s[axis];
        s[axis] = len * n;
        INDArray out = Nd4j.createUninitialized(x.dataType(), s, 'c');
        for (int r = 0; r < n; r++) {
            Nd.strided(out, axis, r, n, len).assign(x);
        }
        return out;
    }

    static LayerOp resizing(LayerContext ctx) {
        int h = ctx.cfg.integer("height", -1);
        int w = ctx.cfg.integer("width", -1);
        String interpolation = ctx.oneOf("interpolation", "bilinear", "bilinear", "nearest");
        boolean crop = ctx.cfg.bool("crop_to_aspect_ratio", false);
        if (ctx.cfg.bool("pad_to_aspect_ratio", false)) {
            ctx.unsupported("pad_to_aspect_ratio=True");
        }
        if (ctx.cfg.bool("antialias", false)) {
            ctx.unsupported("antialias=True");
        }
        boolean cf = ctx.channelsFirst();
        return (CoreLayers.Unmasked) x -> {
            INDArray xi = cf ? Conv.toChannelsLast(x) : x;
            if (xi.rank() != 4) {
                throw new InferenceException("Resizing expects a batch of images (rank 4), got rank " + xi.rank());
            }
            if (crop) {
                xi = cropToAspect(xi, h, w);
            }
            INDArray y = resize(xi, new long[] {h, w}, interpolation.equals("bilinear"), true);
            return cf ? Conv.toChannelsFirst(y) : y;
        };
    }

    /** The centred crop with the target's aspect ratio, computed as Keras does (float32 then truncation). */
    static INDArray cropToAspect(INDArray x, int th, int tw) {
        long height = x.size(1);
        long width = x.size(2);
        long ch = Math.max(Math.min(height, (long) (float) ((float) (width * th) / tw)), 1);
        long cw = Math.max(Math.min(width, (long) (float) ((float) (height * tw) / th)), 1);
        long hs = (long) ((float) (height - ch) / 2);
        long ws = (long) ((float) (width - cw) / 2);
        return x.get(NDArrayIndex.all(), NDArrayIndex.interval(hs, hs + ch), NDArrayIndex.interval(ws, ws + cw),
                NDArrayIndex.all()).dup('c');
    }

    /**
     * {@code tf.image.resize} without antialiasing on {@code (B, H, W, C)}: bilinear (separable, one axis
     * at a time; half-pixel centres, or TF1's legacy corner-aligned sampling) or nearest neighbour.
     */
    static INDArray resize(INDArray x, long[] size, boolean bilinear, boolean halfPixel) {
        INDArray y = x;
        for (int a = 0; a < 2; a++) {
            y = bilinear ? linearAxis(y, a + 1, size[a], halfPixel) : nearestAxis(y, a + 1, size[a]);
        }
        return y;
    }

    private static INDArray linearAxis(INDArray x, int axis, long out, boolean halfPixel) {
        long in = x.size(axis);
        if (in == out) {
            return x;
        }
        double scale = (double) in / out;
        long[] s = x.shape().clone();
        s[axis] = out;
        INDArray y = Nd4j.createUninitialized(x.dataType(), s, 'c');
        for (long o = 0; o < out; o++) {
            double src = halfPixel ? (o + 0.5) * scale - 0.5 : o * scale;
            double fl = Math.floor(src);
            long lo = Math.max((long) fl, 0);
            long hi = Math.min((long) Math.ceil(src), in - 1);
            double lerp = src - fl;
            INDArray a = Nd.at(x, axis, lo);
            INDArray b = Nd.at(x, axis, hi);
            Nd.at(y, axis, o).assign(a.mul(1 - lerp).addi(b.mul(lerp)));
        }
        return y;
    }

    private static INDArray nearestAxis(INDArray x, int axis, long out) {
        long in = x.size(axis);
        if (in == out) {
            return x;
        }
        float scale = (float) in / out;
        long[] s = x.shape().clone();
        s[axis] = out;
        INDArray y = Nd4j.createUninitialized(x.dataType(), s, 'c');
        for (long o = 0; o < out; o++) {
            long src = Math.max(0, Math.min((long) Math.floor((o + 0.5f) * scale), in - 1));
            Nd.at(y, axis, o).assign(Nd.at(x, axis, src));
        }
        return y;
    }

}
