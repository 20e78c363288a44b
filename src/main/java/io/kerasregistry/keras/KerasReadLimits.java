package io.kerasregistry.keras;

/**
 * Bounds on what a reader will even try, so that hostile files are refused instead of exhausting
 * memory or stack.
 *
 * @param maxJsonBytes             size of a config, training config or metadata JSON document
 * @param maxJsonDepth             nesting depth of those documents
 * @param maxLayers                layers in the whole model, nested ones included
 * @param maxNestingDepth          models nested in models
 * @param maxWeights               weights (HDF5 datasets) in the file
 * @param maxWeightElements        elements a single weight may declare
 * @param maxTotalWeightElements   elements all weights together may declare
 * @param maxZipEntries            entries in a {@code .keras} zip
 * @param maxZipEntryBytes         uncompressed size of one zip entry
 * @param maxCompressionRatio      uncompressed / compressed size of a zip entry
 */
public record KerasReadLimits(long maxJsonBytes, int maxJsonDepth, int maxLayers, int maxNestingDepth, int maxWeights,
        long maxWeightElements, long maxTotalWeightElements, int maxZipEntries, long maxZipEntryBytes,
        int maxCompressionRatio) {

    /** Generous for real models (a 70B-parameter model fits), tight for hostile ones. */
    public static KerasReadLimits defaults() {
        return new KerasReadLimits(
                64L << 20,  // 64 MiB of JSON
                200,
                20_000,
                32,
                100_000,
                1L << 34,   // 16 Gi elements in one weight
                1L << 37,   // 128 Gi elements in all
                10_000,
                64L << 30,  // 64 GiB
                200);
    }
}
