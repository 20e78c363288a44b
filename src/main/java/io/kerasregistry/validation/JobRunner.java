package io.kerasregistry.validation;

import io.kerasregistry.customobjects.CustomObjectCatalogue;
import io.kerasregistry.registry.ModelVersion;
import io.kerasregistry.registry.ValidationStatus;
import io.kerasregistry.registry.VersionService;
import io.kerasregistry.registry.VersionValidationState;
import io.kerasregistry.storage.BlobInfo;
import io.kerasregistry.storage.BlobIntegrityException;
import io.kerasregistry.storage.BlobStore;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;

/**
 * Runs one taken job in a fresh child JVM and records what came of it. A child that hangs is killed
 * at the timeout; one that crashes or runs out of memory ends its attempt with the reason; such an
 * attempt is retried until the job's attempts are used up, then the job ends as {@code ERROR}, so a
 * poison model never loops.
 */
@Component
class JobRunner {

    private static final Logger log = LoggerFactory.getLogger(JobRunner.class);
    private static final Duration RETRY_DELAY = Duration.ofSeconds(2);
    private static final int LOG_TAIL_BYTES = 4096;

    private final VersionService versions;
    private final VersionValidationState state;
    private final BlobStore blobs;
    private final CustomObjectCatalogue catalogue;
    private final JobQueue queue;
    private final ReportRepository reports;
    private final WorkerRegistry workers;
    private final WorkerCommand command;
    private final ValidationMetrics metrics;
    private final ValidationProperties properties;
    private final RoleProperties role;
    private final TransactionTemplate transaction;
    private final JsonMapper json;

    JobRunner(VersionService versions, VersionValidationState state, BlobStore blobs, CustomObjectCatalogue catalogue,
            JobQueue queue, ReportRepository reports, WorkerRegistry workers, WorkerCommand command,
            ValidationMetrics metrics, ValidationProperties properties, RoleProperties role,
            TransactionTemplate transaction, JsonMapper json) {
        this.versions = versions;
        this.state = state;
        this.blobs = blobs;
        this.catalogue = catalogue;
        this.queue = queue;
        this.reports = reports;
        this.workers = workers;
        this.command = command;
        this.metrics = metrics;
        this.properties = properties;
        this.role = role;
        this.transaction = transaction;
        this.json = json;
    }

    /** What an attempt came to: a report from the child, or why there is none. */
    private record Attempt(@Nullable WorkerReport report, @Nullable String failure, boolean retryable) {
    }

    void run(Job job, String worker, Path workDirectory, ChildTracker children) {
        Instant started = Instant.now();
        Optional<ModelVersion> found = versions.findById(job.versionId());
        if (found.isEmpty()) {
            transaction.executeWithoutResult(s -> queue.finish(job.id(), "the version was deleted"));
            return;
        }
        ModelVersion version = found.get();
        transaction.executeWithoutResult(s -> state.set(version.id(), ValidationStatus.RUNNING,
                "attempt " + job.attempt() + " of " + job.maxAttempts() + " on " + worker));
        Attempt attempt = attempt(job, version, worker, workDirectory, children);
        Instant finished = Instant.now();
        if (attempt.report() != null) {
            complete(job, version, attempt.report(), worker, started, finished);
        } else if (attempt.retryable() && !job.lastAttempt()) {
            transaction.executeWithoutResult(s -> {
                reports.insert(version.id(), job.id(), job.attempt(), error(attempt.failure() + "; it will be tried again"),
                        worker, started, finished);
                queue.retry(job.id(), attempt.failure(), RETRY_DELAY);
                state.set(version.id(), ValidationStatus.PENDING, "attempt " + job.attempt() + " of " + job.maxAttempts()
                        + " ended: " + attempt.failure() + "; queued again");
            });
        } else {
            String why = attempt.failure() + (attempt.retryable()
                    ? " (attempt " + job.attempt() + " of " + job.maxAttempts() + "; not retried again)" : "");
            complete(job, version, error(why), worker, started, finished);
        }
    }

    private Attempt attempt(Job job, ModelVersion version, String worker, Path workDirectory, ChildTracker children) {
        if (version.sizeBytes() > properties.maxInputSize().toBytes()) {
            return new Attempt(null, "the model has " + version.sizeBytes() + " bytes, more than the "
                    + properties.maxInputSize().toBytes() + " bytes validation tries (keras-registry.validation.max-input-size)",
                    false);
        }
        String damaged = damagedBlob(version);
        if (damaged != null) {
            return new Attempt(null, damaged, false);
        }
        Path dir = workDirectory.resolve("job-" + job.id() + "-" + job.attempt());
        try {
            Files.createDirectories(dir);
            Path spec = dir.resolve("spec.json");
            Path report = dir.resolve("report.json");
            Path output = dir.resolve("output.log");
            Files.write(spec, json.writeValueAsBytes(spec(job, version)));
            ProcessBuilder builder = new ProcessBuilder(command.command(spec, report)).redirectErrorStream(true)
                    .redirectOutput(output.toFile());
            // One forward pass of a small batch gains nothing from BLAS threads, while on a busy machine
            // their spin-waiting made it ten times slower (bench/validation); an operator's value wins.
            builder.environment().putIfAbsent("OMP_NUM_THREADS", "1");
            Process process = builder.start();
            children.started(job.id(), process);
            transaction.executeWithoutResult(s -> queue.recordChild(job.id(), process.pid()));
            try {
                boolean exited = process.waitFor(properties.timeout().toMillis(), TimeUnit.MILLISECONDS);
                if (!exited) {
                    kill(process);
                    metrics.timedOut();
                    transaction.executeWithoutResult(s -> workers.count(worker.split("/")[0], "timeouts"));
                    return new Attempt(null, "timeout after " + properties.timeout().toSeconds() + " s", true);
                }
            } finally {
                children.ended(job.id());
            }
            int exit = process.exitValue();
            if (exit == 0 && Files.exists(report)) {
                return new Attempt(json.readValue(Files.readAllBytes(report), WorkerReport.class), null, false);
            }
            if (children.stopping()) {
                return new Attempt(null, "the supervising process is shutting down", true);
            }
            metrics.crashed();
            transaction.executeWithoutResult(s -> workers.count(worker.split("/")[0], "crashes"));
            return new Attempt(null, crashReason(exit, tail(output)), true);
        } catch (IOException e) {
            return new Attempt(null, "could not run the worker process: " + e.getMessage(), true);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Attempt(null, "the supervising process is shutting down", true);
        } finally {
            deleteRecursively(dir);
        }
    }

    private void complete(Job job, ModelVersion version, WorkerReport report, String worker, Instant started,
            Instant finished) {
        if (versions.findById(version.id()).isEmpty()) {
            // the model was deleted while its version was being validated; its job went with it
            log.info("{} version {} was deleted during its validation; the result is dropped", version.modelName(),
                    version.version());
            return;
        }
        transaction.executeWithoutResult(s -> {
            long reportId = reports.insert(version.id(), job.id(), job.attempt(), report, worker, started, finished);
            queue.finish(job.id(), report.status().equals("ERROR") ? report.summary() : null);
            state.recordOutcome(version, ValidationStatus.valueOf(report.status()), report.summary(), reportId);
            if (queue.hasWaiting(version.id())) {
                // something changed during this run (a custom object was registered): its result is not the last word
                state.set(version.id(), ValidationStatus.PENDING, report.status() + " before a newer validation, "
                        + "which is queued: " + report.summary());
            }
            workers.count(worker.split("/")[0], "jobs_done");
        });
        metrics.finished(report.status(), Duration.between(started, finished));
        log.info("Validated {} version {}: {} ({})", version.modelName(), version.version(), report.status(),
                report.summary());
    }

    private JobSpec spec(Job job, ModelVersion version) {
        List<JobSpec.CatalogueEntry> entries = catalogue.list(null).stream()
                .map(d -> new JobSpec.CatalogueEntry(d.kind().slug(), d.name(), d.revision(), d.implementation().name(),
                        d.alias(), d.expression(), d.className()))
                .toList();
        return new JobSpec(job.id(), version.modelName(), version.version(), version.format().name(),
                blobs.pathOf(version.blobSha256()).toString(),
                version.architectureSha256() == null ? null : blobs.pathOf(version.architectureSha256()).toString(),
                version.referenceSha256() == null ? null : blobs.pathOf(version.referenceSha256()).toString(),
                properties.safeMode(), properties.batch(), properties.seed(), properties.absoluteTolerance(),
                properties.relativeTolerance(), entries, Path.of(role.plugins().path()).toAbsolutePath().toString());
    }

    /** Validating damaged bytes would report on a model nobody uploaded. */
    private @Nullable String damagedBlob(ModelVersion version) {
        for (String sha : Stream.of(version.blobSha256(), version.architectureSha256(), version.referenceSha256())
                .filter(java.util.Objects::nonNull).toList()) {
            try {
                BlobInfo blob = blobs.find(sha).orElseThrow(() -> new BlobIntegrityException("blob " + sha + " has no record"));
                if (!blobs.open(blob).verify()) {
                    return "the stored copy of blob " + sha + " is damaged; it was not validated";
                }
            } catch (BlobIntegrityException e) {
                return e.getMessage();
            } catch (IOException e) {
                return "could not read blob " + sha + ": " + e.getMessage();
            }
        }
        return null;
    }

    /**
     * Why a child ended without a report. The JVM exits with 3 on {@code OutOfMemoryError}
     * ({@code -XX:+ExitOnOutOfMemoryError}), a native fault leaves "SIGSEGV" in its crash log, and
     * a process killed by signal N exits with 128 + N.
     */
    static String crashReason(int exit, String output) {
        if (output.contains("OutOfMemoryError") || exit == 3
                || output.contains("Cannot allocate new") || output.contains("Physical memory usage is too high")) {
            return "out of memory";
        }
        for (String signal : List.of("SIGSEGV", "SIGBUS", "SIGILL", "SIGFPE", "SIGABRT")) {
            if (output.contains(signal)) {
                return "worker crashed: " + signal;
            }
        }
        if (exit > 128) {
            int signal = exit - 128;
            String name = switch (signal) {
                case 6 -> "SIGABRT";
                case 9 -> "SIGKILL";
                case 11 -> "SIGSEGV";
                case 15 -> "SIGTERM";
                default -> "signal " + signal;
            };
            return "worker crashed: " + name;
        }
        return "worker exited with code " + exit + (output.isBlank() ? "" : ": " + lastLine(output));
    }

    private static String lastLine(String output) {
        String[] lines = output.strip().split("\n");
        String last = lines[lines.length - 1];
        return last.length() > 300 ? last.substring(0, 300) + "…" : last;
    }

    private static WorkerReport error(String why) {
        return new WorkerReport("ERROR", why, List.of(), List.of(), List.of(), List.of(), null, null);
    }

    private static void kill(Process process) throws InterruptedException {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    private static String tail(Path file) {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r")) {
            long start = Math.max(0, raf.length() - LOG_TAIL_BYTES);
            byte[] bytes = new byte[(int) (raf.length() - start)];
            raf.seek(start);
            raf.readFully(bytes);
            return new String(bytes, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    private static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            log.warn("Could not remove {}: {}", dir, e.getMessage());
        }
    }
}
