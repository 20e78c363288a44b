package io.kerasregistry.registry;

import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

@Repository
class ModelRepository {

    private static final String SELECT = """
            SELECT m.id, m.name, m.description, m.created_at, m.updated_at, m.created_by, m.last_version,
                   (SELECT count(*) FROM model_version v WHERE v.model_id = m.id) AS version_count,
                   ARRAY(SELECT t.tag FROM model_tag t WHERE t.model_id = m.id ORDER BY t.tag) AS tags
            FROM registered_model m""";

    private final JdbcClient jdbc;

    ModelRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** Inserts the model unless one of that name exists; returns whether it was inserted. */
    boolean insertIfAbsent(String name, @Nullable String description, String createdBy) {
        return jdbc.sql("""
                INSERT INTO registered_model (name, description, created_by, last_version)
                VALUES (:name, :description, :by,
                        COALESCE((SELECT last_version FROM retired_model_name WHERE name = :name), 0))
                ON CONFLICT (name) DO NOTHING""")
                .param("name", name).param("description", description).param("by", createdBy)
                .update() == 1;
    }

    Optional<RegisteredModel> findByName(String name) {
        return jdbc.sql(SELECT + " WHERE m.name = :name").param("name", name).query(ModelRepository::map).optional();
    }

    /**
     * Only the id: what listing a model's versions needs. {@link #findByName} counts the versions,
     * which grows with them (a listing page of a model with 100k versions took 5 times as long).
     */
    Optional<Long> idOf(String name) {
        return jdbc.sql("SELECT id FROM registered_model WHERE name = :name").param("name", name).query(Long.class).optional();
    }

    /** The next version number of a model, taken under the model row's lock so concurrent uploads queue. */
    int allocateVersion(long modelId) {
        return jdbc.sql("""
                UPDATE registered_model SET last_version = last_version + 1, updated_at = now()
                WHERE id = :id RETURNING last_version""")
                .param("id", modelId).query(Integer.class).single();
    }

    void update(long modelId, @Nullable String description, boolean setDescription) {
        if (setDescription) {
            jdbc.sql("UPDATE registered_model SET description = :d, updated_at = now() WHERE id = :id")
                    .param("d", description).param("id", modelId).update();
        } else {
            jdbc.sql("UPDATE registered_model SET updated_at = now() WHERE id = :id").param("id", modelId).update();
        }
    }

    void replaceTags(long modelId, List<String> tags) {
        jdbc.sql("DELETE FROM model_tag WHERE model_id = :id").param("id", modelId).update();
        for (String tag : tags) {
            jdbc.sql("INSERT INTO model_tag (model_id, tag) VALUES (:id, :tag) ON CONFLICT DO NOTHING")
                    .param("id", modelId).param("tag", tag).update();
        }
    }

    void delete(long modelId) {
        jdbc.sql("""
                INSERT INTO retired_model_name (name, last_version)
                SELECT name, last_version FROM registered_model WHERE id = :id
                ON CONFLICT (name) DO UPDATE SET last_version = EXCLUDED.last_version""")
                .param("id", modelId).update();
        jdbc.sql("DELETE FROM registered_model WHERE id = :id").param("id", modelId).update();
    }

    List<RegisteredModel> list(@Nullable String prefix, @Nullable String tag, @Nullable String afterName, int limit) {
        List<String> where = new ArrayList<>();
        Map<String, Object> params = new LinkedHashMap<>();
        if (prefix != null && !prefix.isEmpty()) {
            where.add("m.name LIKE :prefix ESCAPE '\\'");
            params.put("prefix", prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%");
        }
        if (tag != null) {
            where.add("EXISTS (SELECT 1 FROM model_tag t WHERE t.model_id = m.id AND t.tag = :tag)");
            params.put("tag", tag);
        }
        if (afterName != null) {
            where.add("m.name > :after");
            params.put("after", afterName);
        }
        params.put("limit", limit);
        String sql = SELECT + (where.isEmpty() ? "" : " WHERE " + String.join(" AND ", where))
                + " ORDER BY m.name LIMIT :limit";
        return jdbc.sql(sql).params(params).query(ModelRepository::map).list();
    }

    private static RegisteredModel map(ResultSet rs, int row) throws SQLException {
        Array tags = rs.getArray("tags");
        return new RegisteredModel(rs.getLong("id"), rs.getString("name"), rs.getString("description"),
                Arrays.asList((String[]) tags.getArray()),
                rs.getObject("created_at", OffsetDateTime.class).toInstant(),
                rs.getObject("updated_at", OffsetDateTime.class).toInstant(), rs.getString("created_by"),
                rs.getInt("last_version"), rs.getInt("version_count"));
    }
}
