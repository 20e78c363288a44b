package io.kerasregistry.validation;

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
import tools.jackson.databind.json.JsonMapper;

@Repository
class ReportRepository {

    private static final String SELECT = "SELECT id, version_id, job_id, attempt, status, summary, worker, started_at, "
            + "finished_at, report::text AS report FROM validation_report";

    private final JdbcClient jdbc;
    private final JsonMapper json;

    ReportRepository(JdbcClient jdbc, JsonMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    long insert(long versionId, @Nullable Long jobId, int attempt, WorkerReport report, String worker, Instant startedAt,
            Instant finishedAt) {
        long id = jdbc.sql("""
                INSERT INTO validation_report (version_id, job_id, attempt, status, summary, worker, started_at, finished_at, report)
                VALUES (:version, :job, :attempt, :status, :summary, :worker, :started, :finished, CAST(:report AS jsonb))
                RETURNING id""")
                .param("version", versionId).param("job", jobId).param("attempt", attempt)
                .param("status", report.status()).param("summary", safe(report.summary())).param("worker", worker)
                .param("started", OffsetDateTime.ofInstant(startedAt, ZoneOffset.UTC))
                .param("finished", OffsetDateTime.ofInstant(finishedAt, ZoneOffset.UTC))
                .param("report", safe(json.writeValueAsString(report)))
                .query(Long.class).single();
        for (WorkerReport.MissingObject missing : report.missingObjects()) {
            jdbc.sql("INSERT INTO validation_missing_object (report_id, version_id, kind, name) VALUES (:r, :v, :k, :n) "
                            + "ON CONFLICT DO NOTHING")
                    .param("r", id).param("v", versionId).param("k", missing.kind()).param("n", safe(missing.name()))
                    .update();
        }
        return id;
    }

    List<StoredReport> list(long versionId) {
        return jdbc.sql(SELECT + " WHERE version_id = :v ORDER BY id DESC").param("v", versionId).query(this::map).list();
    }

    Optional<StoredReport> latest(long versionId) {
        return jdbc.sql(SELECT + " WHERE version_id = :v ORDER BY id DESC LIMIT 1").param("v", versionId)
                .query(this::map).optional();
    }

    /** Versions whose latest report failed for want of exactly this custom object. */
    List<Long> versionsMissing(String kind, String name) {
        return jdbc.sql("""
                SELECT m.version_id FROM validation_missing_object m
                WHERE m.kind = :kind AND m.name = :name
                  AND m.report_id = (SELECT max(r.id) FROM validation_report r WHERE r.version_id = m.version_id)
                  AND EXISTS (SELECT 1 FROM validation_report r WHERE r.id = m.report_id AND r.status = 'FAILED')""")
                .param("kind", kind).param("name", name).query(Long.class).list();
    }

    private StoredReport map(ResultSet rs, int row) throws SQLException {
        return new StoredReport(rs.getLong("id"), rs.getLong("version_id"), rs.getObject("job_id", Long.class),
                rs.getInt("attempt"), rs.getString("status"), rs.getString("summary"), rs.getString("worker"),
                rs.getObject("started_at", OffsetDateTime.class).toInstant(),
                rs.getObject("finished_at", OffsetDateTime.class).toInstant(), json.readTree(rs.getString("report")));
    }

    /** jsonb and text cannot hold NUL, which a hostile file's names can carry into a report. */
    private static String safe(String text) {
        return text.replace("\\u0000", "\\uFFFD").replace('\u0000', '\uFFFD');
    }
}
