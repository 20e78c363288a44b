package io.kerasregistry.registry;

import io.kerasregistry.audit.AuditLog;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * The registry's record of each version's validation status. Validation reports back through here
 * (the registry never calls validation), and approval reads it.
 */
@Service
public class VersionValidationState {

    /** Who the audit log names for results the registry itself produced. */
    public static final String VALIDATION_ACTOR = "validation";

    private final JdbcClient jdbc;
    private final AuditLog audit;

    VersionValidationState(JdbcClient jdbc, AuditLog audit) {
        this.jdbc = jdbc;
        this.audit = audit;
    }

    @Transactional(propagation = Propagation.MANDATORY)
    public void set(long versionId, ValidationStatus status, @Nullable String summary) {
        jdbc.sql("UPDATE model_version SET validation_status = :status, validation_summary = :summary, "
                        + "validation_updated_at = now() WHERE id = :id")
                .param("status", status.name()).param("summary", summary).param("id", versionId).update();
    }

    /** A final outcome, recorded with an audit event naming the report. */
    @Transactional(propagation = Propagation.MANDATORY)
    public void recordOutcome(ModelVersion version, ValidationStatus status, String summary, long reportId) {
        set(version.id(), status, summary);
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("status", status.name());
        details.put("reportId", reportId);
        details.put("summary", summary.length() > 500 ? summary.substring(0, 500) + "…" : summary);
        audit.recordAs(VALIDATION_ACTOR, "VALIDATION_" + status.name(), version.modelName(), version.version(), details);
    }

    public ValidationStatus current(long versionId) {
        return ValidationStatus.valueOf(jdbc.sql("SELECT validation_status FROM model_version WHERE id = :id")
                .param("id", versionId).query(String.class).single());
    }

    /** Waits until the version's validation is final or {@code max} has passed; the status then. */
    public ValidationStatus await(long versionId, Duration max) {
        long deadline = System.nanoTime() + max.toNanos();
        ValidationStatus status = current(versionId);
        while (!status.isFinal() && System.nanoTime() < deadline) {
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            status = current(versionId);
        }
        return status;
    }
}
