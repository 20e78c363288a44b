package io.kerasregistry.registry;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

@Repository
class AliasRepository {

    private static final String SELECT = """
            SELECT a.model_id, m.name AS model_name, a.name, v.id AS version_id, v.version, a.revision, a.forced,
                   a.updated_at, a.updated_by, v.blob_sha256
            FROM model_alias a JOIN registered_model m ON m.id = a.model_id JOIN model_version v ON v.id = a.version_id""";

    private final JdbcClient jdbc;

    AliasRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    record Alias(long modelId, String model, String name, long versionId, int version, int revision, boolean forced,
            Instant updatedAt, String updatedBy, String sha256) {

        String etag() {
            return "\"" + revision + "\"";
        }
    }

    record Change(String alias, @Nullable Integer version, int revision, boolean forced, @Nullable String reason,
            Instant changedAt, String changedBy) {
    }

    Optional<Alias> find(long modelId, String name) {
        return jdbc.sql(SELECT + " WHERE a.model_id = :model AND a.name = :name").param("model", modelId)
                .param("name", name).query(AliasRepository::map).optional();
    }

    /** The alias, locked for the rest of the transaction so that concurrent moves queue. */
    Optional<Alias> findForUpdate(long modelId, String name) {
        return jdbc.sql(SELECT + " WHERE a.model_id = :model AND a.name = :name FOR UPDATE OF a").param("model", modelId)
                .param("name", name).query(AliasRepository::map).optional();
    }

    List<Alias> list(long modelId) {
        return jdbc.sql(SELECT + " WHERE a.model_id = :model ORDER BY a.name").param("model", modelId)
                .query(AliasRepository::map).list();
    }

    boolean pointsAt(long versionId) {
        return jdbc.sql("SELECT count(*) FROM model_alias WHERE version_id = :v").param("v", versionId)
                .query(Long.class).single() > 0;
    }

    /** Creates the alias unless one of that name exists; whether it did. */
    boolean insert(long modelId, String name, long versionId, int revision, boolean forced, String by) {
        return jdbc.sql("""
                INSERT INTO model_alias (model_id, name, version_id, revision, forced, updated_by)
                VALUES (:model, :name, :version, :revision, :forced, :by) ON CONFLICT (model_id, name) DO NOTHING""")
                .param("model", modelId).param("name", name).param("version", versionId).param("revision", revision)
                .param("forced", forced)
                .param("by", by).update() == 1;
    }

    void move(long modelId, String name, long versionId, int revision, boolean forced, String by) {
        jdbc.sql("""
                UPDATE model_alias SET version_id = :version, revision = :revision, forced = :forced, updated_at = now(),
                       updated_by = :by WHERE model_id = :model AND name = :name""")
                .param("model", modelId).param("name", name).param("version", versionId).param("revision", revision)
                .param("forced", forced).param("by", by).update();
    }

    void delete(long modelId, String name) {
        jdbc.sql("DELETE FROM model_alias WHERE model_id = :model AND name = :name").param("model", modelId)
                .param("name", name).update();
    }

    void recordChange(long modelId, String alias, @Nullable Integer version, int revision, boolean forced,
            @Nullable String reason, String by) {
        jdbc.sql("""
                INSERT INTO model_alias_history (model_id, alias, version, revision, forced, reason, changed_by)
                VALUES (:model, :alias, :version, :revision, :forced, :reason, :by)""")
                .param("model", modelId).param("alias", alias).param("version", version).param("revision", revision)
                .param("forced", forced).param("reason", reason).param("by", by).update();
    }

    /** The revision the next move gets: history keeps counting across deletions. */
    int nextRevision(long modelId, String alias) {
        return jdbc.sql("SELECT COALESCE(max(revision), 0) + 1 FROM model_alias_history WHERE model_id = :model AND alias = :alias")
                .param("model", modelId).param("alias", alias).query(Integer.class).single();
    }

    List<Change> history(long modelId, String alias, @Nullable Instant at) {
        if (at == null) {
            return jdbc.sql("SELECT * FROM model_alias_history WHERE model_id = :model AND alias = :alias ORDER BY changed_at, id")
                    .param("model", modelId).param("alias", alias).query(AliasRepository::change).list();
        }
        return jdbc.sql("""
                SELECT * FROM model_alias_history WHERE model_id = :model AND alias = :alias AND changed_at <= :at
                ORDER BY changed_at DESC, id DESC LIMIT 1""")
                .param("model", modelId).param("alias", alias).param("at", OffsetDateTime.ofInstant(at, ZoneOffset.UTC))
                .query(AliasRepository::change).list();
    }

    private static Alias map(ResultSet rs, int row) throws SQLException {
        return new Alias(rs.getLong("model_id"), rs.getString("model_name"), rs.getString("name"), rs.getLong("version_id"),
                rs.getInt("version"), rs.getInt("revision"), rs.getBoolean("forced"),
                rs.getObject("updated_at", OffsetDateTime.class).toInstant(), rs.getString("updated_by"),
                rs.getString("blob_sha256"));
    }

    private static Change change(ResultSet rs, int row) throws SQLException {
        return new Change(rs.getString("alias"), rs.getObject("version", Integer.class), rs.getInt("revision"),
                rs.getBoolean("forced"), rs.getString("reason"), rs.getObject("changed_at", OffsetDateTime.class).toInstant(),
                rs.getString("changed_by"));
    }
}
