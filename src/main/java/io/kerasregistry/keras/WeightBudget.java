package io.kerasregistry.keras;

import io.jhdf.api.Dataset;
import java.util.List;

/** Counts weights and their declared elements across a file, against {@link KerasReadLimits}. */
final class WeightBudget {

    private final KerasReadLimits limits;
    private int weights;
    private long elements;

    WeightBudget(KerasReadLimits limits) {
        this.limits = limits;
    }

    /** Describes a weight dataset and charges it to the budget. */
    WeightRef weight(Hdf5File h5, Dataset dataset, String name, String location) {
        if (++weights > limits.maxWeights()) {
            throw new ModelLimitExceededException(h5.description() + " holds more than " + limits.maxWeights()
                    + " weights");
        }
        Hdf5File.DatasetInfo info = h5.describe(dataset, limits);
        long count = 1;
        for (long d : info.shape()) {
            count *= d;
        }
        elements += count;
        if (elements > limits.maxTotalWeightElements()) {
            throw new ModelLimitExceededException(h5.description() + " declares more than "
                    + limits.maxTotalWeightElements() + " weight elements in all");
        }
        return new WeightRef(name, List.copyOf(info.shape()), info.dtype(), location);
    }
}
