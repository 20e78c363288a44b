package io.kerasregistry.validation;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * What a validation found, as the child JVM writes it and the API serves it.
 *
 * @param status            {@code PASSED}, {@code FAILED} (the model has a problem its owner can fix)
 *                          or {@code ERROR} (validation itself could not finish)
 * @param summary           one line for people
 * @param checks            each step in order, with its outcome and duration
 * @param missingObjects    custom objects the catalogue lacks, each with how to register it
 * @param customObjectsUsed the catalogue revisions this run resolved names with
 * @param outputs           statistics of each model output on the smoke-test input
 * @param penalty           regularization penalty of the stored weights (and activity regularizers
 *                          on the smoke-test input), as Keras's {@code model.losses} would sum them
 * @param reference         the comparison with uploaded reference outputs, when there are some
 */
public record WorkerReport(String status, String summary, List<Check> checks, List<MissingObject> missingObjects,
        List<UsedObject> customObjectsUsed, List<OutputStats> outputs, @Nullable Penalty penalty,
        @Nullable ReferenceComparison reference) {

    public record Check(String name, String status, String message, long durationMs) {
    }

    public record MissingObject(String kind, String name, @Nullable String layer, @Nullable String attribute,
            String register) {
    }

    public record UsedObject(String kind, String name, int revision, String implementation) {
    }

    public record OutputStats(String name, List<Long> shape, double min, double max, double mean, boolean allFinite,
            @Nullable Double maxSoftmaxSumError) {
    }

    public record Penalty(double total, List<Term> terms) {
        public record Term(String layer, String attribute, String regularizer, double value) {
        }
    }

    public record ReferenceComparison(boolean withinTolerance, double maxAbsDiff, double absoluteTolerance,
            double relativeTolerance, @Nullable String worstOutput, @Nullable String firstDivergentLayer,
            String note) {
    }
}
