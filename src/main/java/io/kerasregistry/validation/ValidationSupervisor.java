package io.kerasregistry.validation;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * In roles {@code all} and {@code worker}: takes validation jobs from the queue, {@code workers} at a
 * time, each run by a {@link JobRunner} in a child JVM. A heartbeat renews the leases of the running
 * jobs, records this process as alive, finishes jobs abandoned by dead supervisors and replaces a
 * slot thread that died.
 */
@Component
class ValidationSupervisor implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(ValidationSupervisor.class);

    private final JobQueue queue;
    private final JobRunner runner;
    private final WorkerRegistry workers;
    private final ReportRepository reports;
    private final ValidationMetrics metrics;
    private final ValidationProperties properties;
    private final RoleProperties role;
    private final TransactionTemplate transaction;
    private final io.kerasregistry.registry.VersionService versions;
    private final io.kerasregistry.registry.VersionValidationState state;
    private final String id = UUID.randomUUID().toString();
    private ChildTracker children = new ChildTracker();
    private final List<Thread> slots = new ArrayList<>();
    private ScheduledExecutorService heartbeat;
    private Path workDirectory;
    private volatile boolean running;

    ValidationSupervisor(JobQueue queue, JobRunner runner, WorkerRegistry workers, ReportRepository reports,
            ValidationMetrics metrics, ValidationProperties properties, RoleProperties role,
            TransactionTemplate transaction, io.kerasregistry.registry.VersionService versions,
            io.kerasregistry.registry.VersionValidationState state) {
        this.queue = queue;
        this.runner = runner;
        this.workers = workers;
        this.reports = reports;
        this.metrics = metrics;
        this.properties = properties;
        this.role = role;
        this.transaction = transaction;
        this.versions = versions;
        this.state = state;
    }

    @Override
    public synchronized void start() {
        if (!role.role().runsJobs() || properties.workers() < 1) {
            log.info("Validation jobs are not run in this process (role {})", role.role());
            return;
        }
        workDirectory = workDirectory();
        transaction.executeWithoutResult(s -> workers.register(id, host(), ProcessHandle.current().pid(),
                role.role().name(), properties.workers()));
        running = true;
        // a stopped context can be started again (the test context cache pauses contexts)
        children = new ChildTracker();
        slots.clear();
        for (int i = 0; i < properties.workers(); i++) {
            slots.add(startSlot(i));
        }
        heartbeat = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "validation-heartbeat");
            t.setDaemon(true);
            return t;
        });
        long period = Math.max(200, properties.lease().toMillis() / 3);
        heartbeat.scheduleWithFixedDelay(this::beat, 0, period, TimeUnit.MILLISECONDS);
        log.info("Validation supervisor {} runs up to {} job(s) at once, each in a child JVM ({} heap, {} off-heap, "
                + "timeout {})", id, properties.workers(), properties.workerHeap(), properties.workerOffHeap(),
                properties.timeout());
    }

    private Thread startSlot(int index) {
        String owner = id + "/" + index;
        Thread thread = new Thread(() -> loop(owner), "validation-slot-" + index);
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    private void loop(String owner) {
        while (running) {
            try {
                Optional<Job> job = transaction.execute(s -> queue.claim(owner, properties.lease()));
                if (job == null || job.isEmpty()) {
                    Thread.sleep(properties.pollInterval().toMillis());
                    continue;
                }
                runner.run(job.get(), owner, workDirectory, children);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                log.error("Validation slot {} failed; it goes on with the next job", owner, e);
                sleepQuietly();
            }
        }
    }

    private void beat() {
        try {
            transaction.executeWithoutResult(s -> {
                workers.heartbeat(id);
                queue.renew(id, children.jobs(), properties.lease());
            });
            finishAbandoned();
            Map<String, Long> counts = queue.counts();
            metrics.queue(counts.getOrDefault("QUEUED", 0L), counts.getOrDefault("RUNNING", 0L));
            replaceDeadSlots();
        } catch (RuntimeException e) {
            log.warn("Validation heartbeat failed: {}", e.getMessage());
        }
    }

    /** Jobs whose supervisor died on their last attempt end as ERROR instead of waiting forever. */
    private void finishAbandoned() {
        transaction.executeWithoutResult(s -> {
            for (Job job : queue.abandoned()) {
                versions.findById(job.versionId()).ifPresent(version -> {
                    WorkerReport report = new WorkerReport("ERROR", "the worker running attempt " + job.attempt() + " of "
                            + job.maxAttempts() + " stopped responding (its lease expired); not retried again",
                            List.of(), List.of(), List.of(), List.of(), null, null);
                    long reportId = reports.insert(version.id(), job.id(), job.attempt(), report, id,
                            java.time.Instant.now(), java.time.Instant.now());
                    state.recordOutcome(version, io.kerasregistry.registry.ValidationStatus.ERROR, report.summary(),
                            reportId);
                });
                queue.finish(job.id(), "lease expired on the last attempt");
            }
        });
    }

    private synchronized void replaceDeadSlots() {
        for (int i = 0; i < slots.size(); i++) {
            if (running && !slots.get(i).isAlive()) {
                log.warn("Validation slot {} died; starting a new one", i);
                slots.set(i, startSlot(i));
            }
        }
    }

    @Override
    public synchronized void stop() {
        if (!running) {
            return;
        }
        running = false;
        children.stopAll();
        slots.forEach(Thread::interrupt);
        for (Thread slot : slots) {
            try {
                slot.join(Duration.ofSeconds(15).toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        heartbeat.shutdownNow();
        try {
            transaction.executeWithoutResult(s -> workers.stopped(id));
        } catch (RuntimeException e) {
            log.warn("Could not record that validation supervisor {} stopped: {}", id, e.getMessage());
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** Stop before the web server and the database pool do. */
    @Override
    public int getPhase() {
        return Integer.MAX_VALUE - 1000;
    }

    String id() {
        return id;
    }

    private Path workDirectory() {
        try {
            Path base = properties.workDirectory() != null ? properties.workDirectory()
                    : Path.of(System.getProperty("java.io.tmpdir"), "keras-registry-validation");
            return Files.createDirectories(base.resolve(id));
        } catch (IOException e) {
            throw new UncheckedIOException("could not create the validation work directory", e);
        }
    }

    private static String host() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "unknown";
        }
    }

    private void sleepQuietly() {
        try {
            Thread.sleep(properties.pollInterval().toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
