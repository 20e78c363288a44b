package io.kerasregistry.registry;

import io.kerasregistry.keras.ModelFormat;
import io.kerasregistry.keras.TensorSpec;
import java.util.LinkedHashMap;
import java.util.Map;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

@Repository
class VersionRepository {

    private static final String SELECT = """
            SELECT v.id, v.model_id, m.name AS model_name, v.version, v.format, v.blob_sha256, b.size_bytes,
                   v.architecture_sha256, v.file_name, v.created_at, v.created_by,
                   v.keras_version, v.backend, v.model_class, v.subclassed, v.param_count, v.trainable_param_count,
                   v.inputs::text AS inputs, v.outputs::text AS outputs,
                   v.validation_status, v.validation_updated_at, v.validation_summary, v.reference_sha256,
                   v.approval_status, v.approval_updated_at, v.approval_by, v.approval_comment, v.archived_at
            FROM model_version v
            JOIN registered_model m ON m.id = v.model_id
            JOIN blob b ON b.sha256 = v.blob_sha256""";

    private static final TypeReference<List<TensorSpec>> TENSORS = new TypeReference<>() {
    };

    private final JdbcClient jdbc;
    private final JsonMapper json;

    VersionRepository(JdbcClient jdbc, JsonMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    long insert(long modelId, int version, ModelFormat format, String blobSha256, @Nullable String architectureSha256,
            @Nullable String referenceSha256, @Nullable String fileName, String createdBy) {
        return jdbc.sql("""
                INSERT INTO model_version (model_id, version, format, blob_sha256, architecture_sha256, reference_sha256,
                                           file_name, created_by)
                VALUES (:model, :version, :format, :blob, :arch, :reference, :file, :by) RETURNING id""")
                .param("model", modelId).param("version", version).param("format", format.name())
                .param("blob", blobSha256).param("arch", architectureSha256).param("reference", referenceSha256)
                .param("file", fileName)
                .param("by", createdBy)
                .query(Long.class).single();
    }

    /** The newest version, or the newest in the given approval state (never an archived one then). */
    Optional<ModelVersion> latest(long modelId, @Nullable ApprovalStatus approval) {
        if (approval == null) {
            return jdbc.sql(SELECT + " WHERE v.model_id = :model ORDER BY v.version DESC LIMIT 1")
                    .param("model", modelId).query(this::map).optional();
        }
        return jdbc.sql(SELECT + " WHERE v.model_id = :model AND v.approval_status = :approval AND v.archived_at IS NULL "
                        + "ORDER BY v.version DESC LIMIT 1")
                .param("model", modelId).param("approval", approval.name()).query(this::map).optional();
    }

    /** Locks the version row for the rest of the transaction: concurrent decisions on it queue. */
    void lock(long versionId) {
        jdbc.sql("SELECT id FROM model_version WHERE id = :id FOR UPDATE").param("id", versionId).query(Long.class).single();
    }

    void setApproval(long versionId, ApprovalStatus status, String by, String comment) {
        jdbc.sql("UPDATE model_version SET approval_status = :status, approval_by = :by, approval_comment = :comment, "
                        + "approval_updated_at = now() WHERE id = :id")
                .param("status", status.name()).param("by", by).param("comment", comment).param("id", versionId).update();
        jdbc.sql("INSERT INTO approval_decision (version_id, decision, comment, decided_by) VALUES (:id, :d, :c, :by)")
                .param("id", versionId).param("d", status.name()).param("c", comment).param("by", by).update();
    }

    void setArchived(long versionId, boolean archived, String by) {
        if (archived) {
            jdbc.sql("UPDATE model_version SET archived_at = now(), archived_by = :by WHERE id = :id")
                    .param("id", versionId).param("by", by).update();
        } else {
            jdbc.sql("UPDATE model_version SET archived_at = NULL, archived_by = NULL WHERE id = :id")
                    .param("id", versionId).update();
        }
    }

    record Decision(String decision, String comment, String decidedBy, java.time.Instant decidedAt) {
    }

    List<Decision> decisions(long versionId) {
        return jdbc.sql("SELECT decision, comment, decided_by, decided_at FROM approval_decision WHERE version_id = :id ORDER BY id")
                .param("id", versionId)
                .query((rs, i) -> new Decision(rs.getString(1), rs.getString(2), rs.getString(3),
                        rs.getObject(4, OffsetDateTime.class).toInstant()))
                .list();
    }

    void setReference(long versionId, String sha256) {
        jdbc.sql("UPDATE model_version SET reference_sha256 = :sha WHERE id = :id").param("sha", sha256)
                .param("id", versionId).update();
    }

    Optional<ModelVersion> find(String modelName, int version) {
        return jdbc.sql(SELECT + " WHERE m.name = :name AND v.version = :version")
                .param("name", modelName).param("version", version).query(this::map).optional();
    }

    Optional<ModelVersion> findById(long id) {
        return jdbc.sql(SELECT + " WHERE v.id = :id").param("id", id).query(this::map).optional();
    }

    /** Newest first, keyset-paged on the version number; filters are optional. */
    List<ModelVersion> list(long modelId, VersionFilter filter, @Nullable Integer beforeVersion, int limit) {
        StringBuilder sql = new StringBuilder(SELECT).append(" WHERE v.model_id = :model");
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("model", modelId);
        if (beforeVersion != null) {
            sql.append(" AND v.version < :before");
            params.put("before", beforeVersion);
        }
        if (filter.layerClass() != null) {
            sql.append(" AND EXISTS (SELECT 1 FROM model_layer l WHERE l.version_id = v.id AND l.class_name = :layerClass)");
            params.put("layerClass", filter.layerClass());
        }
        if (filter.regularizerKind() != null) {
            sql.append(" AND EXISTS (SELECT 1 FROM model_regularizer r WHERE r.version_id = v.id AND r.kind = :kind)");
            params.put("kind", filter.regularizerKind().name());
        }
        sql.append(" ORDER BY v.version DESC LIMIT :limit");
        params.put("limit", limit);
        return jdbc.sql(sql.toString()).params(params).query(this::map).list();
    }

    /** Blobs the model's versions use, for releasing them after the model is deleted. */
    List<String> blobsOf(long modelId) {
        return jdbc.sql("""
                SELECT blob_sha256 FROM model_version WHERE model_id = :id
                UNION SELECT architecture_sha256 FROM model_version WHERE model_id = :id AND architecture_sha256 IS NOT NULL
                UNION SELECT reference_sha256 FROM model_version WHERE model_id = :id AND reference_sha256 IS NOT NULL""")
                .param("id", modelId).query(String.class).list();
    }

    record BlobUse(String sha256, String modelName, int version) {
    }

    /** The versions whose file, architecture or reference vectors are one of these blobs. */
    List<BlobUse> using(java.util.Collection<String> sha256s) {
        if (sha256s.isEmpty()) {
            return List.of();
        }
        return jdbc.sql("""
                SELECT b.sha, m.name, v.version
                FROM unnest(:shas) AS b(sha)
                JOIN model_version v ON b.sha IN (v.blob_sha256, v.architecture_sha256, v.reference_sha256)
                JOIN registered_model m ON m.id = v.model_id
                ORDER BY b.sha, m.name, v.version""")
                .param("shas", sha256s.toArray(String[]::new))
                .query((rs, i) -> new BlobUse(rs.getString(1), rs.getString(2), rs.getInt(3))).list();
    }

    /** Blob rows older than {@code before} that no version refers to: a deletion that did not finish. */
    List<String> unreferencedBlobs(java.time.Instant before) {
        return jdbc.sql("""
                SELECT b.sha256 FROM blob b
                WHERE b.created_at < :before
                  AND NOT EXISTS (SELECT 1 FROM model_version v
                                  WHERE b.sha256 IN (v.blob_sha256, v.architecture_sha256, v.reference_sha256))
                ORDER BY b.sha256""")
                .param("before", OffsetDateTime.ofInstant(before, java.time.ZoneOffset.UTC)).query(String.class).list();
    }

    long count() {
        return jdbc.sql("SELECT count(*) FROM model_version").query(Long.class).single();
    }

    private ModelVersion map(ResultSet rs, int row) throws SQLException {
        ModelVersion.Description description = new ModelVersion.Description(rs.getString("keras_version"),
                rs.getString("backend"), rs.getString("model_class"), rs.getBoolean("subclassed"),
                rs.getLong("param_count"), rs.getLong("trainable_param_count"),
                json.readValue(rs.getString("inputs"), TENSORS), json.readValue(rs.getString("outputs"), TENSORS));
        return new ModelVersion(rs.getLong("id"), rs.getLong("model_id"), rs.getString("model_name"),
                rs.getInt("version"), ModelFormat.valueOf(rs.getString("format")), rs.getString("blob_sha256"),
                rs.getLong("size_bytes"), rs.getString("architecture_sha256"), rs.getString("file_name"),
                rs.getObject("created_at", OffsetDateTime.class).toInstant(), rs.getString("created_by"), description,
                new ModelVersion.Validation(ValidationStatus.valueOf(rs.getString("validation_status")),
                        rs.getObject("validation_updated_at", OffsetDateTime.class).toInstant(),
                        rs.getString("validation_summary")),
                rs.getString("reference_sha256"),
                new ModelVersion.Approval(ApprovalStatus.valueOf(rs.getString("approval_status")),
                        instant(rs, "approval_updated_at"), rs.getString("approval_by"), rs.getString("approval_comment")),
                instant(rs, "archived_at"));
    }

    private static java.time.@Nullable Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime value = rs.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }
}
