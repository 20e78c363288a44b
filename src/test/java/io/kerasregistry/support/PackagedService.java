package io.kerasregistry.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * The packaged jar ({@code target/keras-registry-*.jar}) running as its own process, started the way
 * the container image starts it ({@code java @src/main/docker/jvm.options -jar ...}), on a database of
 * its own in the test JVM's embedded PostgreSQL. It keeps its database, blob folder and port across
 * {@link #kill(String) kills} and {@link #start() restarts}, so tests can crash it and look at what
 * survived. Integration tests ({@code *IT}) only: {@code verify} runs them after {@code package}.
 */
public final class PackagedService implements AutoCloseable {

    private static final Duration READY_TIMEOUT = Duration.ofSeconds(240);

    private final Path jar;
    private final Path directory;
    private final String databaseUrl;
    private final Path blobs;
    private final int port;
    private final String heap;
    private final Map<String, String> properties;
    private final List<String> jvmOptions;
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private int starts;
    private Process process;

    private PackagedService(Builder builder) {
        this.jar = builder.jar;
        this.directory = builder.directory;
        this.databaseUrl = builder.dataOf == null ? TestPostgres.newDatabaseUrl() : builder.dataOf.databaseUrl;
        this.blobs = builder.dataOf == null ? directory.resolve("blobs") : builder.dataOf.blobs;
        this.port = freePort();
        this.heap = builder.heap;
        this.properties = Map.copyOf(builder.properties);
        this.jvmOptions = List.copyOf(builder.jvmOptions);
    }

    /**
     * A service in {@code directory} (its blobs, temp files and logs go there), not started yet. Skips
     * the calling test when the jar has not been packaged (an IDE run of the test alone).
     */
    public static Builder in(Path directory) {
        String configured = System.getProperty("packaged.jar");
        Path jar = configured == null ? null : Path.of(configured);
        Assumptions.assumeTrue(jar != null && Files.isRegularFile(jar),
                "the packaged jar is built by `./mvnw verify` before integration tests run: " + configured);
        return new Builder(jar, directory);
    }

    public static final class Builder {
        private final Path jar;
        private final Path directory;
        private String heap = "512m";
        private final Map<String, String> properties = new LinkedHashMap<>();
        private final List<String> jvmOptions = new ArrayList<>();
        private PackagedService dataOf;

        private Builder(Path jar, Path directory) {
            this.jar = jar;
            this.directory = directory;
        }

        /** The API process's {@code -Xmx}. */
        public Builder heap(String heap) {
            this.heap = heap;
            return this;
        }

        /** A Spring property given on the command line ({@code --name=value}). */
        public Builder property(String name, String value) {
            properties.put(name, value);
            return this;
        }

        public Builder jvmOption(String option) {
            jvmOptions.add(option);
            return this;
        }

        /**
         * Uses {@code other}'s database and blob folder instead of new ones, as a second process of
         * one deployment does (an {@code api} and a {@code worker} process, say). Give it another
         * {@code directory} than {@code other}'s: its logs and temporary files stay its own.
         */
        public Builder sharingDataOf(PackagedService other) {
            this.dataOf = other;
            return this;
        }

        public PackagedService build() {
            return new PackagedService(this);
        }

        /** Builds and {@link PackagedService#start() starts} it. */
        public PackagedService start() {
            PackagedService service = build();
            service.start();
            return service;
        }
    }

    /** Starts the process and waits until {@code /readyz} answers 200. */
    public PackagedService start() {
        if (isAlive()) {
            throw new IllegalStateException("already running: pid " + process.pid());
        }
        try {
            Files.createDirectories(tmp());
            List<String> command = new ArrayList<>();
            command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            command.add("@" + Path.of("src/main/docker/jvm.options").toAbsolutePath());
            command.add("-Xmx" + heap);
            command.add("-Djava.io.tmpdir=" + tmp());
            command.add("-Dorg.bytedeco.javacpp.cachedir=" + javacppCache());
            command.addAll(jvmOptions);
            command.add("-jar");
            command.add(jar.toString());
            command.add("--server.port=" + port);
            command.add("--server.address=127.0.0.1");
            command.add("--spring.datasource.url=" + databaseUrl);
            command.add("--spring.datasource.username=postgres");
            command.add("--spring.datasource.password=");
            command.add("--keras-registry.security.admin-token=" + HttpApi.ADMIN_TOKEN);
            command.add("--keras-registry.storage.path=" + blobs());
            properties.forEach((name, value) -> command.add("--" + name + "=" + value));
            starts++;
            Path log = directory.resolve("service-" + starts + ".log");
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(log.toFile());
            builder.environment().keySet().removeIf(name -> name.startsWith("KERAS_REGISTRY_")
                    || name.startsWith("SPRING_"));
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        awaitReady();
        return this;
    }

    private void awaitReady() {
        Instant deadline = Instant.now().plus(READY_TIMEOUT);
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the service exited with " + process.exitValue() + ":\n" + logTail());
            }
            if (status("/readyz") == 200) {
                return;
            }
            sleep(Duration.ofMillis(250));
        }
        throw new IllegalStateException("the service was not ready within " + READY_TIMEOUT + ":\n" + logTail());
    }

    /** HTTP status of a GET, or -1 when nothing answers. */
    public int status(String path) {
        try {
            HttpRequest request = HttpRequest.newBuilder(URI.create(baseUrl() + path))
                    .timeout(Duration.ofSeconds(10)).GET().build();
            return client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /** Sends {@code signal} ({@code KILL}, {@code TERM}, ...) to the service and waits for it to end. */
    public void kill(String signal) {
        signal(process.pid(), signal);
        try {
            process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Sends {@code signal} to a process by pid, as {@code kill -s SIGNAL pid} does. */
    public static void signal(long pid, String signal) {
        try {
            Process kill = new ProcessBuilder("kill", "-s", signal, Long.toString(pid)).inheritIO().start();
            if (kill.waitFor() != 0) {
                throw new IllegalStateException("kill -s " + signal + " " + pid + " failed");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The validation child JVMs this service runs now. */
    public List<ProcessHandle> workerProcesses() {
        if (!isAlive()) {
            return List.of();
        }
        return process.toHandle().descendants()
                .filter(p -> p.info().commandLine().map(c -> c.contains("ValidationWorkerMain")).orElse(false))
                .toList();
    }

    /** Ends the service with SIGTERM (a graceful shutdown), then SIGKILL after 30 s. */
    public void stop() {
        if (process == null || !process.isAlive()) {
            return;
        }
        List<ProcessHandle> children = process.toHandle().descendants().toList();
        process.destroy();
        try {
            if (!process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        children.forEach(ProcessHandle::destroyForcibly);
    }

    @Override
    public void close() {
        stop();
    }

    public boolean isAlive() {
        return process != null && process.isAlive();
    }

    public long pid() {
        return process.pid();
    }

    public int port() {
        return port;
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    /** A client authenticated with the bootstrap admin token. */
    public HttpApi api() {
        return new HttpApi(port);
    }

    public String databaseUrl() {
        return databaseUrl;
    }

    public Path blobs() {
        return blobs;
    }

    public Path tmp() {
        return directory.resolve("tmp");
    }

    /** The log of the current (or last) run. */
    public Path log() {
        return directory.resolve("service-" + starts + ".log");
    }

    /** The last 80 lines of the current run's log, for failure messages. */
    public String logTail() {
        try (Stream<String> lines = Files.lines(log(), StandardCharsets.UTF_8)) {
            List<String> all = lines.toList();
            return String.join("\n", all.subList(Math.max(0, all.size() - 80), all.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    /** Whether the API process mapped ND4J's native libraries (it never should). */
    public boolean loadedNd4jNatives() {
        try {
            String maps = Files.readString(Path.of("/proc", Long.toString(pid()), "maps"));
            return maps.contains("libnd4j") || maps.contains("libjnind4j");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path javacppCache() {
        return Optional.ofNullable(System.getProperty("org.bytedeco.javacpp.cachedir")).map(Path::of)
                .orElse(Path.of(System.getProperty("user.home"), ".javacpp", "cache"));
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
