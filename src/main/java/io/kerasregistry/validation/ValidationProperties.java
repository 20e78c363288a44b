package io.kerasregistry.validation;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * How validation runs.
 *
 * @param workers         jobs one supervising process runs at once, each in its own child JVM
 * @param timeout         wall-clock limit of one job; the child is killed when it is reached
 * @param workerHeap      the child JVM's heap ({@code -Xmx})
 * @param workerOffHeap   the child's off-heap limit, for ND4J's buffers and direct memory
 * @param maxAttempts     how often a job whose child crashed, hung or ran out of memory is tried
 * @param maxInputSize    models larger than this are not even tried (ERROR, no child started)
 * @param lease           how long a taken job is reserved without a heartbeat; after that another
 *                        supervisor takes it (the one holding it died)
 * @param pollInterval    how often an idle supervisor looks for work
 * @param safeMode        refuse Lambda bytecode and pickled weights; when off, a Lambda that names
 *                        a registered custom object is accepted (its code is still never run)
 * @param batch           smoke-test batch size
 * @param seed            seed of the smoke-test inputs
 * @param absoluteTolerance reference comparison: allowed |got − expected| ...
 * @param relativeTolerance ... plus this fraction of |expected|
 * @param workerJvmOptions extra options for the child JVM
 * @param workDirectory   where job specs, reports and logs of children are written (default: the
 *                        temporary directory)
 */
@ConfigurationProperties("keras-registry.validation")
public record ValidationProperties(
        @DefaultValue("1") int workers,
        @DefaultValue("120s") Duration timeout,
        @DefaultValue("1GB") DataSize workerHeap,
        @DefaultValue("2GB") DataSize workerOffHeap,
        @DefaultValue("2") int maxAttempts,
        @DefaultValue("16GB") DataSize maxInputSize,
        @DefaultValue("30s") Duration lease,
        @DefaultValue("1s") Duration pollInterval,
        @DefaultValue("true") boolean safeMode,
        @DefaultValue("2") int batch,
        @DefaultValue("1") long seed,
        @DefaultValue("1e-5") double absoluteTolerance,
        @DefaultValue("1e-4") double relativeTolerance,
        @DefaultValue List<String> workerJvmOptions,
        @Nullable Path workDirectory) {
}
