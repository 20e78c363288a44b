package io.kerasregistry.validation;

import io.kerasregistry.validation.worker.ValidationWorkerMain;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.springframework.stereotype.Component;

/**
 * The command line of a validation child: the same Java and the same classes as this process,
 * started at {@link ValidationWorkerMain} with the job's memory limits. Works whether this process
 * was started from the packaged jar, from its extracted layers (the container image) or from a plain
 * class path (tests, {@code mvn spring-boot:run}).
 */
@Component
class WorkerCommand {

    /** Properties this process was given that a child must share (native cache, temporary files). */
    private static final List<String> INHERITED = List.of("org.bytedeco.javacpp.cachedir", "java.io.tmpdir");
    private static final String BOOT_LOADER = "org.springframework.boot.loader.launch.";

    private final ValidationProperties properties;

    WorkerCommand(ValidationProperties properties) {
        this.properties = properties;
    }

    List<String> command(Path spec, Path report) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        long heap = properties.workerHeap().toBytes();
        long offHeap = properties.workerOffHeap().toBytes();
        command.add("-Xmx" + heap);
        command.add("-XX:MaxDirectMemorySize=" + offHeap);
        // ND4J's own accounting of its off-heap buffers; beyond it, allocation fails as out of memory
        command.add("-Dorg.bytedeco.javacpp.maxbytes=" + offHeap);
        command.add("-Dorg.bytedeco.javacpp.maxphysicalbytes=" + (heap + offHeap + (512L << 20)));
        command.add("-XX:+ExitOnOutOfMemoryError");
        // a native fault's crash log goes into the job's folder (removed with it) rather than the
        // service's working directory, and no core dump of up to the whole heap is written
        command.add("-XX:ErrorFile=" + spec.toAbsolutePath().resolveSibling("hs_err_pid%p.log"));
        command.add("-XX:-CreateCoredumpOnCrash");
        command.add("-XX:+UseSerialGC");
        command.add("-XX:TieredStopAtLevel=1");
        for (String name : INHERITED) {
            String value = System.getProperty(name);
            if (value != null) {
                command.add("-D" + name + "=" + value);
            }
        }
        command.addAll(properties.workerJvmOptions());
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        if (launchedBySpringBootLoader()) {
            // the classes sit inside the jar (or its extracted layers): let Boot's loader find them
            command.add("-Dloader.main=" + ValidationWorkerMain.class.getName());
            command.add(BOOT_LOADER + "PropertiesLauncher");
        } else {
            command.add(ValidationWorkerMain.class.getName());
        }
        command.add(spec.toString());
        command.add(report.toString());
        return command;
    }

    private static boolean launchedBySpringBootLoader() {
        ClassLoader loader = WorkerCommand.class.getClassLoader();
        return loader != null && loader.getClass().getName().startsWith(BOOT_LOADER);
    }
}
