package io.kerasregistry.keras;

import io.jhdf.api.Dataset;
import io.jhdf.api.Group;
import io.jhdf.api.Node;
import io.jhdf.object.datatype.FloatingPoint;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.util.HashMap;
import java.util.Map;

/**
 * Weight values read one weight at a time from an open HDF5 file (or a {@code model.weights.h5} inside a
 * {@code .keras} zip). Contiguous numeric datasets, which is how h5py stores Keras weights, are streamed
 * in 1 MiB steps straight from the file into the caller's buffer; other layouts (chunked, compressed)
 * go through jhdf, one weight at a time.
 */
final class H5WeightData implements WeightData {

    private static final int STEP_BYTES = 1 << 20;

    private final Hdf5File h5;
    private final KerasReadLimits limits;
    private final Map<String, Dataset> datasets = new HashMap<>();
    // Direct and reused: a heap buffer makes the channel copy every step twice (through a temporary
    // direct buffer of its own), and a fresh one per weight is garbage the size of the model.
    private @org.jspecify.annotations.Nullable ByteBuffer stepBuffer;

    H5WeightData(Hdf5File h5, KerasReadLimits limits) {
        this.h5 = h5;
        this.limits = limits;
    }

    @Override
    public float[] readFloats(WeightRef weight) {
        long count = weight.elementCount();
        if (count > Integer.MAX_VALUE - 16) {
            throw new ModelLimitExceededException("weight " + weight.name() + " has " + count
                    + " elements, more than a Java array holds; read it with readInto");
        }
        float[] values = new float[(int) count];
        readInto(weight, FloatBuffer.wrap(values));
        return values;
    }

    @Override
    public void readInto(WeightRef weight, FloatBuffer target) {
        long count = weight.elementCount();
        if (target.remaining() < count) {
            throw new IllegalArgumentException("weight " + weight.name() + " has " + count + " elements, the buffer has room for "
                    + target.remaining());
        }
        Dataset dataset = dataset(weight);
        Hdf5File.DatasetInfo info = h5.describe(dataset, limits);
        if (!info.shape().equals(weight.shape())) {
            throw new CorruptModelException(h5.description() + ": weight " + weight.location() + " has shape "
                    + info.shape() + ", not " + weight.shape() + " as read before: not the same file");
        }
        if (count == 0) {
            return;
        }
        if (info.raw() != null) {
            stream(info.raw(), count, target, weight);
        } else {
            convert(h5.call("reading weight " + weight.location(), dataset::getDataFlat), count, target, weight);
        }
    }

    private Dataset dataset(WeightRef weight) {
        Dataset known = datasets.get(weight.location());
        if (known != null) {
            return known;
        }
        Node node = h5.root();
        for (String part : weight.location().split("/")) {
            if (part.isEmpty()) {
                continue;
            }
            node = node instanceof Group group ? h5.child(group, part) : null;
            if (node == null) {
                break;
            }
        }
        if (!(node instanceof Dataset dataset)) {
            throw new CorruptModelException(h5.description() + " has no weight at " + weight.location());
        }
        datasets.put(weight.location(), dataset);
        return dataset;
    }

    private void stream(Hdf5File.RawLayout raw, long count, FloatBuffer target, WeightRef weight) {
        int size = raw.elementSize();
        long bytes = Math.multiplyExact(count, (long) size);
        int step = STEP_BYTES - STEP_BYTES % size;
        if (stepBuffer == null) {
            stepBuffer = ByteBuffer.allocateDirect(STEP_BYTES);
        }
        ByteBuffer buffer = stepBuffer.clear().limit((int) Math.min(step, bytes)).slice().order(raw.order());
        long done = 0;
        while (done < bytes) {
            int n = (int) Math.min(buffer.capacity(), bytes - done);
            buffer.clear().limit(n);
            h5.readRaw(raw.address() + done, buffer);
            buffer.flip();
            decode(buffer, raw, target, weight);
            done += n;
        }
    }

    private static void decode(ByteBuffer buffer, Hdf5File.RawLayout raw, FloatBuffer target, WeightRef weight) {
        int size = raw.elementSize();
        switch (raw.kind()) {
            case FLOAT -> {
                switch (size) {
                    case 4 -> target.put(buffer.asFloatBuffer());
                    case 8 -> {
                        while (buffer.remaining() >= 8) {
                            target.put((float) buffer.getDouble());
                        }
                    }
                    case 2 -> {
                        while (buffer.remaining() >= 2) {
                            target.put(FloatingPoint.toFloat(buffer.getShort()));
                        }
                    }
                    default -> throw unsupported(weight, size * 8 + "-bit floats");
                }
            }
            case BFLOAT16 -> {
                while (buffer.remaining() >= 2) {
                    target.put(Float.intBitsToFloat((buffer.getShort() & 0xffff) << 16));
                }
            }
            case SIGNED_INT, UNSIGNED_INT -> {
                boolean unsigned = raw.kind() == Hdf5File.RawLayout.Kind.UNSIGNED_INT;
                while (buffer.remaining() >= size) {
                    target.put(switch (size) {
                        case 1 -> unsigned ? buffer.get() & 0xff : buffer.get();
                        case 2 -> unsigned ? buffer.getShort() & 0xffff : buffer.getShort();
                        case 4 -> unsigned ? buffer.getInt() & 0xffffffffL : buffer.getInt();
                        case 8 -> {
                            long v = buffer.getLong();
                            yield unsigned && v < 0 ? (float) (v >>> 1) * 2f : (float) v;
                        }
                        default -> throw unsupported(weight, size * 8 + "-bit integers");
                    });
                }
            }
        }
    }

    private static void convert(Object data, long count, FloatBuffer target, WeightRef weight) {
        long needed = "bfloat16".equals(weight.dtype()) && data instanceof byte[] ? 2 * count : count;
        if (data != null && data.getClass().isArray() && java.lang.reflect.Array.getLength(data) < needed) {
            throw new CorruptModelException("weight " + weight.location() + " holds fewer values than its shape "
                    + weight.shape());
        }
        if ("bfloat16".equals(weight.dtype())
                && (data instanceof short[] || data instanceof int[] || data instanceof byte[])) {
            // bfloat16 is the upper half of a float32; stored as (unsigned) 16-bit integers or opaque bytes
            for (int i = 0; i < count; i++) {
                int bits = data instanceof short[] s ? s[i] & 0xffff
                        : data instanceof int[] u ? u[i] & 0xffff
                        : (((byte[]) data)[2 * i] & 0xff) | (((byte[]) data)[2 * i + 1] & 0xff) << 8;
                target.put(Float.intBitsToFloat(bits << 16));
            }
            return;
        }
        if (data instanceof float[] f) {
            target.put(f, 0, (int) count);
        } else if (data instanceof double[] d) {
            for (int i = 0; i < count; i++) {
                target.put((float) d[i]);
            }
        } else if (data instanceof long[] l) {
            for (int i = 0; i < count; i++) {
                target.put((float) l[i]);
            }
        } else if (data instanceof int[] ints) {
            for (int i = 0; i < count; i++) {
                target.put((float) ints[i]);
            }
        } else if (data instanceof short[] s) {
            for (int i = 0; i < count; i++) {
                target.put(s[i]);
            }
        } else if (data instanceof byte[] b) {
            for (int i = 0; i < count; i++) {
                target.put(b[i]);
            }
        } else if (data instanceof boolean[] z) {
            for (int i = 0; i < count; i++) {
                target.put(z[i] ? 1f : 0f);
            }
        } else {
            throw unsupported(weight, "values of type " + (data == null ? "null" : data.getClass().getSimpleName()));
        }
    }

    private static UnsupportedModelException unsupported(WeightRef weight, String what) {
        return new UnsupportedModelException("weight " + weight.location() + " (" + weight.dtype() + ") holds " + what
                + ", which cannot be read as float32");
    }

    @Override
    public void close() {
        h5.close();
    }
}
