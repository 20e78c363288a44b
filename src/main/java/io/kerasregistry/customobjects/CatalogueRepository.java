package io.kerasregistry.customobjects;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

@Repository
class CatalogueRepository {

    private static final String SELECT = "SELECT kind, name, revision, implementation, definition::text AS definition, "
            + "description, updated_at, updated_by FROM custom_object";

    private final JdbcClient jdbc;
    private final JsonMapper json;

    CatalogueRepository(JdbcClient jdbc, JsonMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    /** The current definition, locked for the rest of the transaction so concurrent changes queue. */
    Optional<CustomObjectDefinition> findForUpdate(CatalogueKind kind, String name) {
        return jdbc.sql(SELECT + " WHERE kind = :kind AND name = :name FOR UPDATE")
                .param("kind", kind.slug()).param("name", name).query(this::map).optional();
    }

    Optional<CustomObjectDefinition> find(CatalogueKind kind, String name) {
        return jdbc.sql(SELECT + " WHERE kind = :kind AND name = :name")
                .param("kind", kind.slug()).param("name", name).query(this::map).optional();
    }

    List<CustomObjectDefinition> list(@Nullable CatalogueKind kind) {
        if (kind == null) {
            return jdbc.sql(SELECT + " ORDER BY kind, name").query(this::map).list();
        }
        return jdbc.sql(SELECT + " WHERE kind = :kind ORDER BY name").param("kind", kind.slug()).query(this::map).list();
    }

    /** The next revision number of a name, counting deleted ones too; serialises writers of that name. */
    int nextRevision(CatalogueKind kind, String name) {
        return jdbc.sql("""
                INSERT INTO custom_object_counter (kind, name, last_revision) VALUES (:kind, :name, 1)
                ON CONFLICT (kind, name) DO UPDATE SET last_revision = custom_object_counter.last_revision + 1
                RETURNING last_revision""")
                .param("kind", kind.slug()).param("name", name).query(Integer.class).single();
    }

    void upsert(CustomObjectDefinition d, String by) {
        String definition = definitionJson(d);
        jdbc.sql("""
                INSERT INTO custom_object (kind, name, revision, implementation, definition, description, updated_by)
                VALUES (:kind, :name, :revision, :implementation, CAST(:definition AS jsonb), :description, :by)
                ON CONFLICT (kind, name) DO UPDATE SET revision = EXCLUDED.revision,
                    implementation = EXCLUDED.implementation, definition = EXCLUDED.definition,
                    description = EXCLUDED.description, updated_at = now(), updated_by = EXCLUDED.updated_by""")
                .param("kind", d.kind().slug()).param("name", d.name()).param("revision", d.revision())
                .param("implementation", d.implementation().name()).param("definition", definition)
                .param("description", d.description()).param("by", by)
                .update();
        jdbc.sql("""
                INSERT INTO custom_object_revision (kind, name, revision, implementation, definition, description, changed_by)
                VALUES (:kind, :name, :revision, :implementation, CAST(:definition AS jsonb), :description, :by)""")
                .param("kind", d.kind().slug()).param("name", d.name()).param("revision", d.revision())
                .param("implementation", d.implementation().name()).param("definition", definition)
                .param("description", d.description()).param("by", by)
                .update();
    }

    void delete(CatalogueKind kind, String name, int revision, String by) {
        jdbc.sql("DELETE FROM custom_object WHERE kind = :kind AND name = :name")
                .param("kind", kind.slug()).param("name", name).update();
        jdbc.sql("INSERT INTO custom_object_revision (kind, name, revision, changed_by, deleted) "
                        + "VALUES (:kind, :name, :revision, :by, true)")
                .param("kind", kind.slug()).param("name", name).param("revision", revision).param("by", by).update();
    }

    private String definitionJson(CustomObjectDefinition d) {
        Map<String, Object> definition = new LinkedHashMap<>();
        if (d.alias() != null) {
            definition.put("alias", d.alias());
        }
        if (d.expression() != null) {
            definition.put("expression", d.expression());
        }
        if (d.className() != null) {
            definition.put("className", d.className());
        }
        return json.writeValueAsString(definition);
    }

    private CustomObjectDefinition map(ResultSet rs, int row) throws SQLException {
        JsonNode definition = json.readTree(rs.getString("definition"));
        JsonNode alias = definition.get("alias");
        return new CustomObjectDefinition(CatalogueKind.ofSlug(rs.getString("kind")), rs.getString("name"),
                rs.getInt("revision"), Implementation.valueOf(rs.getString("implementation")),
                alias == null || alias.isNull() ? null : alias,
                definition.hasNonNull("expression") ? definition.get("expression").asString() : null,
                definition.hasNonNull("className") ? definition.get("className").asString() : null,
                rs.getString("description"), rs.getObject("updated_at", OffsetDateTime.class).toInstant(),
                rs.getString("updated_by"));
    }
}
