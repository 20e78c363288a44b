package io.kerasregistry.deploy;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The memory budget of one container: the JVM it starts (heap = MaxRAMPercentage of the limit,
 * from jvm.options unless JAVA_OPTS overrides it) and, in roles {@code all} and {@code worker},
 * the validation child JVMs (each its heap, its ND4J off-heap limit and its own JVM overhead).
 */
final class Memory {

    /** Metaspace, code cache, thread stacks, GC structures, direct buffers of one JVM: a generous guess. */
    static final long JVM_OVERHEAD = DeployFiles.bytes("512m");

    private Memory() {
    }

    static boolean fits(long limit, Map<String, String> env) {
        return need(limit, env) <= limit;
    }

    static long need(long limit, Map<String, String> env) {
        long mainHeap = (long) (limit * heapPercentage(env.getOrDefault("JAVA_OPTS", "")) / 100);
        Matcher xmx = Pattern.compile("-Xmx(\\S+)").matcher(env.getOrDefault("JAVA_OPTS", ""));
        while (xmx.find()) {
            mainHeap = DeployFiles.bytes(xmx.group(1));
        }
        long need = mainHeap + JVM_OVERHEAD;
        String role = env.getOrDefault("KERAS_REGISTRY_ROLE", "all");
        if (!role.equals("api")) {
            int children = Integer.parseInt(env.getOrDefault("KERAS_REGISTRY_VALIDATION_WORKERS", "1"));
            long child = DeployFiles.bytes(env.getOrDefault("KERAS_REGISTRY_VALIDATION_WORKER_HEAP", "1g"))
                    + DeployFiles.bytes(env.getOrDefault("KERAS_REGISTRY_VALIDATION_WORKER_OFF_HEAP", "2g"))
                    + JVM_OVERHEAD;
            need += children * child;
        }
        return need;
    }

    /** The last -XX:MaxRAMPercentage of jvm.options followed by JAVA_OPTS (the JVM takes the last). */
    static double heapPercentage(String javaOpts) {
        double percentage = Double.parseDouble(DeployFiles.jvmOptionValues().get("-XX:MaxRAMPercentage"));
        Matcher m = Pattern.compile("-XX:MaxRAMPercentage=(\\d+(?:\\.\\d+)?)").matcher(javaOpts);
        while (m.find()) {
            percentage = Double.parseDouble(m.group(1));
        }
        return percentage;
    }

    static String explain(long limit, Map<String, String> env) {
        return String.format("limit %d MiB must hold %d MiB: heap %.0f %% of the limit + %d MiB per JVM, role %s, "
                + "%s children of %s heap + %s off-heap", limit >> 20, need(limit, env) >> 20,
                heapPercentage(env.getOrDefault("JAVA_OPTS", "")), JVM_OVERHEAD >> 20, env.get("KERAS_REGISTRY_ROLE"),
                env.get("KERAS_REGISTRY_VALIDATION_WORKERS"), env.get("KERAS_REGISTRY_VALIDATION_WORKER_HEAP"),
                env.get("KERAS_REGISTRY_VALIDATION_WORKER_OFF_HEAP"));
    }
}
