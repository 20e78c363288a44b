package io.kerasregistry.validation;

import io.kerasregistry.audit.CurrentActor;
import io.kerasregistry.customobjects.CustomObjectRegistered;
import io.kerasregistry.registry.ModelVersion;
import io.kerasregistry.registry.ModelVersionUploaded;
import io.kerasregistry.registry.ReferenceUpdated;
import io.kerasregistry.registry.ValidationStatus;
import io.kerasregistry.registry.VersionService;
import io.kerasregistry.registry.VersionValidationState;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * Puts versions in the validation queue: on upload, on request, when their reference vectors change,
 * and when a custom object they were missing is registered. Listeners run inside the transaction
 * that published the event, so an acknowledged upload always has its job.
 */
@Service
class ValidationJobs {

    private final JobQueue queue;
    private final ReportRepository reports;
    private final VersionService versions;
    private final VersionValidationState state;
    private final ValidationProperties properties;
    private final CurrentActor actor;

    ValidationJobs(JobQueue queue, ReportRepository reports, VersionService versions, VersionValidationState state,
            ValidationProperties properties, CurrentActor actor) {
        this.queue = queue;
        this.reports = reports;
        this.versions = versions;
        this.state = state;
        this.properties = properties;
        this.actor = actor;
    }

    @EventListener
    @Transactional(propagation = Propagation.MANDATORY)
    public void onUpload(ModelVersionUploaded uploaded) {
        enqueue(uploaded.versionId(), "UPLOAD");
    }

    @EventListener
    @Transactional(propagation = Propagation.MANDATORY)
    public void onReferenceUpdated(ReferenceUpdated updated) {
        enqueue(updated.versionId(), "REFERENCE_UPDATED");
    }

    /** Registering what a failed validation missed queues exactly those versions again. */
    @EventListener
    @Transactional(propagation = Propagation.MANDATORY)
    public void onCustomObjectRegistered(CustomObjectRegistered registered) {
        for (long versionId : reports.versionsMissing(registered.kind().slug(), registered.name())) {
            enqueue(versionId, "CUSTOM_OBJECT_REGISTERED:" + registered.kind().slug() + "/" + registered.name());
        }
    }

    @Transactional
    public long validate(String modelName, int version) {
        ModelVersion v = versions.get(modelName, version);
        return enqueue(v.id(), "REQUESTED");
    }

    private long enqueue(long versionId, String reason) {
        long job = queue.enqueue(versionId, reason, actor.name(), properties.maxAttempts());
        state.set(versionId, ValidationStatus.PENDING, "queued: " + reason.toLowerCase(java.util.Locale.ROOT));
        return job;
    }
}
