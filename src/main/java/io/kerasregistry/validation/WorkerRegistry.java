package io.kerasregistry.validation;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** The supervising processes and what their slots are doing, for {@code GET /validation/workers}. */
@Repository
class WorkerRegistry {

    private final JdbcClient jdbc;

    WorkerRegistry(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    record Worker(String id, String host, long pid, String role, int slots, Instant startedAt, Instant heartbeatAt,
            @Nullable Instant stoppedAt, long jobsDone, long crashes, long timeouts) {
    }

    record RunningJob(long jobId, long versionId, String modelName, int version, String slot, @Nullable Long childPid,
            @Nullable Instant startedAt, int attempt) {
    }

    void register(String id, String host, long pid, String role, int slots) {
        jdbc.sql("INSERT INTO validation_worker (id, host, pid, role, slots) VALUES (:id, :host, :pid, :role, :slots) "
                        + "ON CONFLICT (id) DO UPDATE SET stopped_at = NULL, heartbeat_at = now(), slots = EXCLUDED.slots")
                .param("id", id).param("host", host).param("pid", pid).param("role", role).param("slots", slots).update();
    }

    void heartbeat(String id) {
        jdbc.sql("UPDATE validation_worker SET heartbeat_at = now() WHERE id = :id").param("id", id).update();
    }

    void stopped(String id) {
        jdbc.sql("UPDATE validation_worker SET stopped_at = now() WHERE id = :id").param("id", id).update();
    }

    void count(String id, String what) {
        String column = switch (what) {
            case "jobs_done", "crashes", "timeouts" -> what;
            default -> throw new IllegalArgumentException(what);
        };
        jdbc.sql("UPDATE validation_worker SET " + column + " = " + column + " + 1 WHERE id = :id").param("id", id).update();
    }

    /** Workers seen within {@code recent}, and ones that stopped within it. */
    List<Worker> recent(Duration recent) {
        return jdbc.sql("""
                SELECT id, host, pid, role, slots, started_at, heartbeat_at, stopped_at, jobs_done, crashes, timeouts
                FROM validation_worker WHERE heartbeat_at > now() - :ms * interval '1 millisecond'
                ORDER BY started_at""")
                .param("ms", recent.toMillis())
                .query((rs, i) -> new Worker(rs.getString(1), rs.getString(2), rs.getLong(3), rs.getString(4), rs.getInt(5),
                        instant(rs.getObject(6, OffsetDateTime.class)), instant(rs.getObject(7, OffsetDateTime.class)),
                        rs.getObject(8, OffsetDateTime.class) == null ? null : instant(rs.getObject(8, OffsetDateTime.class)),
                        rs.getLong(9), rs.getLong(10), rs.getLong(11)))
                .list();
    }

    List<RunningJob> running() {
        return jdbc.sql("""
                SELECT j.id, j.version_id, m.name, v.version, j.lease_owner, j.child_pid, j.started_at, j.attempts
                FROM validation_job j JOIN model_version v ON v.id = j.version_id JOIN registered_model m ON m.id = v.model_id
                WHERE j.state = 'RUNNING' ORDER BY j.id""")
                .query((rs, i) -> new RunningJob(rs.getLong(1), rs.getLong(2), rs.getString(3), rs.getInt(4),
                        rs.getString(5), rs.getObject(6, Long.class),
                        rs.getObject(7, OffsetDateTime.class) == null ? null : instant(rs.getObject(7, OffsetDateTime.class)),
                        rs.getInt(8)))
                .list();
    }

    private static Instant instant(OffsetDateTime t) {
        return t.toInstant();
    }
}
