package io.kerasregistry.inference;

import io.kerasregistry.keras.WeightData;
import io.kerasregistry.keras.WeightRef;
import java.nio.FloatBuffer;
import java.util.HashMap;
import java.util.Map;

/** A {@link WeightData} over arrays held in memory, keyed by {@link WeightRef#location()}. */
final class InMemoryWeightData implements WeightData {

    private final Map<String, float[]> values = new HashMap<>();
    int reads;
    int heapReads;
    final java.util.List<String> readOrder = new java.util.ArrayList<>();
    boolean closed;

    void put(String location, float[] data) {
        values.put(location, data);
    }

    @Override
    public float[] readFloats(WeightRef weight) {
        float[] v = values.get(weight.location());
        if (v == null) {
            throw new IllegalArgumentException("no weight at " + weight.location());
        }
        heapReads++;
        return v.clone();
    }

    @Override
    public void readInto(WeightRef weight, FloatBuffer target) {
        float[] v = values.get(weight.location());
        if (v == null) {
            throw new IllegalArgumentException("no weight at " + weight.location());
        }
        if (v.length != weight.elementCount()) {
            throw new IllegalStateException(weight.location() + " holds " + v.length + " values, declared "
                    + weight.elementCount());
        }
        reads++;
        readOrder.add(weight.location());
        target.put(v);
    }

    @Override
    public void close() {
        closed = true;
    }
}
