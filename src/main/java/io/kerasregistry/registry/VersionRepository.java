package io.kerasregistry.registry;

import io.kerasregistry.keras.ModelFormat;
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
                   v.architecture_sha256, v.file_name, v.created_at, v.created_by
            FROM model_version v
            JOIN registered_model m ON m.id = v.model_id
            JOIN blob b ON b.sha256 = v.blob_sha256""";

    private final JdbcClient jdbc;

    VersionRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    long insert(long modelId, int version, ModelFormat format, String blobSha256, @Nullable String architectureSha256,
            @Nullable String fileName, String createdBy) {
        return jdbc.sql("""
                INSERT INTO model_version (model_id, version, format, blob_sha256, architecture_sha256, file_name, created_by)
                VALUES (:model, :version, :format, :blob, :arch, :file, :by) RETURNING id""")
                .param("model", modelId).param("version", version).param("format", format.name())
                .param("blob", blobSha256).param("arch", architectureSha256).param("file", fileName)
                .param("by", createdBy)
                .query(Long.class).single();
    }

    Optional<ModelVersion> find(String modelName, int version) {
        return jdbc.sql(SELECT + " WHERE m.name = :name AND v.version = :version")
                .param("name", modelName).param("version", version).query(VersionRepository::map).optional();
    }

    Optional<ModelVersion> findById(long id) {
        return jdbc.sql(SELECT + " WHERE v.id = :id").param("id", id).query(VersionRepository::map).optional();
    }

    /** Newest first; {@code beforeVersion} is the keyset cursor. */
    List<ModelVersion> list(long modelId, @Nullable Integer beforeVersion, int limit) {
        String sql = SELECT + " WHERE v.model_id = :model"
                + (beforeVersion == null ? "" : " AND v.version < :before")
                + " ORDER BY v.version DESC LIMIT :limit";
        var spec = jdbc.sql(sql).param("model", modelId).param("limit", limit);
        if (beforeVersion != null) {
            spec = spec.param("before", beforeVersion);
        }
        return spec.query(VersionRepository::map).list();
    }

    /** Blobs the model's versions use, for releasing them after the model is deleted. */
    List<String> blobsOf(long modelId) {
        return jdbc.sql("""
                SELECT blob_sha256 FROM model_version WHERE model_id = :id
                UNION SELECT architecture_sha256 FROM model_version WHERE model_id = :id AND architecture_sha256 IS NOT NULL""")
                .param("id", modelId).query(String.class).list();
    }

    private static ModelVersion map(ResultSet rs, int row) throws SQLException {
        return new ModelVersion(rs.getLong("id"), rs.getLong("model_id"), rs.getString("model_name"),
                rs.getInt("version"), ModelFormat.valueOf(rs.getString("format")), rs.getString("blob_sha256"),
                rs.getLong("size_bytes"), rs.getString("architecture_sha256"), rs.getString("file_name"),
                rs.getObject("created_at", OffsetDateTime.class).toInstant(), rs.getString("created_by"));
    }
}
