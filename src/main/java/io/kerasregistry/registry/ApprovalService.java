package io.kerasregistry.registry;

import io.kerasregistry.audit.AuditLog;
import io.kerasregistry.audit.CurrentActor;
import io.kerasregistry.common.ProblemType;
import io.kerasregistry.common.RegistryException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Reviewing versions. A version is approved only after its validation passed, with a comment, and
 * (four-eyes) by someone other than its uploader; decisions on one version are serialised by a row
 * lock, so parallel approvals cannot interleave.
 */
@Service
class ApprovalService {

    private final ModelRepository models;
    private final VersionRepository versions;
    private final AliasRepository aliases;
    private final AuditLog audit;
    private final CurrentActor actor;
    private final TransactionTemplate transaction;
    private final ApprovalProperties properties;

    ApprovalService(ModelRepository models, VersionRepository versions, AliasRepository aliases, AuditLog audit,
            CurrentActor actor, TransactionTemplate transaction, ApprovalProperties properties) {
        this.models = models;
        this.versions = versions;
        this.aliases = aliases;
        this.audit = audit;
        this.actor = actor;
        this.transaction = transaction;
        this.properties = properties;
    }

    ModelVersion decide(String modelName, int number, ApprovalStatus decision, String comment) {
        if (comment == null || comment.isBlank()) {
            throw RegistryException.invalid("a decision needs a comment saying why");
        }
        return transaction.execute(status -> {
            ModelVersion version = version(modelName, number);
            versions.lock(version.id());
            version = version(modelName, number);
            String who = actor.name();
            // Under the row lock: of two reviewers approving at once, the second finds it decided
            // instead of recording the same decision twice.
            if (version.approval().status() == decision) {
                throw RegistryException.conflict("version " + number + " of '" + modelName + "' is already "
                        + decision.name());
            }
            if (decision == ApprovalStatus.APPROVED) {
                if (version.validation().status() != ValidationStatus.PASSED) {
                    throw new RegistryException(ProblemType.CONFLICT, "version " + number + " of '" + modelName
                            + "' cannot be approved: its validation is " + version.validation().status()
                            + ", and approving needs PASSED").with("validationStatus", version.validation().status().name());
                }
                if (version.archived()) {
                    throw RegistryException.conflict("version " + number + " of '" + modelName + "' is archived");
                }
                if (properties.fourEyes() && who.equals(version.createdBy())) {
                    throw new RegistryException(ProblemType.CONFLICT, "four-eyes approval is on: '" + who
                            + "' uploaded version " + number + " and cannot also approve it");
                }
            } else if (aliases.pointsAt(version.id())) {
                throw RegistryException.conflict("version " + number + " of '" + modelName
                        + "' is what an alias points to; move the alias before rejecting it");
            }
            versions.setApproval(version.id(), decision, who, comment);
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("decision", decision.name());
            details.put("comment", comment);
            details.put("previous", version.approval().status().name());
            audit.record(decision == ApprovalStatus.APPROVED ? "VERSION_APPROVED" : "VERSION_REJECTED", modelName, number,
                    details);
            return version(modelName, number);
        });
    }

    ModelVersion archive(String modelName, int number, boolean archived, @Nullable String reason) {
        return transaction.execute(status -> {
            ModelVersion version = version(modelName, number);
            versions.lock(version.id());
            if (archived && aliases.pointsAt(version.id())) {
                throw RegistryException.conflict("version " + number + " of '" + modelName
                        + "' is what an alias points to; move the alias before archiving it");
            }
            versions.setArchived(version.id(), archived, actor.name());
            Map<String, Object> details = new LinkedHashMap<>();
            if (reason != null) {
                details.put("reason", reason);
            }
            audit.record(archived ? "VERSION_ARCHIVED" : "VERSION_UNARCHIVED", modelName, number, details);
            return version(modelName, number);
        });
    }

    ModelVersion latest(String modelName, @Nullable ApprovalStatus approval) {
        RegisteredModel model = models.findByName(modelName).orElseThrow(() -> ModelService.notFound(modelName));
        return versions.latest(model.id(), approval).orElseThrow(() -> RegistryException.notFound("model '" + modelName
                + "' has no " + (approval == null ? "" : approval.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ')
                + " ") + "version"));
    }

    List<VersionRepository.Decision> decisions(String modelName, int number) {
        return versions.decisions(version(modelName, number).id());
    }

    private ModelVersion version(String modelName, int number) {
        return versions.find(modelName, number).orElseThrow(() -> models.findByName(modelName).isEmpty()
                ? ModelService.notFound(modelName)
                : RegistryException.notFound("model '" + modelName + "' has no version " + number));
    }
}
