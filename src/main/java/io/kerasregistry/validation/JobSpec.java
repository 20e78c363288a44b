package io.kerasregistry.validation;

import java.util.List;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * Everything a child JVM needs to validate one version, written to a file by the supervisor. The
 * child has no database and no network: the model, its architecture and reference as file paths,
 * the catalogue as it stood when the job started.
 *
 * @param modelFile        the blob of the model file
 * @param architectureFile the architecture JSON of a weights-only upload
 * @param referenceFile    reference inputs and outputs (the keras-oracle JSON format), if uploaded
 * @param pluginsPath      folder of plug-in jars for {@code PLUGIN} custom objects
 */
public record JobSpec(long jobId, String modelName, int version, String format, String modelFile,
        @Nullable String architectureFile, @Nullable String referenceFile, boolean safeMode, int batch, long seed,
        double absoluteTolerance, double relativeTolerance, List<CatalogueEntry> customObjects,
        @Nullable String pluginsPath) {

    /** One catalogue definition, at the revision the job uses. */
    public record CatalogueEntry(String kind, String name, int revision, String implementation,
            @Nullable JsonNode alias, @Nullable String expression, @Nullable String className) {
    }
}
