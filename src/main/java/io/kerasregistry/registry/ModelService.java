package io.kerasregistry.registry;

import io.kerasregistry.audit.AuditLog;
import io.kerasregistry.audit.CurrentActor;
import io.kerasregistry.common.ProblemType;
import io.kerasregistry.common.RegistryException;
import io.kerasregistry.storage.BlobStore;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/** Registered models: create, read, change, delete. */
@Service
class ModelService {

    private final ModelRepository models;
    private final VersionRepository versions;
    private final BlobStore blobs;
    private final AuditLog audit;
    private final CurrentActor actor;
    private final TransactionTemplate transaction;

    ModelService(ModelRepository models, VersionRepository versions, BlobStore blobs, AuditLog audit,
            CurrentActor actor, TransactionTemplate transaction) {
        this.models = models;
        this.versions = versions;
        this.blobs = blobs;
        this.audit = audit;
        this.actor = actor;
        this.transaction = transaction;
    }

    RegisteredModel create(String name, @Nullable String description, List<String> tags) {
        return transaction.execute(status -> {
            if (!models.insertIfAbsent(name, description, actor.name())) {
                throw new RegistryException(ProblemType.ALREADY_EXISTS, "model '" + name + "' already exists");
            }
            RegisteredModel model = models.findByName(name).orElseThrow();
            models.replaceTags(model.id(), tags);
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("tags", tags);
            if (description != null) {
                details.put("description", description);
            }
            audit.record("MODEL_CREATED", name, null, details);
            return models.findByName(name).orElseThrow();
        });
    }

    RegisteredModel get(String name) {
        return models.findByName(name).orElseThrow(() -> notFound(name));
    }

    List<RegisteredModel> list(@Nullable String prefix, @Nullable String tag, @Nullable String afterName, int limit) {
        return models.list(prefix, tag, afterName, limit);
    }

    RegisteredModel update(String name, @Nullable String description, @Nullable List<String> tags) {
        return transaction.execute(status -> {
            RegisteredModel model = get(name);
            models.update(model.id(), description, description != null);
            if (tags != null) {
                models.replaceTags(model.id(), tags);
            }
            Map<String, Object> details = new LinkedHashMap<>();
            if (description != null) {
                details.put("description", description);
            }
            if (tags != null) {
                details.put("tags", tags);
            }
            audit.record("MODEL_UPDATED", name, null, details);
            return get(name);
        });
    }

    void delete(String name) {
        List<String> released = transaction.execute(status -> {
            RegisteredModel model = get(name);
            List<String> used = versions.blobsOf(model.id());
            models.delete(model.id());
            audit.record("MODEL_DELETED", name, null, Map.of("versions", model.versionCount()));
            return used;
        });
        // Blobs shared with other models stay: their foreign keys keep the rows.
        released.forEach(blobs::deleteIfUnreferenced);
    }

    static RegistryException notFound(String name) {
        return RegistryException.notFound("model '" + name + "' does not exist");
    }
}
