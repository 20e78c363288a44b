package io.kerasregistry.inference;

import java.util.List;
import java.util.stream.Collectors;

/**
 * The model uses layers, options or custom objects the engine cannot compute. Lists every one of
 * them, not just the first, so one validation run tells the user everything to fix.
 */
public final class UnsupportedModelFeaturesException extends InferenceException {

    private final transient List<Issue> issues;

    public UnsupportedModelFeaturesException(List<Issue> issues) {
        super(describe(issues));
        this.issues = List.copyOf(issues);
    }

    public List<Issue> issues() {
        return issues;
    }

    /** One thing that cannot be computed. */
    public enum Kind {
        /** A layer class the engine does not implement. */
        LAYER,
        /** A supported layer class with an option value the engine does not implement. */
        OPTION,
        /** A name Keras would look up in {@code custom_objects} and the catalogue does not resolve. */
        UNKNOWN_CUSTOM_OBJECT
    }

    /**
     * @param kind      what is missing
     * @param layerPath the layer concerned
     * @param className its class name
     * @param detail    the option ({@code groups=2}) or, for custom objects, the Keras-style message
     */
    public record Issue(Kind kind, String layerPath, String className, String detail) {

        /** {@code Conv2D(groups=2)}, or the bare class name for an unsupported layer. */
        public String summary() {
            return switch (kind) {
                case LAYER -> className;
                case OPTION -> className + "(" + detail + ")";
                case UNKNOWN_CUSTOM_OBJECT -> detail;
            };
        }
    }

    private static String inLayers(java.util.Set<String> paths) {
        String named = paths.stream().filter(p -> !p.isEmpty()).map(p -> "'" + p + "'")
                .collect(Collectors.joining(", "));
        return named.isEmpty() ? "" : " in " + named;
    }

    private static String describe(List<Issue> issues) {
        StringBuilder sb = new StringBuilder();
        List<Issue> unsupported = issues.stream().filter(i -> i.kind() != Kind.UNKNOWN_CUSTOM_OBJECT).toList();
        if (!unsupported.isEmpty()) {
            // one entry per class, options of all its layers merged, as the user fixes them per class
            var byClass = new java.util.LinkedHashMap<String, java.util.LinkedHashSet<String>>();
            var layersByClass = new java.util.LinkedHashMap<String, java.util.LinkedHashSet<String>>();
            for (Issue i : unsupported) {
                var opts = byClass.computeIfAbsent(i.className(), k -> new java.util.LinkedHashSet<>());
                if (i.kind() == Kind.OPTION) {
                    opts.add(i.detail());
                }
                layersByClass.computeIfAbsent(i.className(), k -> new java.util.LinkedHashSet<>()).add(i.layerPath());
            }
            sb.append("Unsupported: ").append(byClass.entrySet().stream()
                    .map(e -> (e.getValue().isEmpty() ? e.getKey() : e.getKey() + "(" + String.join(", ", e.getValue()) + ")")
                            + inLayers(layersByClass.get(e.getKey())))
                    .collect(Collectors.joining("; ")));
        }
        for (Issue i : issues) {
            if (i.kind() == Kind.UNKNOWN_CUSTOM_OBJECT) {
                if (!sb.isEmpty()) {
                    sb.append('\n');
                }
                sb.append(i.detail());
            }
        }
        return sb.toString();
    }
}
