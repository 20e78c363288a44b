package io.kerasregistry.registry;

import io.kerasregistry.keras.KerasModel;
import io.kerasregistry.keras.KerasReadLimits;
import io.kerasregistry.keras.KerasReader;
import java.nio.file.Path;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.stereotype.Component;

/** The Keras reader as the upload path uses it: metadata only, within configured limits. */
@Component
@EnableConfigurationProperties(ModelReader.Limits.class)
class ModelReader {

    private final KerasReader reader;

    ModelReader(Limits limits) {
        KerasReadLimits defaults = KerasReadLimits.defaults();
        this.reader = new KerasReader(new KerasReadLimits(
                limits.maxJsonBytes() > 0 ? limits.maxJsonBytes() : defaults.maxJsonBytes(),
                limits.maxJsonDepth() > 0 ? limits.maxJsonDepth() : defaults.maxJsonDepth(),
                limits.maxLayers() > 0 ? limits.maxLayers() : defaults.maxLayers(),
                defaults.maxNestingDepth(),
                limits.maxWeights() > 0 ? limits.maxWeights() : defaults.maxWeights(),
                defaults.maxWeightElements(),
                defaults.maxTotalWeightElements(),
                defaults.maxZipEntries(),
                defaults.maxZipEntryBytes(),
                defaults.maxCompressionRatio()));
    }

    KerasModel read(Path file, @Nullable Path architecture) {
        return architecture == null ? reader.read(file) : reader.read(file, architecture);
    }

    /**
     * Bounds on what an upload may declare; 0 keeps the reader's default.
     *
     * @param maxJsonBytes  size of a config document
     * @param maxJsonDepth  nesting of a config document
     * @param maxLayers     layers, nested ones included
     * @param maxWeights    weights in the file
     */
    @ConfigurationProperties("keras-registry.reader")
    record Limits(long maxJsonBytes, int maxJsonDepth, int maxLayers, int maxWeights) {
    }
}
