package io.kerasregistry.validation;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.stereotype.Component;

/** Jobs queued, running, passed, failed, errored; their duration; crashes and timeouts of children. */
@Component
class ValidationMetrics {

    private final MeterRegistry registry;
    private final AtomicLong queued = new AtomicLong();
    private final AtomicLong running = new AtomicLong();
    private final Timer duration;
    private final Counter crashes;
    private final Counter timeouts;

    ValidationMetrics(MeterRegistry registry) {
        this.registry = registry;
        Gauge.builder("keras_registry_validation_jobs_queued", queued, AtomicLong::get)
                .description("Validation jobs waiting for a worker").register(registry);
        Gauge.builder("keras_registry_validation_jobs_running", running, AtomicLong::get)
                .description("Validation jobs being run").register(registry);
        this.duration = Timer.builder("keras_registry_validation_duration").description("Time to validate a version")
                .publishPercentileHistogram().register(registry);
        this.crashes = Counter.builder("keras_registry_validation_worker_crashes").description(
                "Worker processes that crashed or ran out of memory").register(registry);
        this.timeouts = Counter.builder("keras_registry_validation_worker_timeouts").description(
                "Worker processes killed at the job timeout").register(registry);
    }

    void finished(String status, Duration took) {
        Counter.builder("keras_registry_validation_jobs_finished").tag("status", status.toLowerCase(Locale.ROOT))
                .description("Validation jobs finished, by final status").register(registry).increment();
        duration.record(took);
    }

    void crashed() {
        crashes.increment();
    }

    void timedOut() {
        timeouts.increment();
    }

    void queue(long queuedJobs, long runningJobs) {
        queued.set(queuedJobs);
        running.set(runningJobs);
    }
}
