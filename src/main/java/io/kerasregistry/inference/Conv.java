package io.kerasregistry.inference;

import java.util.Arrays;
import org.nd4j.enums.WeightsFormat;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.Conv2DConfig;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.PaddingMode;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.Pooling2DConfig;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.INDArrayIndex;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * N-dimensional convolution, transposed convolution and pooling on channels-last arrays
 * {@code (batch, spatial..., channels)}, written with strided views and matrix products only: one
 * product per kernel offset. Padding follows TensorFlow (the extra row of {@code same} padding goes
 * at the end), as Keras on every backend does.
 */
final class Conv {

    private Conv() {
    }

    /** Padding before and after each spatial axis. */
    static long[][] padding(String mode, long[] in, int[] kernel, int[] strides, int[] dilation) {
        int n = in.length;
        long[][] pads = new long[n][2];
        for (int i = 0; i < n; i++) {
            long keff = (long) (kernel[i] - 1) * dilation[i] + 1;
            switch (mode) {
                case "valid" -> {
                }
                case "same" -> {
                    long out = (in[i] + strides[i] - 1) / strides[i];
                    long total = Math.max((out - 1) * strides[i] + keff - in[i], 0);
                    pads[i][0] = total / 2;
                    pads[i][1] = total - total / 2;
                }
                case "causal" -> pads[i][0] = keff - 1;
                default -> throw new IllegalArgumentException("padding " + mode);
            }
        }
        return pads;
    }

    static long[] spatial(INDArray x) {
        return Arrays.copyOfRange(x.shape(), 1, x.rank() - 1);
    }

    /** Pads the spatial axes of a channels-last array. */
    static INDArray padSpatial(INDArray x, long[][] pads, double value) {
        long[][] all = new long[x.rank()][2];
        for (int i = 0; i < pads.length; i++) {
            all[i + 1] = pads[i];
        }
        return Nd.pad(x, all, value);
    }

    static long[] outSizes(long[] padded, int[] kernel, int[] strides, int[] dilation) {
        long[] out = new long[padded.length];
        for (int i = 0; i < padded.length; i++) {
            long keff = (long) (kernel[i] - 1) * dilation[i] + 1;
            out[i] = padded[i] < keff ? 0 : (padded[i] - keff) / strides[i] + 1;
        }
        return out;
    }

    /** The input positions one kernel offset reads for every output position: a strided view. */
    static INDArray window(INDArray xp, int[] offset, int[] strides, int[] dilation, long[] out) {
        INDArrayIndex[] idx = new INDArrayIndex[xp.rank()];
        idx[0] = NDArrayIndex.all();
        idx[xp.rank() - 1] = NDArrayIndex.all();
        for (int i = 0; i < out.length; i++) {
            long from = (long) offset[i] * dilation[i];
            idx[i + 1] = Nd.stridedIndex(from, strides[i], out[i]);
        }
        return xp.get(idx);
    }

    /** Visits every kernel offset in row-major order. */
    static void forEachOffset(int[] kernel, java.util.function.Consumer<int[]> f) {
        int[] o = new int[kernel.length];
        while (true) {
            f.accept(o.clone());
            int d = kernel.length - 1;
            while (d >= 0 && ++o[d] == kernel[d]) {
                o[d] = 0;
                d--;
            }
            if (d < 0) {
                return;
            }
        }
    }

    /** {@code kernel[offset..., :, :]} as a matrix. */
    static INDArray kernelAt(INDArray kernel, int[] offset) {
        INDArray k = kernel;
        for (int o : offset) {
            k = Nd.take(k, 0, o);
        }
        return k;
    }

    /**
     * Convolution (cross-correlation, as Keras) of {@code x (B, S..., Cin)} with
     * {@code kernel (k..., Cin/groups, Cout)}.
     */
    static INDArray conv(INDArray x, INDArray kernel, int[] strides, int[] dilation, String padding, int groups) {
        int n = x.rank() - 2;
        int[] k = new int[n];
        for (int i = 0; i < n; i++) {
            k[i] = (int) kernel.size(i);
        }
        INDArray xp = padSpatial(x, padding(padding, spatial(x), k, strides, dilation), 0.0);
        long[] out = outSizes(spatial(xp), k, strides, dilation);
        if (n == 2 && groups == 1 && out[0] > 0 && out[1] > 0) {
            return native2d(xp, kernel, k, strides, dilation);
        }
        long b = x.size(0);
        long cin = x.size(x.rank() - 1);
        long cout = kernel.size(n + 1);
        long cinG = cin / groups;
        long coutG = cout / groups;
        long rows = b * Nd.prod(out, 0, n);
        INDArray acc = Nd4j.zeros(x.dataType(), rows, cout);
        forEachOffset(k, off -> {
            INDArray win = Nd.contiguous(window(xp, off, strides, dilation, out)).reshape('c', rows, cin);
            INDArray km = kernelAt(kernel, off);
            if (groups == 1) {
                acc.addi(win.mmul(km));
            } else {
                for (int g = 0; g < groups; g++) {
                    INDArray xs = Nd.contiguous(Nd.slice(win, 1, g * cinG, (g + 1) * cinG));
                    INDArray ks = Nd.contiguous(Nd.slice(km, 1, g * coutG, (g + 1) * coutG));
                    Nd.slice(acc, 1, g * coutG, (g + 1) * coutG).addi(xs.mmul(ks));
                }
            }
        });
        long[] shape = new long[n + 2];
        shape[0] = b;
        System.arraycopy(out, 0, shape, 1, n);
        shape[n + 1] = cout;
        return acc.reshape('c', shape);
    }

    /**
     * ND4J's own 2-D convolution on an input already padded the TensorFlow way: NHWC with the Keras kernel
     * as stored ({@code YXIO}), so only valid positions remain. Much faster than the per-offset products
     * for images; the numpy and oracle cases check both paths.
     */
    private static INDArray native2d(INDArray xp, INDArray kernel, int[] k, int[] strides, int[] dilation) {
        Conv2DConfig cfg = Conv2DConfig.builder().kH(k[0]).kW(k[1]).sH(strides[0]).sW(strides[1]).pH(0).pW(0)
                .dH(dilation[0]).dW(dilation[1]).paddingMode(PaddingMode.VALID).dataFormat("NHWC")
                .weightsFormat(WeightsFormat.YXIO).build();
        return Nd4j.cnn().conv2d(Nd.contiguous(xp), Nd.contiguous(kernel), cfg);
    }

    /**
     * Depthwise convolution of {@code x (B, S..., C)} with {@code kernel (k..., C, M)}: output channel
     * {@code c*M + m} is input channel c filtered by {@code kernel[..., c, m]}.
     */
    static INDArray depthwise(INDArray x, INDArray kernel, int[] strides, int[] dilation, String padding) {
        int n = x.rank() - 2;
        int[] k = new int[n];
        for (int i = 0; i < n; i++) {
            k[i] = (int) kernel.size(i);
        }
        INDArray xp = padSpatial(x, padding(padding, spatial(x), k, strides, dilation), 0.0);
        long[] out = outSizes(spatial(xp), k, strides, dilation);
        long b = x.size(0);
        long c = x.size(x.rank() - 1);
        long m = kernel.size(n + 1);
        long rows = b * Nd.prod(out, 0, n);
        INDArray acc = Nd4j.zeros(x.dataType(), rows, c, m);
        forEachOffset(k, off -> {
            INDArray win = Nd.contiguous(window(xp, off, strides, dilation, out)).reshape('c', rows, c, 1);
            INDArray km = kernelAt(kernel, off).reshape('c', 1, c, m);
            acc.addi(MergeLayers.broadcastApply(INDArray::mul, win, km));
        });
        long[] shape = new long[n + 2];
        shape[0] = b;
        System.arraycopy(out, 0, shape, 1, n);
        shape[n + 1] = c * m;
        return acc.reshape('c', shape);
    }

    /**
     * Transposed convolution of {@code x (B, S..., Cin)} with {@code kernel (k..., Cout, Cin)}: every
     * input position scatters {@code x·kernelᵀ} over the output, then the result is cut to the output
     * size Keras computes, the way TensorFlow places it.
     */
    static INDArray convTranspose(INDArray x, INDArray kernel, int[] strides, int[] dilation, String padding,
            int[] outputPadding) {
        int n = x.rank() - 2;
        int[] k = new int[n];
        for (int i = 0; i < n; i++) {
            k[i] = (int) kernel.size(i);
        }
        long[] in = spatial(x);
        long b = x.size(0);
        long cin = x.size(x.rank() - 1);
        long cout = kernel.size(n);
        long[] full = new long[n];
        long[] out = new long[n];
        long[] before = new long[n];
        for (int i = 0; i < n; i++) {
            long keff = (long) (k[i] - 1) * dilation[i] + 1;
            full[i] = (in[i] - 1) * strides[i] + keff;
            Integer op = outputPadding == null ? null : outputPadding[i];
            if (padding.equals("valid")) {
                out[i] = (in[i] - 1) * strides[i] + keff + (op == null ? Math.max(keff, strides[i]) - keff : op);
                before[i] = 0;
            } else {
                out[i] = op == null ? in[i] * strides[i] : (in[i] - 1) * strides[i] + keff % 2 + op;
                long total = Math.max((in[i] - 1) * strides[i] + keff - out[i], 0);
                before[i] = total / 2;
            }
        }
        long[] fullShape = new long[n + 2];
        fullShape[0] = b;
        System.arraycopy(full, 0, fullShape, 1, n);
        fullShape[n + 1] = cout;
        INDArray y = Nd4j.zeros(x.dataType(), fullShape);
        long rows = b * Nd.prod(in, 0, n);
        INDArray x2 = Nd.reshape(x, rows, cin);
        long[] contribShape = new long[n + 2];
        contribShape[0] = b;
        System.arraycopy(in, 0, contribShape, 1, n);
        contribShape[n + 1] = cout;
        forEachOffset(k, off -> {
            INDArray km = kernelAt(kernel, off); // (Cout, Cin)
            INDArray contrib = x2.mmul(km.transpose()).reshape('c', contribShape);
            window(y, off, strides, dilation, in).addi(contrib);
        });
        // crop (or extend with zeros) to the output extent
        long[] outShape = fullShape.clone();
        System.arraycopy(out, 0, outShape, 1, n);
        INDArray result = Nd4j.zeros(x.dataType(), outShape);
        INDArrayIndex[] src = new INDArrayIndex[n + 2];
        INDArrayIndex[] dst = new INDArrayIndex[n + 2];
        src[0] = dst[0] = NDArrayIndex.all();
        src[n + 1] = dst[n + 1] = NDArrayIndex.all();
        for (int i = 0; i < n; i++) {
            long len = Math.min(out[i], full[i] - before[i]);
            src[i + 1] = NDArrayIndex.interval(before[i], before[i] + len);
            dst[i + 1] = NDArrayIndex.interval(0, len);
        }
        result.get(dst).assign(y.get(src));
        return result;
    }

    /** Max or average pooling; average counts only positions inside the input, as TensorFlow does. */
    static INDArray pool(INDArray x, int[] size, int[] strides, String padding, boolean max) {
        int n = x.rank() - 2;
        int[] dil = new int[n];
        Arrays.fill(dil, 1);
        long[][] pads = padding(padding, spatial(x), size, strides, dil);
        INDArray xp = padSpatial(x, pads, max ? Double.NEGATIVE_INFINITY : 0.0);
        long[] out = outSizes(spatial(xp), size, strides, dil);
        if (max && n == 2 && out[0] > 0 && out[1] > 0) {
            // padded with -inf, so ND4J's own max pooling over valid windows is TensorFlow's
            Pooling2DConfig cfg = Pooling2DConfig.builder().kH(size[0]).kW(size[1]).sH(strides[0]).sW(strides[1])
                    .pH(0).pW(0).dH(1).dW(1).paddingMode(PaddingMode.VALID).isNHWC(true).build();
            return Nd4j.cnn().maxPooling2d(Nd.contiguous(xp), cfg);
        }
        INDArray[] acc = new INDArray[1];
        forEachOffset(size, off -> {
            INDArray win = Nd.contiguous(window(xp, off, strides, dil, out));
            if (acc[0] == null) {
                acc[0] = win.dup('c');
            } else if (max) {
                acc[0] = org.nd4j.linalg.ops.transforms.Transforms.max(acc[0], win, false);
            } else {
                acc[0].addi(win);
            }
        });
        if (max) {
            return acc[0];
        }
        // how many real (unpadded) positions each window covered
        long[] ones = new long[n + 2];
        Arrays.fill(ones, 1);
        System.arraycopy(spatial(x), 0, ones, 1, n);
        INDArray onesP = padSpatial(Nd4j.ones(x.dataType(), ones), pads, 0.0);
        INDArray[] cnt = new INDArray[1];
        forEachOffset(size, off -> {
            INDArray win = Nd.contiguous(window(onesP, off, strides, dil, out));
            cnt[0] = cnt[0] == null ? win.dup('c') : cnt[0].addi(win);
        });
        return MergeLayers.broadcastApply(INDArray::div, acc[0], cnt[0]);
    }

    /** {@code (B, C, S...)} to {@code (B, S..., C)}. */
    static INDArray toChannelsLast(INDArray x) {
        return Nd.contiguous(Nd.moveAxisLast(x, 1));
    }

    /** {@code (B, S..., C)} to {@code (B, C, S...)}. */
    static INDArray toChannelsFirst(INDArray x) {
        return Nd.contiguous(Nd.moveLastTo(x, 1));
    }
}
