package io.kerasregistry.inference;

import java.util.Arrays;
import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Erf;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.INDArrayIndex;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Array helpers that never modify their arguments. ND4J's own in-place variants (and
 * {@code Nd4j.nn()} activations, which overwrite their input in M2.1) are not used on shared arrays.
 */
final class Nd {

    private Nd() {
    }

    static INDArray f32(INDArray x) {
        return x.dataType() == DataType.FLOAT ? x : x.castTo(DataType.FLOAT);
    }

    static int axis(int axis, int rank) {
        int a = axis < 0 ? axis + rank : axis;
        if (a < 0 || a >= rank) {
            throw new InferenceException("axis " + axis + " out of range for rank " + rank);
        }
        return a;
    }

    /** A C-ordered copy, or the array itself when it already is one and owns its layout. */
    static INDArray contiguous(INDArray x) {
        return x.isView() || x.ordering() != 'c' ? x.dup('c') : x;
    }

    static INDArray reshape(INDArray x, long... shape) {
        return contiguous(x).reshape('c', shape);
    }

    private static INDArrayIndex[] all(int rank) {
        INDArrayIndex[] idx = new INDArrayIndex[rank];
        Arrays.fill(idx, NDArrayIndex.all());
        return idx;
    }

    /** {@code x[..., from:to, ...]} along {@code axis}, as a view. */
    static INDArray slice(INDArray x, int axis, long from, long to) {
        INDArrayIndex[] idx = all(x.rank());
        idx[axis] = NDArrayIndex.interval(from, to);
        return x.get(idx);
    }

    /** {@code x[..., from:from+count*step:step, ...]} along {@code axis}, as a view. */
    static INDArray strided(INDArray x, int axis, long from, long step, long count) {
        INDArrayIndex[] idx = all(x.rank());
        idx[axis] = stridedIndex(from, step, count);
        return x.get(idx);
    }

    /**
     * {@code count} positions from {@code from}, {@code step} apart. ND4J M2.1's strided interval
     * yields extra elements when a single position with a step above 1 starts past 0, so one position
     * is always asked for with step 1.
     */
    static INDArrayIndex stridedIndex(long from, long step, long count) {
        if (count == 1 || step == 1) {
            return NDArrayIndex.interval(from, from + (count - 1) * step + 1);
        }
        return NDArrayIndex.interval(from, step, from + (count - 1) * step + 1);
    }

    /** {@code x[..., i, ...]} keeping the axis (size 1), as a view. */
    static INDArray at(INDArray x, int axis, long i) {
        return slice(x, axis, i, i + 1);
    }

    /** {@code x[..., i, ...]} dropping the axis; a copy. */
    static INDArray take(INDArray x, int axis, long i) {
        INDArray s = contiguous(at(x, axis, i));
        long[] shape = x.shape();
        long[] out = new long[shape.length - 1];
        for (int d = 0, j = 0; d < shape.length; d++) {
            if (d != axis) {
                out[j++] = shape[d];
            }
        }
        return s.reshape('c', out);
    }

    static INDArray concat(int axis, List<INDArray> parts) {
        if (parts.size() == 1) {
            return parts.get(0).dup('c');
        }
        INDArray[] arr = parts.stream().map(Nd::contiguous).toArray(INDArray[]::new);
        return Nd4j.concat(axis, arr);
    }

    /** Stacks arrays of equal shape along a new axis. */
    static INDArray stack(int axis, List<INDArray> parts) {
        List<INDArray> expanded = parts.stream().map(p -> expandDims(p, axis)).toList();
        return concat(axis, expanded);
    }

    /** Inserts leading axes of size 1 until {@code x} has the given rank (numpy broadcasting alignment). */
    static INDArray alignRight(INDArray x, int rank) {
        if (x.rank() >= rank) {
            return x;
        }
        long[] s = new long[rank];
        Arrays.fill(s, 1);
        System.arraycopy(x.shape(), 0, s, rank - x.rank(), x.rank());
        return reshape(x, s);
    }

    static INDArray expandDims(INDArray x, int axis) {
        long[] s = x.shape();
        long[] out = new long[s.length + 1];
        for (int i = 0, j = 0; i < out.length; i++) {
            out[i] = i == axis ? 1 : s[j++];
        }
        return reshape(x, out);
    }

    /** Reverses {@code x} along {@code axis}; a copy. */
    static INDArray reverse(INDArray x, int axis) {
        long n = x.size(axis);
        INDArray out = Nd4j.createUninitialized(x.dataType(), x.shape(), 'c');
        for (long i = 0; i < n; i++) {
            at(out, axis, i).assign(at(x, axis, n - 1 - i));
        }
        return out;
    }

    /** Pads with a constant: {@code pads[d] = {before, after}} for every axis. */
    static INDArray pad(INDArray x, long[][] pads, double value) {
        long[] s = x.shape();
        long[] out = new long[s.length];
        boolean any = false;
        for (int d = 0; d < s.length; d++) {
            out[d] = s[d] + pads[d][0] + pads[d][1];
            any |= pads[d][0] != 0 || pads[d][1] != 0;
        }
        if (!any) {
            return x;
        }
        INDArray r = Nd4j.valueArrayOf(out, value, x.dataType());
        INDArrayIndex[] idx = new INDArrayIndex[s.length];
        for (int d = 0; d < s.length; d++) {
            idx[d] = NDArrayIndex.interval(pads[d][0], pads[d][0] + s[d]);
        }
        r.get(idx).assign(x);
        return r;
    }

    /** {@code x @ w} over the last axis of {@code x}: {@code (..., k) x (k, n) -> (..., n)}. */
    static INDArray matmulLast(INDArray x, INDArray w) {
        long[] s = x.shape();
        long k = s[s.length - 1];
        INDArray flat = reshape(x, x.length() / Math.max(k, 1), k);
        INDArray r = flat.mmul(w);
        long[] out = s.clone();
        out[out.length - 1] = w.size(1);
        return r.reshape('c', out);
    }

    /** Batched matrix product over leading axes of equal size: {@code (..., m, k) x (..., k, n)}. */
    static INDArray bmm(INDArray a, INDArray b) {
        if (a.rank() == 2) {
            return contiguous(a).mmul(contiguous(b));
        }
        return Nd4j.matmul(contiguous(a), contiguous(b));
    }

    static INDArray softmax(INDArray x, int axis) {
        INDArray shifted = x.sub(x.max(true, axis));
        INDArray e = Transforms.exp(shifted, false);
        return e.divi(e.sum(true, axis));
    }

    static INDArray logSoftmax(INDArray x, int axis) {
        INDArray shifted = x.sub(x.max(true, axis));
        INDArray lse = Transforms.log(Transforms.exp(shifted, true).sum(true, axis), false);
        return shifted.subi(lse);
    }

    static INDArray sigmoid(INDArray x) {
        return Transforms.sigmoid(x, true);
    }

    static INDArray tanh(INDArray x) {
        return Transforms.tanh(x, true);
    }

    static INDArray relu(INDArray x) {
        return Transforms.max(x, 0.0, true);
    }

    static INDArray clip(INDArray x, double lo, double hi) {
        return Transforms.min(Transforms.max(x, lo, true), hi, false);
    }

    /** {@code log(1 + exp(x))} without overflow. */
    static INDArray softplus(INDArray x) {
        INDArray negAbs = Transforms.abs(x, true).negi();
        INDArray l = Transforms.log1p(Transforms.exp(negAbs, false), false);
        return l.addi(Transforms.max(x, 0.0, true));
    }

    static INDArray erf(INDArray x) {
        INDArray c = x.dup('c');
        return Nd4j.getExecutioner().exec(new Erf(c));
    }

    /** {@code x > threshold} as 0/1 floats. */
    static INDArray greaterThan(INDArray x, double threshold) {
        return x.gt(threshold).castTo(x.dataType());
    }

    static long[] concatShape(long[] a, long[] b) {
        long[] r = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }

    static long prod(long[] s, int from, int to) {
        long p = 1;
        for (int i = from; i < to; i++) {
            p *= s[i];
        }
        return p;
    }

    static INDArray zeros(long... shape) {
        return Nd4j.zeros(DataType.FLOAT, shape);
    }

    static INDArray ones(long... shape) {
        return Nd4j.ones(DataType.FLOAT, shape);
    }

    /** Moves {@code axis} to the end; a view. */
    static INDArray moveAxisLast(INDArray x, int axis) {
        int r = x.rank();
        int[] perm = new int[r];
        for (int i = 0, j = 0; i < r; i++) {
            if (i != axis) {
                perm[j++] = i;
            }
        }
        perm[r - 1] = axis;
        return x.permute(perm);
    }

    /** Inverse of {@link #moveAxisLast}; a view. */
    static INDArray moveLastTo(INDArray x, int axis) {
        int r = x.rank();
        int[] perm = new int[r];
        for (int i = 0, j = 0; i < r; i++) {
            perm[i] = i == axis ? r - 1 : j++;
        }
        return x.permute(perm);
    }
}
