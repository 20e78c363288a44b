package io.kerasregistry.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.kerasregistry.deploy.Dockerfile.Instruction;
import io.kerasregistry.deploy.Dockerfile.Stage;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The Dockerfile, read statically: a JDK stage builds with the Maven wrapper and extracts the
 * layers, a JRE stage copies them one COPY per layer in Spring Boot's order, runs as a numeric
 * non-root user, declares the volumes and port, and starts the JVM with jvm.options and nothing
 * else. Its ENTRYPOINT and HEALTHCHECK commands are run here for real, with a stand-in `java` and
 * a local HTTP server, so their quoting is tested too.
 */
class DockerfileTest {

    static final String LAUNCHER = "org.springframework.boot.loader.launch.JarLauncher";
    static final List<String> LAYERS = List.of("dependencies", "spring-boot-loader", "snapshot-dependencies", "application");

    static Dockerfile dockerfile() {
        return Dockerfile.parse(DeployFiles.read(DeployFiles.DOCKERFILE));
    }

    static Stage finalStage() {
        return dockerfile().finalStage();
    }

    static String finalUser() {
        return finalStage().last("USER").arguments();
    }

    /** Where the Dockerfile puts src/main/docker/jvm.options in the image. */
    static String jvmOptionsInImage() {
        List<Instruction> copies = finalStage().all("COPY").stream()
                .filter(c -> c.operands().startsWith("src/main/docker/jvm.options ")).toList();
        assertThat(copies).as("one COPY of src/main/docker/jvm.options").hasSize(1);
        return copies.get(0).operands().split(" ")[1];
    }

    @Test
    void buildsWithTheMavenWrapperInAJdkStageAndRunsOnAJre() {
        Dockerfile file = dockerfile();
        assertThat(file.stages()).hasSizeGreaterThanOrEqualTo(2);
        Stage build = file.stage("build");
        assertThat(build.image()).isEqualTo("eclipse-temurin:17-jdk");
        assertThat(file.finalStage().image()).isEqualTo("eclipse-temurin:17-jre");
        String run = String.join(" ; ", build.all("RUN").stream().map(Instruction::arguments).toList());
        assertThat(run).contains("./mvnw -B -ntp -DskipTests package")
                .contains("java -Djarmode=tools -jar app.jar extract --layers --launcher --destination extracted");
        List<String> copied = build.all("COPY").stream().flatMap(c -> sources(c).stream()).toList();
        assertThat(copied).as("what the wrapper build needs, .mvn/maven.config (ND4J linux-x86_64 only) included")
                .contains("mvnw", "pom.xml", ".mvn/", "openapi.yaml", "src/main/");
        assertThat(DeployFiles.ROOT.resolve(".mvn/maven.config")).content().contains("-Djavacpp.platform=linux-x86_64");
    }

    @Test
    void copiesOneLayerPerCopyFromTheLeastToTheMostOftenChanged() {
        List<String> layerSources = finalStage().all("COPY").stream()
                .filter(c -> "build".equals(c.flags().get("from")))
                .map(c -> c.operands().split(" ")[0]).toList();
        assertThat(layerSources).containsExactlyElementsOf(
                LAYERS.stream().map(layer -> "/build/extracted/" + layer + "/").toList());
        assertThat(finalStage().all("COPY").stream().filter(c -> "build".equals(c.flags().get("from")))
                .map(c -> c.operands().split(" ")[1])).as("each into the working directory").allMatch(d -> d.equals("./"));
        assertThat(finalStage().last("WORKDIR").arguments()).isEqualTo("/app");
    }

    @Test
    void runsAsANumericNonRootUserThatOwnsOnlyTheWritableFolders() {
        assertThat(finalUser()).matches("[1-9][0-9]*:[1-9][0-9]*");
        Stage stage = finalStage();
        Instruction user = stage.last("USER");
        List<Instruction> instructions = stage.instructions();
        assertThat(instructions.subList(instructions.indexOf(user) + 1, instructions.size()))
                .as("USER comes after every RUN and is not changed again")
                .noneMatch(i -> i.keyword().equals("RUN") || i.keyword().equals("USER"));
        String uid = finalUser().split(":")[0];
        String setup = String.join(" ", finalStage().all("RUN").stream().map(Instruction::arguments).toList());
        assertThat(setup).contains("--uid " + uid).contains("chown -R " + finalUser() + " ")
                .contains(DeployFiles.jvmOptionValues().get("-Dorg.bytedeco.javacpp.cachedir"))
                .contains(finalStage().env().get("KERAS_REGISTRY_STORAGE_PATH"));
        assertThat(finalStage().all("COPY")).as("application files stay root-owned, read-only for the process")
                .noneMatch(c -> c.flags().containsKey("chown"));
    }

    @Test
    void declaresTheVolumesPortEnvironmentAndLabels() {
        Stage stage = finalStage();
        Map<String, String> env = stage.env();
        List<String> volumes = stage.all("VOLUME").stream().flatMap(v -> v.execForm().stream()).toList();
        assertThat(volumes).containsExactlyInAnyOrder(env.get("KERAS_REGISTRY_STORAGE_PATH"), env.get("KERAS_REGISTRY_PLUGINS_PATH"));
        assertThat(env).containsEntry("KERAS_REGISTRY_STORAGE_PATH", "/var/lib/keras-registry/blobs")
                .containsEntry("KERAS_REGISTRY_PLUGINS_PATH", "/opt/keras-registry/plugins")
                .containsEntry("KERAS_REGISTRY_ROLE", "all");
        assertThat(stage.all("EXPOSE")).extracting(Instruction::arguments).containsExactly("8080");
        assertThat(stage.labels()).containsKeys("org.opencontainers.image.title", "org.opencontainers.image.version",
                "org.opencontainers.image.revision", "org.opencontainers.image.licenses", "org.opencontainers.image.description");
        assertThat(stage.labels().get("org.opencontainers.image.licenses")).isEqualTo("Apache-2.0");
    }

    @Test
    void theOnlyJvmOptionsAreThoseOfJvmOptions() {
        String entrypoint = String.join(" ", finalStage().last("ENTRYPOINT").execForm());
        assertThat(entrypoint).contains("java @" + jvmOptionsInImage() + " ${JAVA_OPTS} " + LAUNCHER + " \"$@\"");
        // a flag here or in ENV would be a second source that .ci/run does not see
        for (Instruction i : finalStage().instructions()) {
            if (List.of("ENTRYPOINT", "CMD", "ENV").contains(i.keyword())) {
                assertThat(i.arguments()).as("%s at line %d", i.keyword(), i.line())
                        .doesNotContainPattern("-XX:|-Xm[xs]|-Xss|-D[a-z]|JAVA_TOOL_OPTIONS|JDK_JAVA_OPTIONS");
            }
        }
        assertThat(finalStage().env()).containsEntry("JAVA_OPTS", "");
        assertThat(finalStage().all("CMD")).isEmpty();
    }

    @Test
    void theEntrypointExecsJavaWithTheOptionsFileThenJavaOptsThenTheArguments(@TempDir Path dir) throws Exception {
        List<String> argv = runEntrypoint(dir, "-Xmx300m -Dexample=1", List.of("--server.port=9090", "two words"));
        assertThat(argv).containsExactly("@" + jvmOptionsInImage(), "-Xmx300m", "-Dexample=1", LAUNCHER,
                "--server.port=9090", "two words");
        assertThat(runEntrypoint(dir, "", List.of())).as("an empty JAVA_OPTS adds no empty argument")
                .containsExactly("@" + jvmOptionsInImage(), LAUNCHER);
    }

    /** Runs the ENTRYPOINT with a `java` that prints its arguments, one a line. */
    private static List<String> runEntrypoint(Path dir, String javaOpts, List<String> args) throws Exception {
        Path fakeJava = dir.resolve("java");
        Files.writeString(fakeJava, "#!/bin/sh\nfor a in \"$@\"; do printf '%s\\n' \"$a\"; done\n");
        Files.setPosixFilePermissions(fakeJava, PosixFilePermissions.fromString("rwxr-xr-x"));
        List<String> command = new ArrayList<>(finalStage().last("ENTRYPOINT").execForm());
        command.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().put("PATH", dir + ":" + System.getenv("PATH"));
        pb.environment().put("JAVA_OPTS", javaOpts);
        Process process = pb.start();
        assertThat(process.waitFor(10, TimeUnit.SECONDS)).isTrue();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.exitValue()).as(out).isZero();
        return out.lines().toList();
    }

    @ParameterizedTest(name = "/readyz answers {0} -> healthy: {1}")
    @CsvSource({"200, true", "503, false", "0, false"})
    void theHealthcheckIsHealthyOnlyWhenReadyzAnswers200(int status, boolean healthy) throws Exception {
        Instruction check = finalStage().last("HEALTHCHECK");
        Map<String, String> flags = check.flags();
        assertThat(flags).containsKeys("interval", "timeout", "start-period", "retries");
        assertThat(seconds(flags.get("start-period"))).as("start period covers a cold start").isGreaterThanOrEqualTo(60);
        assertThat(check.operands()).startsWith("CMD [");
        List<String> command = Dockerfile.parseJsonArray(check.operands().substring("CMD".length()));

        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        List<String> paths = new CopyOnWriteArrayList<>();
        server.createContext("/", exchange -> {
            paths.add(exchange.getRequestURI().getPath());
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        });
        int port;
        if (status == 0) { // nothing listening
            try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                port = free.getLocalPort();
            }
        } else {
            server.start();
            port = server.getAddress().getPort();
        }
        try {
            ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
            pb.environment().put("PORT", String.valueOf(port));
            Process process = pb.start();
            boolean finished = process.waitFor(seconds(flags.get("timeout")), TimeUnit.SECONDS);
            if (!finished) {
                process.destroyForcibly();
            }
            assertThat(finished).as("within the HEALTHCHECK timeout").isTrue();
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(process.exitValue() == 0).as("exit %d: %s", process.exitValue(), out).isEqualTo(healthy);
            if (status != 0) {
                assertThat(paths).containsExactly("/readyz");
            }
        } finally {
            server.stop(0);
        }
    }

    /** The sources of a COPY (every operand but the destination). */
    private static List<String> sources(Instruction copy) {
        List<String> operands = List.of(copy.operands().split("\\s+"));
        return operands.subList(0, operands.size() - 1);
    }

    private static long seconds(String duration) {
        Matcher m = Pattern.compile("(\\d+)(s|m)").matcher(duration);
        assertThat(m.matches()).as(duration).isTrue();
        return Long.parseLong(m.group(1)) * (m.group(2).equals("m") ? 60 : 1);
    }

    @Test
    void theBuildContextHoldsWhatTheCopiesNeedAndNoSecrets() throws IOException {
        List<String> patterns = DeployFiles.read(DeployFiles.DOCKERIGNORE).lines()
                .map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
        assertThat(patterns.get(0)).as("everything is excluded first, then allowed back").isEqualTo("*");
        List<String> allowed = patterns.stream().filter(p -> p.startsWith("!")).map(p -> p.substring(1).replaceAll("/$", "")).toList();
        List<String> sources = dockerfile().stages().stream().flatMap(stage -> stage.all("COPY").stream())
                .filter(c -> !c.flags().containsKey("from")).flatMap(c -> sources(c).stream())
                .map(source -> source.replaceAll("/$", "")).toList();
        assertThat(sources).contains("src/main/docker/jvm.options", "pom.xml");
        for (String source : sources) {
            assertThat(allowed).as("%s reaches the build context", source)
                    .anyMatch(a -> source.equals(a) || source.startsWith(a + "/"));
            assertThat(DeployFiles.ROOT.resolve(source)).exists();
        }
        assertThat(patterns).contains("**/.env");
    }
}
