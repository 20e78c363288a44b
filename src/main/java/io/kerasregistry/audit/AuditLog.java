package io.kerasregistry.audit;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.MapperFeature;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * Appends events to the hash chain. Appending takes a transaction-scoped advisory lock, so events are
 * chained in commit order; callers append as the last step of their transaction to hold it briefly.
 */
@Component
public class AuditLog {

    private static final String GENESIS = "0".repeat(64);
    private static final int AUDIT_LOCK_CLASS = 0x6b720002;
    private static final TypeReference<Map<String, Object>> DETAILS = new TypeReference<>() {
    };

    private final JdbcClient jdbc;
    private final CurrentActor currentActor;
    /** Sorted keys make the hashed text independent of how PostgreSQL's jsonb reorders them. */
    private final JsonMapper canonical = JsonMapper.builder()
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .enable(MapperFeature.SORT_PROPERTIES_ALPHABETICALLY)
            .build();

    AuditLog(JdbcClient jdbc, CurrentActor currentActor) {
        this.jdbc = jdbc;
        this.currentActor = currentActor;
    }

    /** Records a change made by the current actor, in the caller's transaction. */
    @Transactional(propagation = Propagation.MANDATORY)
    public void record(String type, @Nullable String modelName, @Nullable Integer version, Map<String, ?> details) {
        recordAs(currentActor.name(), type, modelName, version, details);
    }

    /** Records a change made by the registry itself (a validation result) or a named actor. */
    @Transactional(propagation = Propagation.MANDATORY)
    public void recordAs(String actor, String type, @Nullable String modelName, @Nullable Integer version,
            Map<String, ?> details) {
        jdbc.sql("SELECT pg_advisory_xact_lock(:c, 0)").param("c", AUDIT_LOCK_CLASS).query((rs, i) -> 1).single();
        String prev = jdbc.sql("SELECT hash FROM audit_event ORDER BY id DESC LIMIT 1")
                .query(String.class).optional().orElse(GENESIS);
        Instant at = Instant.now().truncatedTo(ChronoUnit.MICROS);
        String detailsJson = canonical.writeValueAsString(new TreeMap<>(details));
        String hash = hash(prev, at, actor, type, modelName, version, detailsJson);
        jdbc.sql("""
                INSERT INTO audit_event (occurred_at, actor, type, model_name, version, details, prev_hash, hash)
                VALUES (:at, :actor, :type, :model, :version, CAST(:details AS jsonb), :prev, :hash)""")
                .param("at", OffsetDateTime.ofInstant(at, ZoneOffset.UTC))
                .param("actor", actor)
                .param("type", type)
                .param("model", modelName)
                .param("version", version)
                .param("details", detailsJson)
                .param("prev", prev)
                .param("hash", hash)
                .update();
    }

    @Transactional(readOnly = true)
    public List<AuditEvent> find(AuditQuery query) {
        StringBuilder sql = new StringBuilder("SELECT * FROM audit_event WHERE TRUE");
        Map<String, Object> params = new TreeMap<>();
        if (query.modelName() != null) {
            sql.append(" AND model_name = :model");
            params.put("model", query.modelName());
        }
        if (query.type() != null) {
            sql.append(" AND type = :type");
            params.put("type", query.type());
        }
        if (query.actor() != null) {
            sql.append(" AND actor = :actor");
            params.put("actor", query.actor());
        }
        if (query.from() != null) {
            sql.append(" AND occurred_at >= :from");
            params.put("from", OffsetDateTime.ofInstant(query.from(), ZoneOffset.UTC));
        }
        if (query.to() != null) {
            sql.append(" AND occurred_at < :to");
            params.put("to", OffsetDateTime.ofInstant(query.to(), ZoneOffset.UTC));
        }
        if (query.afterId() != null) {
            sql.append(" AND id > :after");
            params.put("after", query.afterId());
        }
        sql.append(" ORDER BY id LIMIT :limit");
        params.put("limit", query.limit());
        return jdbc.sql(sql.toString()).params(params).query(this::event).list();
    }

    /** Re-computes every hash and link, oldest first. */
    @Transactional(readOnly = true)
    public ChainVerification verify() {
        long[] checked = {0};
        String[] expectedPrev = {GENESIS};
        List<ChainVerification> broken = new ArrayList<>(1);
        jdbc.sql("SELECT * FROM audit_event ORDER BY id").query(rs -> {
            if (!broken.isEmpty()) {
                return;
            }
            AuditEvent event = event(rs, 0);
            checked[0]++;
            String detailsJson = canonical.writeValueAsString(new TreeMap<>(event.details()));
            String recomputed = hash(event.prevHash(), event.occurredAt(), event.actor(), event.type(),
                    event.modelName(), event.version(), detailsJson);
            if (!event.prevHash().equals(expectedPrev[0])) {
                broken.add(new ChainVerification(checked[0], false, event.id(),
                        "event " + event.id() + " does not link to the event before it (a row was removed or inserted)"));
            } else if (!recomputed.equals(event.hash())) {
                broken.add(new ChainVerification(checked[0], false, event.id(),
                        "event " + event.id() + " was changed after it was recorded"));
            }
            expectedPrev[0] = event.hash();
        });
        return broken.isEmpty() ? new ChainVerification(checked[0], true, null, null) : broken.get(0);
    }

    private AuditEvent event(ResultSet rs, int row) throws SQLException {
        Integer version = rs.getObject("version", Integer.class);
        return new AuditEvent(rs.getLong("id"), rs.getObject("occurred_at", OffsetDateTime.class).toInstant(),
                rs.getString("actor"), rs.getString("type"), rs.getString("model_name"), version,
                canonical.readValue(rs.getString("details"), DETAILS), rs.getString("prev_hash"), rs.getString("hash"));
    }

    private static String hash(String prev, Instant at, String actor, String type, @Nullable String model,
            @Nullable Integer version, String detailsJson) {
        String text = String.join("\n", prev, at.toString(), actor, type, model == null ? "" : model,
                version == null ? "" : version.toString(), detailsJson);
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
