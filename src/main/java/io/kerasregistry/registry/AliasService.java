package io.kerasregistry.registry;

import io.kerasregistry.audit.AuditLog;
import io.kerasregistry.audit.CurrentActor;
import io.kerasregistry.common.EntityTags;
import io.kerasregistry.common.ProblemType;
import io.kerasregistry.common.RegistryException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Aliases: a name per model pointing at one version, moved with compare-and-set. Only approved,
 * unarchived versions, unless an admin forces it with a reason; every move is kept in the history.
 */
@Service
class AliasService {

    private final ModelRepository models;
    private final VersionRepository versions;
    private final AliasRepository aliases;
    private final AuditLog audit;
    private final CurrentActor actor;
    private final TransactionTemplate transaction;

    AliasService(ModelRepository models, VersionRepository versions, AliasRepository aliases, AuditLog audit,
            CurrentActor actor, TransactionTemplate transaction) {
        this.models = models;
        this.versions = versions;
        this.aliases = aliases;
        this.audit = audit;
        this.actor = actor;
        this.transaction = transaction;
    }

    record Moved(AliasRepository.Alias alias, boolean created) {
    }

    Moved set(String modelName, String alias, int number, boolean force, @Nullable String reason,
            @Nullable String ifMatch) {
        if (force && !actor.isAdmin()) {
            throw new RegistryException(ProblemType.FORBIDDEN, "only an admin can force an alias onto a version");
        }
        if (force && (reason == null || reason.isBlank())) {
            throw RegistryException.invalid("forcing an alias needs a reason");
        }
        return transaction.execute(status -> {
            RegisteredModel model = model(modelName);
            ModelVersion version = versions.find(modelName, number).orElseThrow(() ->
                    RegistryException.notFound("model '" + modelName + "' has no version " + number));
            if (!force && (version.approval().status() != ApprovalStatus.APPROVED || version.archived())) {
                throw new RegistryException(ProblemType.CONFLICT, "alias '" + alias + "' can point only at an approved "
                        + "version; version " + number + " is " + version.approval().status()
                        + (version.archived() ? " and archived" : "")
                        + " (an admin can force it with \"force\": true and a reason)");
            }
            Optional<AliasRepository.Alias> current = aliases.findForUpdate(model.id(), alias);
            if (ifMatch != null && (current.isEmpty() || !matches(ifMatch, current.get()))) {
                throw preconditionFailed(alias, current.orElse(null));
            }
            String who = actor.name();
            int revision = aliases.nextRevision(model.id(), alias);
            boolean created = current.isEmpty() && aliases.insert(model.id(), alias, version.id(), revision, force, who);
            if (!created) {
                if (current.isEmpty()) {
                    // another request created it between our read and our insert: now it exists, lock it
                    current = aliases.findForUpdate(model.id(), alias);
                    if (ifMatch != null || current.isEmpty()) {
                        throw preconditionFailed(alias, current.orElse(null));
                    }
                    revision = aliases.nextRevision(model.id(), alias);
                }
                aliases.move(model.id(), alias, version.id(), revision, force, who);
            }
            aliases.recordChange(model.id(), alias, number, revision, force, reason, who);
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("alias", alias);
            details.put("version", number);
            details.put("revision", revision);
            current.ifPresent(c -> details.put("previousVersion", c.version()));
            if (force) {
                details.put("forced", true);
                details.put("reason", reason);
            }
            audit.record("ALIAS_MOVED", modelName, number, details);
            return new Moved(aliases.find(model.id(), alias).orElseThrow(), created);
        });
    }

    AliasRepository.Alias get(String modelName, String alias) {
        RegisteredModel model = model(modelName);
        return aliases.find(model.id(), alias).orElseThrow(() -> notFound(modelName, alias));
    }

    List<AliasRepository.Alias> list(String modelName) {
        return aliases.list(model(modelName).id());
    }

    void delete(String modelName, String alias, @Nullable String ifMatch) {
        transaction.executeWithoutResult(status -> {
            RegisteredModel model = model(modelName);
            AliasRepository.Alias current = aliases.findForUpdate(model.id(), alias)
                    .orElseThrow(() -> notFound(modelName, alias));
            if (ifMatch != null && !matches(ifMatch, current)) {
                throw preconditionFailed(alias, current);
            }
            int revision = aliases.nextRevision(model.id(), alias);
            aliases.delete(model.id(), alias);
            aliases.recordChange(model.id(), alias, null, revision, false, null, actor.name());
            audit.record("ALIAS_DELETED", modelName, current.version(), Map.of("alias", alias, "revision", revision));
        });
    }

    List<AliasRepository.Change> history(String modelName, String alias, @Nullable Instant at) {
        RegisteredModel model = model(modelName);
        List<AliasRepository.Change> changes = aliases.history(model.id(), alias, at);
        if (changes.isEmpty() && at == null) {
            throw notFound(modelName, alias);
        }
        return changes;
    }

    ModelVersion versionOf(AliasRepository.Alias alias) {
        return versions.findById(alias.versionId()).orElseThrow();
    }

    private RegisteredModel model(String modelName) {
        return models.findByName(modelName).orElseThrow(() -> ModelService.notFound(modelName));
    }

    private static boolean matches(String ifMatch, AliasRepository.Alias current) {
        return EntityTags.matchesStrongly(ifMatch, current.etag());
    }

    private static RegistryException preconditionFailed(String alias, AliasRepository.@Nullable Alias current) {
        RegistryException e = new RegistryException(ProblemType.PRECONDITION_FAILED, current == null
                ? "alias '" + alias + "' does not exist, so If-Match cannot match"
                : "alias '" + alias + "' moved meanwhile: it points at version " + current.version() + " (revision "
                        + current.revision() + ")");
        if (current != null) {
            e.withHeader("ETag", current.etag());
        }
        return e;
    }

    private static RegistryException notFound(String modelName, String alias) {
        return RegistryException.notFound("model '" + modelName + "' has no alias '" + alias + "'");
    }
}
