package io.kerasregistry.config;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A PostgreSQL server in a data directory of the service's own. Two things make it fit for data
 * that matters: durability settings back on (the library turns {@code fsync} off, which suits only
 * throw-away test databases), and recovery from a previous run that was killed: the library starts
 * postgres with {@code pg_ctl}, so a postgres orphaned by a SIGKILLed JVM keeps running and the next
 * start would hang on its {@code postmaster.pid}.
 */
final class EmbeddedDatabase implements AutoCloseable {

    static final String USER = "postgres";

    private static final Logger log = LoggerFactory.getLogger(EmbeddedDatabase.class);

    private final EmbeddedPostgres postgres;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private final String database;

    private EmbeddedDatabase(EmbeddedPostgres postgres, FileChannel lockChannel, FileLock lock, String database) {
        this.postgres = postgres;
        this.lockChannel = lockChannel;
        this.lock = lock;
        this.database = database;
    }

    static EmbeddedDatabase start(EmbeddedDatabaseProperties properties) {
        Path dataDir = properties.path().toAbsolutePath().normalize();
        FileChannel lockChannel = null;
        try {
            Files.createDirectories(dataDir.getParent());
            lockChannel = FileChannel.open(dataDir.resolveSibling(dataDir.getFileName() + ".lock"),
                    StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock = tryLock(lockChannel);
            if (lock == null) {
                throw new IllegalStateException("another keras-registry process is using the database in " + dataDir
                        + "; stop it or set keras-registry.embedded-database.path to another folder");
            }
            stopOrphanedServer(dataDir);
            EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                    .setDataDirectory(dataDir)
                    .setCleanDataDirectory(false)
                    .setPGStartupWait(Duration.ofSeconds(60))
                    .setServerConfig("fsync", "on")
                    .setServerConfig("synchronous_commit", "on")
                    .setServerConfig("full_page_writes", "on")
                    .setServerConfig("max_connections", "100");
            if (properties.port() > 0) {
                builder.setPort(properties.port());
            }
            EmbeddedPostgres postgres = builder.start();
            createDatabase(postgres, properties.database());
            log.info("Embedded PostgreSQL on port {} with data in {}", postgres.getPort(), dataDir);
            return new EmbeddedDatabase(postgres, lockChannel, lock, properties.database());
        } catch (IOException e) {
            closeQuietly(lockChannel);
            throw new UncheckedIOException("could not start the embedded PostgreSQL in " + dataDir, e);
        } catch (RuntimeException e) {
            closeQuietly(lockChannel);
            throw e;
        }
    }

    private static FileLock tryLock(FileChannel channel) throws IOException {
        try {
            return channel.tryLock();
        } catch (OverlappingFileLockException heldInThisJvm) {
            return null;
        }
    }

    String jdbcUrl() {
        return postgres.getJdbcUrl(USER, database);
    }

    /**
     * We hold the data directory's lock, so no live registry owns a postgres running on it: one that
     * is running was left behind by a killed process and is shut down before we start ours.
     */
    private static void stopOrphanedServer(Path dataDir) throws IOException {
        Path pidFile = dataDir.resolve("postmaster.pid");
        if (!Files.exists(pidFile)) {
            return;
        }
        List<String> lines = Files.readAllLines(pidFile);
        if (lines.isEmpty()) {
            return;
        }
        long pid;
        try {
            pid = Long.parseLong(lines.get(0).trim());
        } catch (NumberFormatException e) {
            return;
        }
        Optional<ProcessHandle> process = ProcessHandle.of(pid);
        boolean isPostgres = process.flatMap(p -> p.info().command()).map(c -> c.contains("postgres")).orElse(false);
        if (process.isEmpty() || !isPostgres) {
            return;
        }
        log.warn("Stopping PostgreSQL (pid {}) left running on {} by a previous run", pid, dataDir);
        ProcessHandle server = process.get();
        server.destroy();
        try {
            server.onExit().get(30, TimeUnit.SECONDS);
        } catch (Exception stillRunning) {
            server.destroyForcibly();
            try {
                server.onExit().get(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new IllegalStateException("PostgreSQL pid " + pid + " on " + dataDir + " does not stop", e);
            }
        }
    }

    private static void createDatabase(EmbeddedPostgres postgres, String database) {
        if (!database.matches("[a-z_][a-z0-9_]{0,62}")) {
            throw new IllegalArgumentException("embedded database name must be a plain identifier: " + database);
        }
        try (Connection connection = postgres.getPostgresDatabase().getConnection();
                Statement statement = connection.createStatement()) {
            try (ResultSet rs = statement.executeQuery("SELECT 1 FROM pg_database WHERE datname = '" + database + "'")) {
                if (rs.next()) {
                    return;
                }
            }
            statement.execute("CREATE DATABASE " + database);
        } catch (SQLException e) {
            throw new IllegalStateException("could not create database " + database + " in the embedded PostgreSQL", e);
        }
    }

    @Override
    public void close() throws IOException {
        try {
            postgres.close();
        } finally {
            lock.release();
            lockChannel.close();
        }
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // already failing; the original error is the one to report
            }
        }
    }
}
