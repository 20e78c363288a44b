package io.kerasregistry.inference;

import io.kerasregistry.keras.WeightData;
import io.kerasregistry.keras.WeightRef;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * One layer's weights: their descriptions while the model is checked, their values (off-heap, in
 * ND4J buffers) once it is loaded. Wrappers hand out slices that share the loaded values.
 */
final class Weights {

    private final List<WeightRef> refs;
    private final INDArray[] values;
    private final int offset;

    Weights(List<WeightRef> refs) {
        this(refs, new INDArray[refs.size()], 0);
    }

    private Weights(List<WeightRef> refs, INDArray[] values, int offset) {
        this.refs = refs;
        this.values = values;
        this.offset = offset;
    }

    static Weights none() {
        return new Weights(List.of());
    }

    int size() {
        return refs.size();
    }

    WeightRef ref(int i) {
        return refs.get(i);
    }

    List<WeightRef> refs() {
        return refs;
    }

    long[] shape(int i) {
        return refs.get(i).shape().stream().mapToLong(Long::longValue).toArray();
    }

    /** Weights {@code from} (inclusive) to {@code to} (exclusive), sharing their values with this one. */
    Weights slice(int from, int to) {
        return new Weights(refs.subList(from, to), values, offset + from);
    }

    INDArray get(int i) {
        INDArray v = values[offset + i];
        if (v == null) {
            throw new IllegalStateException("weight " + refs.get(i).name() + " used before the model was loaded");
        }
        return v;
    }

    List<INDArray> all() {
        List<INDArray> out = new ArrayList<>(refs.size());
        for (int i = 0; i < refs.size(); i++) {
            out.add(get(i));
        }
        return out;
    }

    /** Replaces a weight by a converted form, so that the file's layout is not kept beside it. */
    void replace(int i, INDArray converted) {
        values[offset + i] = converted;
    }

    /**
     * Reads every weight straight into an ND4J buffer: the values cross the heap only in the
     * reader's own transfer buffers, never as a whole-weight float[].
     */
    void load(WeightData data) {
        for (int i = 0; i < refs.size(); i++) {
            if (values[offset + i] != null) {
                continue;
            }
            WeightRef ref = refs.get(i);
            long[] shape = shape(i);
            long n = ref.elementCount();
            if (n * 4L > Integer.MAX_VALUE) {
                throw new InferenceException("weight " + ref.name() + " has " + n
                        + " elements; weights over 2 GiB cannot be loaded");
            }
            INDArray arr = Nd4j.createUninitialized(DataType.FLOAT, shape, 'c');
            if (n > 0) {
                FloatBuffer target = arr.data().asNio().order(ByteOrder.nativeOrder()).asFloatBuffer();
                data.readInto(ref, target);
                if (target.position() != n) {
                    throw new InferenceException("weight " + ref.name() + ": read " + target.position()
                            + " values, expected " + n);
                }
            }
            values[offset + i] = arr;
        }
    }
}
