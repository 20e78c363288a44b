package io.kerasregistry.storage;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.HexFormat;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceUtils;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * PostgreSQL advisory locks per blob. An upload holds one from the moment it records the blob row
 * until its transaction ends; a deletion holds one across deleting the row, committing and deleting
 * the file. So a deletion can never remove a file that an upload has just re-used.
 */
@Component
class BlobLocks {

    /** First key of the two-key advisory lock space, so blob locks never collide with other locks. */
    private static final int BLOB_LOCK_CLASS = 0x6b720001;

    private final JdbcClient jdbc;
    private final DataSource dataSource;
    private final TransactionTemplate newTransaction;

    BlobLocks(JdbcClient jdbc, DataSource dataSource, TransactionTemplate transactionTemplate) {
        this.jdbc = jdbc;
        this.dataSource = dataSource;
        this.newTransaction = new TransactionTemplate(transactionTemplate.getTransactionManager());
        this.newTransaction.setPropagationBehavior(TransactionTemplate.PROPAGATION_REQUIRES_NEW);
    }

    void lockForTransaction(String sha256) {
        jdbc.sql("SELECT pg_advisory_xact_lock(:c, :k)").param("c", BLOB_LOCK_CLASS).param("k", key(sha256))
                .query((rs, i) -> 1).single();
    }

    <T> T withSessionLock(String sha256, Supplier<T> action) {
        Connection connection = DataSourceUtils.getConnection(dataSource);
        try {
            run(connection, "SELECT pg_advisory_lock(?, ?)", sha256);
            try {
                return action.get();
            } finally {
                run(connection, "SELECT pg_advisory_unlock(?, ?)", sha256);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not take the lock of blob " + sha256, e);
        } finally {
            DataSourceUtils.releaseConnection(connection, dataSource);
        }
    }

    /** Deletes the row in its own transaction; {@code false} when a foreign key still refers to it. */
    boolean tryDeleteRow(String sha256) {
        try {
            Integer deleted = newTransaction.execute(status ->
                    jdbc.sql("DELETE FROM blob WHERE sha256 = :sha").param("sha", sha256).update());
            return deleted != null && deleted > 0;
        } catch (DataIntegrityViolationException stillReferenced) {
            return false;
        }
    }

    private static void run(Connection connection, String sql, String sha256) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setInt(1, BLOB_LOCK_CLASS);
            statement.setInt(2, key(sha256));
            statement.execute();
        }
    }

    private static int key(String sha256) {
        return HexFormat.fromHexDigits(sha256, 0, 8);
    }
}
