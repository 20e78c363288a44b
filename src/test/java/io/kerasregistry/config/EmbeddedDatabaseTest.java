package io.kerasregistry.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedDatabaseTest {

    @TempDir
    Path data;

    @Test
    void dataSurvivesARestartAndDurabilityIsOn() throws Exception {
        EmbeddedDatabaseProperties properties = new EmbeddedDatabaseProperties(data.resolve("postgres"), 0, "registry_test");
        try (EmbeddedDatabase database = EmbeddedDatabase.start(properties);
                Connection c = DriverManager.getConnection(database.jdbcUrl(), EmbeddedDatabase.USER, null);
                Statement s = c.createStatement()) {
            s.execute("CREATE TABLE kept (v text)");
            s.execute("INSERT INTO kept VALUES ('still here')");
            assertThat(setting(s, "fsync")).isEqualTo("on");
            assertThat(setting(s, "synchronous_commit")).isEqualTo("on");
        }
        try (EmbeddedDatabase database = EmbeddedDatabase.start(properties);
                Connection c = DriverManager.getConnection(database.jdbcUrl(), EmbeddedDatabase.USER, null);
                Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT v FROM kept")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo("still here");
        }
    }

    @Test
    void aServerLeftRunningByAKilledProcessIsStoppedBeforeStarting() throws Exception {
        Path dir = data.resolve("postgres");
        // What a SIGKILLed registry leaves behind: postgres running on the directory, nobody owning it.
        Process owner = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), OrphanedServerMaker.class.getName(), dir.toString())
                .redirectErrorStream(true).start();
        try (var lines = new java.io.BufferedReader(new java.io.InputStreamReader(owner.getInputStream()))) {
            String line;
            while ((line = lines.readLine()) != null && !line.equals("started")) {
                // the child's log output
            }
            assertThat(line).as("the child JVM started its PostgreSQL").isEqualTo("started");
        }
        owner.destroyForcibly().waitFor();
        long orphanPid = Long.parseLong(Files.readAllLines(dir.resolve("postmaster.pid")).get(0).trim());
        assertThat(ProcessHandle.of(orphanPid)).isPresent();

        try (EmbeddedDatabase database = EmbeddedDatabase.start(new EmbeddedDatabaseProperties(dir, 0, "registry_test"));
                Connection c = DriverManager.getConnection(database.jdbcUrl(), EmbeddedDatabase.USER, null)) {
            assertThat(c.isValid(2)).isTrue();
            assertThat(ProcessHandle.of(orphanPid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
        }
    }

    @Test
    void twoRegistriesCannotShareOneDataDirectory() {
        EmbeddedDatabaseProperties properties = new EmbeddedDatabaseProperties(data.resolve("postgres"), 0, "registry_test");
        try (EmbeddedDatabase first = EmbeddedDatabase.start(properties)) {
            assertThatThrownBy(() -> EmbeddedDatabase.start(properties))
                    .hasMessageContaining("another keras-registry process is using the database");
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static String setting(Statement s, String name) throws Exception {
        try (ResultSet rs = s.executeQuery("SHOW " + name)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
