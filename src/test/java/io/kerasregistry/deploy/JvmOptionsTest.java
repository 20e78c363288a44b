package io.kerasregistry.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * src/main/docker/jvm.options, the one list of JVM options of the image and of .ci/run's run of the
 * packaged jar: it holds what the service needs in a container, and the java launcher reads it as
 * an argument file ({@code java @jvm.options}) the way the image's ENTRYPOINT uses it.
 */
class JvmOptionsTest {

    @Test
    void holdsTheHeapShareTheNativeCacheTheTmpdirAndExitOnOutOfMemory() {
        assertThat(DeployFiles.jvmOptionValues())
                .containsEntry("-Dorg.bytedeco.javacpp.cachedir", "/var/cache/keras-registry/javacpp")
                .containsEntry("-Djava.io.tmpdir", "/tmp")
                .containsKey("-XX:+ExitOnOutOfMemoryError")
                .containsKey("-XX:MaxRAMPercentage");
        double share = Double.parseDouble(DeployFiles.jvmOptionValues().get("-XX:MaxRAMPercentage"));
        assertThat(share).as("leaves room for the validation children of role all").isBetween(10.0, 50.0);
        assertThat(DeployFiles.jvmOptions()).as("no fixed heap: it follows the container limit")
                .noneMatch(o -> o.startsWith("-Xmx") || o.startsWith("-Xms"));
        String initial = DeployFiles.jvmOptionValues().get("-XX:InitialRAMPercentage");
        if (initial != null) {
            assertThat(Double.parseDouble(initial)).as("the first heap is below the largest").isLessThan(share);
        }
    }

    @Test
    void theJavaLauncherReadsItAsAnArgumentFile() throws Exception {
        String flags = java("-XX:+PrintFlagsFinal", "-version");
        assertThat(flags).containsPattern("double MaxRAMPercentage\\s+= "
                + DeployFiles.jvmOptionValues().get("-XX:MaxRAMPercentage") + "(\\.0+)?\\s+\\{product\\} \\{command line\\}");
        assertThat(flags).containsPattern("bool ExitOnOutOfMemoryError\\s+= true\\s+\\{product\\} \\{command line\\}");

        String properties = java("-XshowSettings:properties", "-version");
        assertThat(properties).contains("org.bytedeco.javacpp.cachedir = /var/cache/keras-registry/javacpp")
                .contains("java.io.tmpdir = /tmp");
    }

    @Test
    void optionsGivenAfterItWinAsJavaOptsRelyOn() throws Exception {
        String flags = java("-XX:MaxRAMPercentage=60", "-XX:+PrintFlagsFinal", "-version");
        assertThat(flags).containsPattern("double MaxRAMPercentage\\s+= 60(\\.0+)?\\s");
    }

    /** Runs this test's own java with @jvm.options first, like the image and .ci/run do. */
    private static String java(String... args) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("@" + DeployFiles.JVM_OPTIONS);
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(out).isZero();
        return out;
    }
}
