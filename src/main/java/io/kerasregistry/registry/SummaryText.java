package io.kerasregistry.registry;

import io.kerasregistry.keras.LayerSummary;
import io.kerasregistry.keras.RegularizerRef;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A version in the plain-text layout of Keras's {@code model.summary()} (layer and type, output
 * shape, parameter count, totals), with one more column: the regularizers of each layer, which is
 * what a reviewer checks after loading a model.
 */
final class SummaryText {

    private static final int LAYER = 52;
    private static final int SHAPE = 24;
    private static final int PARAMS = 14;

    private SummaryText() {
    }

    static String render(ModelVersion version, List<LayerSummary> layers, List<RegularizerRef> regularizers) {
        Map<String, String> regularizersByLayer = regularizers.stream().collect(Collectors.groupingBy(
                RegularizerRef::layerPath, java.util.LinkedHashMap::new,
                Collectors.mapping(SummaryText::describe, Collectors.joining(", "))));
        StringBuilder out = new StringBuilder();
        String modelClass = version.description().modelClass();
        out.append("Model: \"").append(version.modelName()).append("\" version ").append(version.version());
        if (modelClass != null) {
            out.append(" (").append(modelClass).append(')');
        }
        out.append('\n');
        String rule = "_".repeat(LAYER + SHAPE + PARAMS + 40);
        out.append(rule).append('\n');
        out.append(pad(" Layer (type)", LAYER)).append(pad("Output Shape", SHAPE)).append(pad("Param #", PARAMS))
                .append("Regularizers\n");
        out.append("=".repeat(rule.length())).append('\n');
        for (LayerSummary layer : layers) {
            int depth = (int) layer.path().chars().filter(c -> c == '/').count();
            String label = " " + "  ".repeat(depth) + layer.name() + " (" + layer.className() + ")";
            out.append(pad(label, LAYER))
                    .append(pad(layer.outputShape() == null ? "?" : layer.outputShape(), SHAPE))
                    .append(pad(String.format(Locale.ROOT, "%,d", layer.paramCount()), PARAMS))
                    .append(regularizersByLayer.getOrDefault(layer.path(), ""))
                    .append('\n');
        }
        out.append("=".repeat(rule.length())).append('\n');
        long total = version.description().paramCount();
        long trainable = version.description().trainableParamCount();
        out.append("Total params: ").append(count(total)).append('\n');
        out.append("Trainable params: ").append(count(trainable)).append('\n');
        out.append("Non-trainable params: ").append(count(total - trainable)).append('\n');
        out.append(rule).append('\n');
        return out.toString();
    }

    private static String describe(RegularizerRef r) {
        String attribute = r.attribute().replace("_regularizer", "");
        String factors = switch (r.kind()) {
            case L1 -> "l1=" + number(r.l1());
            case L2 -> "l2=" + number(r.l2());
            case L1L2 -> "l1=" + number(r.l1()) + " l2=" + number(r.l2());
            case ORTHOGONAL -> "factor=" + number(r.factor()) + " mode=" + r.mode();
            case CUSTOM -> r.factor() == null ? "" : "factor=" + number(r.factor());
        };
        String kind = r.kind() == io.kerasregistry.keras.RegularizerKind.CUSTOM ? r.name() : r.kind().name();
        return attribute + ":" + kind + (factors.isEmpty() ? "" : "(" + factors + ")");
    }

    private static String number(Double value) {
        return value == null ? "?" : String.format(Locale.ROOT, "%.6g", value).replaceAll("\\.?0+(e|$)", "$1");
    }

    /** Parameters and their size as float32, as Keras prints them. */
    private static String count(long params) {
        double bytes = params * 4.0;
        String size;
        if (bytes < 1024) {
            size = String.format(Locale.ROOT, "%.2f B", bytes);
        } else if (bytes < 1024 * 1024) {
            size = String.format(Locale.ROOT, "%.2f KB", bytes / 1024);
        } else if (bytes < 1024.0 * 1024 * 1024) {
            size = String.format(Locale.ROOT, "%.2f MB", bytes / (1024 * 1024));
        } else {
            size = String.format(Locale.ROOT, "%.2f GB", bytes / (1024.0 * 1024 * 1024));
        }
        return String.format(Locale.ROOT, "%,d (%s)", params, size);
    }

    private static String pad(String s, int width) {
        if (s.length() >= width) {
            return s.substring(0, width - 2) + "… ";
        }
        return s + " ".repeat(width - s.length());
    }
}
