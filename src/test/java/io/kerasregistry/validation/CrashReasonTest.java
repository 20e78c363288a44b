package io.kerasregistry.validation;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** How a child JVM's end becomes the reason a report and the version's summary give. */
class CrashReasonTest {

    @Test
    void outOfMemoryFromTheExitCodeOrTheLog() {
        assertThat(JobRunner.crashReason(3, "")).isEqualTo("out of memory");
        assertThat(JobRunner.crashReason(1, "Terminating due to java.lang.OutOfMemoryError: Java heap space"))
                .isEqualTo("out of memory");
        assertThat(JobRunner.crashReason(1, "Cannot allocate new FloatPointer(268435456)")).isEqualTo("out of memory");
        assertThat(JobRunner.crashReason(1, "Physical memory usage is too high: physicalBytes (2G) > maxPhysicalBytes"))
                .isEqualTo("out of memory");
    }

    @Test
    void aNativeFaultIsNamedFromTheCrashReport() {
        assertThat(JobRunner.crashReason(134, "# A fatal error has been detected by the Java Runtime Environment:\n#\n"
                + "#  SIGSEGV (0xb) at pc=0x00007f, pid=1234, tid=1235\n")).isEqualTo("worker crashed: SIGSEGV");
        assertThat(JobRunner.crashReason(134, "#  SIGBUS (0x7) at pc=0x1")).isEqualTo("worker crashed: SIGBUS");
    }

    @Test
    void aSignalFromOutsideIsNamedFromTheExitCode() {
        assertThat(JobRunner.crashReason(137, "")).isEqualTo("worker crashed: SIGKILL");
        assertThat(JobRunner.crashReason(143, "")).isEqualTo("worker crashed: SIGTERM");
        assertThat(JobRunner.crashReason(139, "")).isEqualTo("worker crashed: SIGSEGV");
        assertThat(JobRunner.crashReason(129, "")).isEqualTo("worker crashed: signal 1");
    }

    @Test
    void anyOtherExitGivesItsCodeAndLastLine() {
        assertThat(JobRunner.crashReason(2, "starting\nusage: ValidationWorkerMain <job-spec.json> <report.json>\n"))
                .isEqualTo("worker exited with code 2: usage: ValidationWorkerMain <job-spec.json> <report.json>");
        assertThat(JobRunner.crashReason(1, "")).isEqualTo("worker exited with code 1");
    }
}
