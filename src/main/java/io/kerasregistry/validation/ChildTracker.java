package io.kerasregistry.validation;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/** The child JVMs a supervisor is running, so that stopping the supervisor stops them too. */
final class ChildTracker {

    private final ConcurrentMap<Long, Process> byJob = new ConcurrentHashMap<>();
    private volatile boolean stopping;

    void started(long jobId, Process process) {
        byJob.put(jobId, process);
        if (stopping) {
            process.destroyForcibly();
        }
    }

    void ended(long jobId) {
        byJob.remove(jobId);
    }

    Set<Long> jobs() {
        return Set.copyOf(byJob.keySet());
    }

    boolean stopping() {
        return stopping;
    }

    void stopAll() {
        stopping = true;
        byJob.values().forEach(p -> {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        });
    }
}
