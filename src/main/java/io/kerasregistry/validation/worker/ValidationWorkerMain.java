package io.kerasregistry.validation.worker;

import io.kerasregistry.validation.JobSpec;
import io.kerasregistry.validation.WorkerReport;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import tools.jackson.databind.json.JsonMapper;

/**
 * The entry point of a validation child JVM: {@code ValidationWorkerMain <spec.json> <report.json>}.
 * Exit code 0 means a report was written; anything else (a crash, the JVM's exit on
 * {@code OutOfMemoryError}, a kill after the timeout) is interpreted by the supervisor.
 */
public final class ValidationWorkerMain {

    /** Exit code when the supervisor that started this JVM is gone: the job will be run again. */
    static final int ORPHANED = 143;

    private ValidationWorkerMain() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 2) {
            System.err.println("usage: ValidationWorkerMain <job-spec.json> <report.json>");
            System.exit(2);
        }
        dieWithParent();
        JsonMapper json = JsonMapper.builder().build();
        JobSpec spec = json.readValue(Files.readAllBytes(Path.of(args[0])), JobSpec.class);
        WorkerReport report;
        try {
            report = new ValidationPipeline(spec, json).run();
        } catch (RuntimeException e) {
            // A fault of the registry rather than of the model: reported as ERROR, with the cause.
            StringWriter trace = new StringWriter();
            e.printStackTrace(new PrintWriter(trace));
            System.err.println(trace);
            report = new WorkerReport("ERROR", "validation could not finish: " + e, List.of(), List.of(), List.of(),
                    List.of(), null, null);
        }
        Path target = Path.of(args[1]);
        Path partial = target.resolveSibling(target.getFileName() + ".partial");
        Files.write(partial, json.writeValueAsBytes(report));
        Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        // ND4J keeps non-daemon threads; the report is written, so end now.
        System.exit(0);
    }

    /**
     * A child whose supervisor was killed would otherwise run on unseen; it ends instead, and the
     * job's lease expiry lets another supervisor run it again.
     */
    private static void dieWithParent() {
        ProcessHandle.current().parent().ifPresent(parent -> parent.onExit()
                .thenRun(() -> Runtime.getRuntime().halt(ORPHANED)));
    }
}
