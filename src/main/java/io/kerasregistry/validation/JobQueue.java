package io.kerasregistry.validation;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * The job queue in PostgreSQL. Supervisors take jobs with {@code FOR UPDATE SKIP LOCKED}, so any
 * number of them share the work without taking the same job twice; a taken job carries a lease the
 * supervisor renews while its child runs, and a job whose lease ran out (its supervisor died) is
 * taken again, until its attempts are used up.
 */
@Repository
class JobQueue {

    private final JdbcClient jdbc;

    JobQueue(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * Queues a job for the version unless one is already waiting (a running one does not count: it
     * may have started before what prompted this request); the waiting job's id either way.
     */
    long enqueue(long versionId, String reason, String requestedBy, int maxAttempts) {
        Optional<Long> created = jdbc.sql("""
                INSERT INTO validation_job (version_id, reason, requested_by, max_attempts)
                VALUES (:version, :reason, :by, :max)
                ON CONFLICT (version_id) WHERE state = 'QUEUED' DO NOTHING
                RETURNING id""")
                .param("version", versionId).param("reason", reason).param("by", requestedBy).param("max", maxAttempts)
                .query(Long.class).optional();
        return created.orElseGet(() -> jdbc.sql("SELECT id FROM validation_job WHERE version_id = :v AND state = 'QUEUED'")
                .param("v", versionId).query(Long.class).single());
    }

    boolean hasWaiting(long versionId) {
        return jdbc.sql("SELECT count(*) FROM validation_job WHERE version_id = :v AND state = 'QUEUED'")
                .param("v", versionId).query(Long.class).single() > 0;
    }

    Optional<Job> claim(String owner, Duration lease) {
        return jdbc.sql("""
                UPDATE validation_job j
                SET state = 'RUNNING', lease_owner = :owner, attempts = j.attempts + 1, started_at = now(),
                    lease_expires_at = now() + :leaseMillis * interval '1 millisecond', child_pid = NULL
                WHERE j.id = (
                    SELECT id FROM validation_job
                    WHERE ((state = 'QUEUED' AND available_at <= now())
                           OR (state = 'RUNNING' AND lease_expires_at < now()))
                      AND attempts < max_attempts
                      AND NOT EXISTS (SELECT 1 FROM validation_job other
                                      WHERE other.version_id = validation_job.version_id AND other.id <> validation_job.id
                                        AND other.state = 'RUNNING' AND other.lease_expires_at >= now())
                    ORDER BY id
                    FOR UPDATE SKIP LOCKED
                    LIMIT 1)
                RETURNING j.id, j.version_id, j.attempts, j.max_attempts, j.reason""")
                .param("owner", owner).param("leaseMillis", lease.toMillis())
                .query((rs, i) -> new Job(rs.getLong(1), rs.getLong(2), rs.getInt(3), rs.getInt(4), rs.getString(5)))
                .optional();
    }

    /**
     * Extends the leases of the jobs a supervisor's slots are running. A job it no longer holds (its
     * lease ran out and another supervisor took it) is not touched.
     */
    void renew(String supervisor, Collection<Long> jobIds, Duration lease) {
        if (jobIds.isEmpty()) {
            return;
        }
        jdbc.sql("UPDATE validation_job SET lease_expires_at = now() + :leaseMillis * interval '1 millisecond' "
                        + "WHERE state = 'RUNNING' AND lease_owner LIKE :owners AND id IN (:ids)")
                .param("owners", supervisor + "/%").param("ids", jobIds).param("leaseMillis", lease.toMillis()).update();
    }

    void recordChild(long jobId, long pid) {
        jdbc.sql("UPDATE validation_job SET child_pid = :pid WHERE id = :id").param("pid", pid).param("id", jobId).update();
    }

    /** Puts a job back in the queue after an attempt that did not finish. */
    void retry(long jobId, String error, Duration delay) {
        jdbc.sql("""
                UPDATE validation_job SET state = 'QUEUED', lease_owner = NULL, lease_expires_at = NULL, child_pid = NULL,
                    available_at = now() + :delayMillis * interval '1 millisecond', last_error = :error
                WHERE id = :id""")
                .param("id", jobId).param("error", error).param("delayMillis", delay.toMillis()).update();
    }

    void finish(long jobId, @Nullable String error) {
        jdbc.sql("""
                UPDATE validation_job SET state = 'DONE', lease_owner = NULL, lease_expires_at = NULL, child_pid = NULL,
                    finished_at = now(), last_error = COALESCE(:error, last_error)
                WHERE id = :id""")
                .param("id", jobId).param("error", error).update();
    }

    /** Jobs whose supervisor died on their last attempt: nobody will take them again. */
    List<Job> abandoned() {
        return jdbc.sql("""
                SELECT id, version_id, attempts, max_attempts, reason FROM validation_job
                WHERE state = 'RUNNING' AND lease_expires_at < now() AND attempts >= max_attempts
                FOR UPDATE SKIP LOCKED""")
                .query((rs, i) -> new Job(rs.getLong(1), rs.getLong(2), rs.getInt(3), rs.getInt(4), rs.getString(5)))
                .list();
    }

    /** Jobs by state, for the metrics. */
    Map<String, Long> counts() {
        Map<String, Long> counts = new java.util.HashMap<>(Map.of("QUEUED", 0L, "RUNNING", 0L));
        jdbc.sql("SELECT state, count(*) FROM validation_job WHERE state <> 'DONE' GROUP BY state")
                .query(rs -> {
                    counts.put(rs.getString(1), rs.getLong(2));
                });
        return counts;
    }

    Optional<String> lastError(long jobId) {
        return jdbc.sql("SELECT last_error FROM validation_job WHERE id = :id").param("id", jobId)
                .query(String.class).optional();
    }
}
