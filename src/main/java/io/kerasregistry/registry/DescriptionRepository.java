package io.kerasregistry.registry;

import io.kerasregistry.keras.CustomObjectKind;
import io.kerasregistry.keras.CustomObjectRef;
import io.kerasregistry.keras.Finding;
import io.kerasregistry.keras.KerasModel;
import io.kerasregistry.keras.LayerSummary;
import io.kerasregistry.keras.ObjectRef;
import io.kerasregistry.keras.RegularizerKind;
import io.kerasregistry.keras.RegularizerRef;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The parsed description of each version. Written once, in the upload's transaction, with batched
 * inserts: a model of thousands of layers costs a handful of round trips, not thousands.
 */
@Repository
class DescriptionRepository {

    private final JdbcClient jdbc;
    private final JdbcTemplate template;
    private final JsonMapper json;

    DescriptionRepository(JdbcClient jdbc, JdbcTemplate template, JsonMapper json) {
        this.jdbc = jdbc;
        this.template = template;
        this.json = json;
    }

    void insert(long versionId, KerasModel model) {
        jdbc.sql("""
                UPDATE model_version SET keras_version = :keras, backend = :backend, model_class = :class,
                       subclassed = :subclassed, param_count = :params, trainable_param_count = :trainable,
                       inputs = CAST(:inputs AS json), outputs = CAST(:outputs AS json)
                WHERE id = :id""")
                .param("keras", text(model.kerasVersion())).param("backend", text(model.backend()))
                .param("class", text(model.modelClass())).param("subclassed", model.subclassed())
                .param("params", model.paramCount()).param("trainable", model.trainableParamCount())
                .param("inputs", json.writeValueAsString(model.inputs()))
                .param("outputs", json.writeValueAsString(model.outputs()))
                .param("id", versionId)
                .update();
        jdbc.sql("INSERT INTO model_architecture (version_id, config, training_config) "
                        + "VALUES (:id, CAST(:config AS json), CAST(:training AS json))")
                .param("id", versionId)
                .param("config", json.writeValueAsString(model.architecture()))
                .param("training", model.trainingConfig() == null ? null : json.writeValueAsString(model.trainingConfig()))
                .update();
        batch("INSERT INTO model_layer (version_id, ordinal, path, name, class_name, trainable, param_count, output_shape) "
                + "VALUES (?, ?, ?, ?, ?, ?, ?, ?)", versionId, model.layers(), (ps, layer) -> {
                    setText(ps, 3, layer.path());
                    setText(ps, 4, layer.name());
                    setText(ps, 5, layer.className());
                    ps.setBoolean(6, layer.trainable());
                    ps.setLong(7, layer.paramCount());
                    setText(ps, 8, layer.outputShape());
                });
        batch("INSERT INTO model_regularizer (version_id, ordinal, layer_path, attribute, original_attribute, kind, l1, l2, "
                + "factor, mode, name, config) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, CAST(? AS json))",
                versionId, model.regularizers(), (ps, r) -> {
                    setText(ps, 3, r.layerPath());
                    setText(ps, 4, r.attribute());
                    setText(ps, 5, r.originalAttribute());
                    setText(ps, 6, r.kind().name());
                    setDouble(ps, 7, r.l1());
                    setDouble(ps, 8, r.l2());
                    setDouble(ps, 9, r.factor());
                    setText(ps, 10, r.mode());
                    setText(ps, 11, r.name());
                    setText(ps, 12, json.writeValueAsString(r.config()));
                });
        List<Object[]> objects = new java.util.ArrayList<>();
        model.initializers().forEach(o -> objects.add(new Object[] {"INITIALIZER", o}));
        model.constraints().forEach(o -> objects.add(new Object[] {"CONSTRAINT", o}));
        batch("INSERT INTO model_layer_object (version_id, ordinal, category, layer_path, attribute, name, built_in, config) "
                + "VALUES (?, ?, ?, ?, ?, ?, ?, CAST(? AS json))", versionId, objects, (ps, row) -> {
                    ObjectRef o = (ObjectRef) row[1];
                    setText(ps, 3, (String) row[0]);
                    setText(ps, 4, o.layerPath());
                    setText(ps, 5, o.attribute());
                    setText(ps, 6, o.name());
                    ps.setBoolean(7, o.builtIn());
                    setText(ps, 8, json.writeValueAsString(o.config()));
                });
        batch("INSERT INTO model_custom_object_ref (version_id, ordinal, kind, name, layer_path, attribute, class_name, "
                + "module, config) VALUES (?, ?, ?, ?, ?, ?, ?, ?, CAST(? AS json))", versionId, model.customObjects(),
                (ps, c) -> {
                    setText(ps, 3, c.kind().name());
                    setText(ps, 4, c.name());
                    setText(ps, 5, c.layerPath());
                    setText(ps, 6, c.attribute());
                    setText(ps, 7, c.className());
                    setText(ps, 8, c.module());
                    setText(ps, 9, c.config() == null ? null : json.writeValueAsString(c.config()));
                });
        batch("INSERT INTO model_finding (version_id, ordinal, code, severity, message, layer_path) VALUES (?, ?, ?, ?, ?, ?)",
                versionId, model.findings(), (ps, f) -> {
                    setText(ps, 3, f.code());
                    setText(ps, 4, f.severity().name());
                    setText(ps, 5, f.message());
                    setText(ps, 6, f.layerPath());
                });
    }

    Optional<JsonNode> architecture(long versionId) {
        return jdbc.sql("SELECT config::text FROM model_architecture WHERE version_id = :id").param("id", versionId)
                .query((rs, i) -> json.readTree(rs.getString(1))).optional();
    }

    List<LayerSummary> layers(long versionId) {
        return jdbc.sql("SELECT path, name, class_name, trainable, param_count, output_shape FROM model_layer "
                        + "WHERE version_id = :id ORDER BY ordinal")
                .param("id", versionId)
                .query((rs, i) -> new LayerSummary(rs.getString(1), rs.getString(2), rs.getString(3), rs.getBoolean(4),
                        rs.getLong(5), rs.getString(6)))
                .list();
    }

    List<RegularizerRef> regularizers(long versionId) {
        return jdbc.sql("SELECT layer_path, attribute, original_attribute, kind, l1, l2, factor, mode, name, config::text "
                        + "FROM model_regularizer WHERE version_id = :id ORDER BY ordinal")
                .param("id", versionId)
                .query((rs, i) -> new RegularizerRef(rs.getString(1), rs.getString(2), rs.getString(3),
                        RegularizerKind.valueOf(rs.getString(4)), rs.getObject(5, Double.class),
                        rs.getObject(6, Double.class), rs.getObject(7, Double.class), rs.getString(8), rs.getString(9),
                        json.readTree(rs.getString(10))))
                .list();
    }

    List<CustomObjectRef> customObjects(long versionId) {
        return jdbc.sql("SELECT kind, name, layer_path, attribute, class_name, module, config::text "
                        + "FROM model_custom_object_ref WHERE version_id = :id ORDER BY ordinal")
                .param("id", versionId)
                .query((rs, i) -> new CustomObjectRef(CustomObjectKind.valueOf(rs.getString(1)), rs.getString(2),
                        rs.getString(3), rs.getString(4), rs.getString(5), rs.getString(6),
                        rs.getString(7) == null ? null : json.readTree(rs.getString(7))))
                .list();
    }

    List<Finding> findings(long versionId) {
        return jdbc.sql("SELECT code, severity, message, layer_path FROM model_finding WHERE version_id = :id ORDER BY ordinal")
                .param("id", versionId)
                .query((rs, i) -> new Finding(rs.getString(1), Finding.Severity.valueOf(rs.getString(2)),
                        rs.getString(3), rs.getString(4)))
                .list();
    }

    List<ObjectRef> layerObjects(long versionId, String category) {
        return jdbc.sql("SELECT layer_path, attribute, name, built_in, config::text FROM model_layer_object "
                        + "WHERE version_id = :id AND category = :category ORDER BY ordinal")
                .param("id", versionId).param("category", category)
                .query((rs, i) -> new ObjectRef(rs.getString(1), rs.getString(2), rs.getString(3), rs.getBoolean(4),
                        json.readTree(rs.getString(5))))
                .list();
    }

    private interface RowSetter<T> {
        void set(PreparedStatement ps, T row) throws SQLException;
    }

    private <T> void batch(String sql, long versionId, List<T> rows, RowSetter<T> setter) {
        if (rows.isEmpty()) {
            return;
        }
        List<Integer> ordinals = java.util.stream.IntStream.range(0, rows.size()).boxed().toList();
        template.batchUpdate(sql, ordinals, 1000, (ps, ordinal) -> {
            ps.setLong(1, versionId);
            ps.setInt(2, ordinal);
            setter.set(ps, rows.get(ordinal));
        });
    }

    /** PostgreSQL text cannot hold NUL; a hostile file's names must not turn an upload into a 500. */
    private static void setText(PreparedStatement ps, int index, @Nullable String value) throws SQLException {
        ps.setString(index, text(value));
    }

    private static @Nullable String text(@Nullable String value) {
        return value == null ? null : value.replace('\u0000', '\uFFFD');
    }

    private static void setDouble(PreparedStatement ps, int index, @Nullable Double value) throws SQLException {
        if (value == null) {
            ps.setNull(index, Types.DOUBLE);
        } else {
            ps.setDouble(index, value);
        }
    }
}
