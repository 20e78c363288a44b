package io.kerasregistry.registry;

import io.kerasregistry.common.RegistryException;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Service;

/** Reading versions; other modules look versions up through it. */
@Service
public class VersionService {

    private final ModelRepository models;
    private final VersionRepository versions;

    VersionService(ModelRepository models, VersionRepository versions) {
        this.models = models;
        this.versions = versions;
    }

    public ModelVersion get(String modelName, int version) {
        return versions.find(modelName, version).orElseThrow(() -> {
            if (models.findByName(modelName).isEmpty()) {
                return ModelService.notFound(modelName);
            }
            return RegistryException.notFound("model '" + modelName + "' has no version " + version);
        });
    }

    public Optional<ModelVersion> findById(long id) {
        return versions.findById(id);
    }

    List<ModelVersion> list(String modelName, VersionFilter filter, @Nullable Integer beforeVersion, int limit) {
        long modelId = models.idOf(modelName).orElseThrow(() -> ModelService.notFound(modelName));
        return versions.list(modelId, filter, beforeVersion, limit);
    }
}
