package io.kerasregistry.keras;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * Output shapes of the common layers, inferred from their configs the way each layer's
 * {@code compute_output_shape} does in Keras. Best effort: a layer it does not know, or an unknown input,
 * gives no shape ({@link LayerSummary#outputShape()} {@code null}, an empty {@link TensorSpec#shape()}).
 */
final class ShapeInference {

    /** A shape with the batch dimension first; {@code null} entries are unknown sizes. */
    private record Shape(List<@Nullable Long> dims) {
        int rank() {
            return dims.size();
        }

        @Nullable Long get(int i) {
            return dims.get(i < 0 ? dims.size() + i : i);
        }
    }

    private static final Set<String> SAME_SHAPE = Set.of("Activation", "Dropout", "SpatialDropout1D",
            "SpatialDropout2D", "SpatialDropout3D", "GaussianNoise", "GaussianDropout", "AlphaDropout",
            "BatchNormalization", "LayerNormalization", "GroupNormalization", "UnitNormalization", "RMSNormalization",
            "ReLU", "LeakyReLU", "ELU", "PReLU", "Softmax", "ThresholdedReLU", "Masking", "ActivityRegularization",
            "Rescaling", "Identity", "Normalization", "RandomFlip", "RandomRotation", "RandomZoom",
            "RandomTranslation", "RandomContrast", "RandomBrightness", "RandomShear", "RandomHue", "RandomSaturation",
            "RandomGrayscale", "RandomSharpness", "RandomColorJitter", "RandomColorDegeneration", "RandomPosterization",
            "RandomInvert", "RandomErasing", "RandomGaussianBlur", "RandomPerspective", "RandomElasticTransform",
            "AutoContrast", "Equalization", "Solarization", "SpectralNormalization", "Add", "Subtract", "Multiply",
            "Average", "Maximum", "Minimum", "Attention", "AdditiveAttention", "MultiHeadAttention");

    private final Map<String, List<@Nullable Shape>> outputs = new HashMap<>();

    ShapeInference(Network root) {
        infer(root, Map.of());
    }

    /** The first output of the layer's first call, as Keras prints it: {@code (None, 10)}. */
    @Nullable String describe(String layerPath) {
        List<@Nullable Shape> shapes = outputs.get(layerPath);
        if (shapes == null || shapes.isEmpty() || shapes.stream().anyMatch(java.util.Objects::isNull)) {
            return null;
        }
        if (shapes.size() == 1) {
            return format(shapes.get(0));
        }
        StringJoiner all = new StringJoiner(", ", "[", "]");
        shapes.forEach(s -> all.add(format(s)));
        return all.toString();
    }

    List<@Nullable Long> shape(TensorRef ref) {
        return shapeOf(ref, "");
    }

    private List<@Nullable Long> shapeOf(TensorRef ref, String prefix) {
        List<@Nullable Shape> shapes = outputs.get(prefix.isEmpty() ? ref.layer() : prefix + "/" + ref.layer());
        if (shapes == null || ref.tensor() >= shapes.size() || shapes.get(ref.tensor()) == null) {
            return List.of();
        }
        return Collections.unmodifiableList(new ArrayList<>(shapes.get(ref.tensor()).dims()));
    }

    private static String format(Shape shape) {
        StringJoiner joiner = new StringJoiner(", ", "(", shape.rank() == 1 ? ",)" : ")");
        for (Long d : shape.dims()) {
            joiner.add(d == null ? "None" : d.toString());
        }
        return joiner.toString();
    }

    /** Infers every layer of a network; returns the shapes of its outputs. */
    private List<@Nullable Shape> infer(Network network, Map<String, List<@Nullable Shape>> inputOverrides) {
        Map<String, Layer> byName = new HashMap<>();
        network.layers().forEach(l -> byName.put(l.name(), l));
        Map<String, List<@Nullable Shape>> local = new HashMap<>(inputOverrides);
        for (Layer layer : network.layers()) {
            if (inputOverrides.containsKey(layer.name())) {
                outputs.put(layer.path(), inputOverrides.get(layer.name()));
            }
        }
        // layers in dependency order of their first call (Kahn); a layer whose first call waits on
        // its own later calls (A(B(A(x)))) is left without a shape
        Map<String, Integer> waiting = new HashMap<>();
        Map<String, List<Layer>> consumers = new HashMap<>();
        java.util.ArrayDeque<Layer> ready = new java.util.ArrayDeque<>();
        for (Layer layer : network.layers()) {
            if (local.containsKey(layer.name())) {
                continue;
            }
            java.util.Set<String> producers = new java.util.HashSet<>();
            if (!layer.calls().isEmpty()) {
                for (TensorRef ref : layer.calls().get(0).inputs()) {
                    if (!local.containsKey(ref.layer()) && byName.containsKey(ref.layer())) {
                        producers.add(ref.layer());
                    }
                }
            }
            producers.forEach(p -> consumers.computeIfAbsent(p, k -> new ArrayList<>()).add(layer));
            waiting.put(layer.name(), producers.size());
            if (producers.isEmpty()) {
                ready.add(layer);
            }
        }
        while (!ready.isEmpty()) {
            Layer layer = ready.poll();
            List<@Nullable Shape> result;
            if (layer.calls().isEmpty()) {
                result = one(inputShape(layer.config()));
            } else {
                List<@Nullable Shape> in = new ArrayList<>();
                for (TensorRef ref : layer.calls().get(0).inputs()) {
                    List<@Nullable Shape> produced = local.get(ref.layer());
                    in.add(produced == null || ref.tensor() >= produced.size() ? null : produced.get(ref.tensor()));
                }
                result = layer.nested() != null ? nested(layer, in) : layer(layer.className(), layer.config(), in);
            }
            local.put(layer.name(), result);
            outputs.put(layer.path(), result);
            for (Layer consumer : consumers.getOrDefault(layer.name(), List.of())) {
                if (waiting.merge(consumer.name(), -1, Integer::sum) == 0) {
                    ready.add(consumer);
                }
            }
        }
        List<@Nullable Shape> out = new ArrayList<>();
        for (TensorRef ref : network.outputs()) {
            List<@Nullable Shape> produced = local.get(ref.layer());
            out.add(produced == null || ref.tensor() >= produced.size() ? null : produced.get(ref.tensor()));
        }
        return out;
    }

    private List<@Nullable Shape> nested(Layer layer, List<@Nullable Shape> in) {
        Network nested = layer.nested();
        Map<String, List<@Nullable Shape>> overrides = new HashMap<>();
        for (int i = 0; i < nested.inputs().size() && i < in.size(); i++) {
            TensorRef input = nested.inputs().get(i);
            Layer inputLayer = nested.layers().stream().filter(l -> l.name().equals(input.layer())).findFirst()
                    .orElse(null);
            Shape declared = inputLayer == null ? null : inputShape(inputLayer.config());
            overrides.put(input.layer(), one(declared != null ? declared : in.get(i)));
        }
        return infer(nested, overrides);
    }

    private static @Nullable Shape inputShape(JsonNode config) {
        JsonNode shape = config.get("batch_shape") != null ? config.get("batch_shape") : config.get("batch_input_shape");
        return shape != null && shape.isArray() ? new Shape(ConfigReader.shape(shape)) : null;
    }

    private static List<@Nullable Shape> one(@Nullable Shape shape) {
        List<@Nullable Shape> list = new ArrayList<>(1);
        list.add(shape);
        return list;
    }

    private static List<@Nullable Shape> layer(@Nullable String className, JsonNode config, List<@Nullable Shape> in) {
        if (className == null || in.isEmpty() || in.get(0) == null) {
            return one(null);
        }
        Shape x = in.get(0);
        String cls = Keras1Config.canonicalClassName(className);
        try {
            if (SAME_SHAPE.contains(cls)) {
                return one(x);
            }
            return switch (cls) {
                case "Dense" -> one(replaceLast(x, integer(config, "units")));
                case "Embedding" -> one(append(x, integer(config, "output_dim")));
                case "Flatten" -> one(flatten(x));
                case "Reshape" -> one(reshape(x, config.get("target_shape")));
                case "RepeatVector" -> one(x.rank() == 2 ? new Shape(dims(x.get(0), integer(config, "n"), x.get(1))) : null);
                case "Permute" -> one(permute(x, config.get("dims")));
                case "Concatenate" -> one(concatenate(in, config));
                case "LSTM", "GRU", "SimpleRNN" -> rnn(cls, x, config);
                case "Bidirectional" -> bidirectional(x, config);
                case "TimeDistributed" -> one(timeDistributed(x, config));
                case "Conv1D", "Conv2D", "Conv3D", "SeparableConv1D", "SeparableConv2D", "DepthwiseConv1D",
                        "DepthwiseConv2D", "Conv1DTranspose", "Conv2DTranspose", "Conv3DTranspose" ->
                        one(convolution(cls, x, config));
                case "MaxPooling1D", "MaxPooling2D", "MaxPooling3D", "AveragePooling1D", "AveragePooling2D",
                        "AveragePooling3D" -> one(pooling(x, config));
                case "GlobalMaxPooling1D", "GlobalMaxPooling2D", "GlobalMaxPooling3D", "GlobalAveragePooling1D",
                        "GlobalAveragePooling2D", "GlobalAveragePooling3D" -> one(globalPooling(x, config));
                case "ZeroPadding1D", "ZeroPadding2D", "ZeroPadding3D" -> one(padding(x, config, 1));
                case "Cropping1D", "Cropping2D", "Cropping3D" -> one(padding(x, config, -1));
                case "UpSampling1D", "UpSampling2D", "UpSampling3D" -> one(upSampling(x, config));
                case "Resizing", "CenterCrop" -> one(resize(x, config));
                default -> one(null);
            };
        } catch (RuntimeException e) {
            // an inconsistent config gives no shape; the file is judged elsewhere
            return one(null);
        }
    }

    private static List<@Nullable Long> dims(@Nullable Long... values) {
        List<@Nullable Long> list = new ArrayList<>(values.length);
        Collections.addAll(list, values);
        return list;
    }

    private static @Nullable Long integer(JsonNode config, String key) {
        JsonNode v = config.get(key);
        return v != null && v.isIntegralNumber() ? v.asLong() : null;
    }

    private static Shape replaceLast(Shape x, @Nullable Long last) {
        List<@Nullable Long> d = new ArrayList<>(x.dims());
        d.set(d.size() - 1, last);
        return new Shape(d);
    }

    private static Shape append(Shape x, @Nullable Long last) {
        List<@Nullable Long> d = new ArrayList<>(x.dims());
        d.add(last);
        return new Shape(d);
    }

    private static @Nullable Long product(List<@Nullable Long> dims) {
        long p = 1;
        for (Long d : dims) {
            if (d == null) {
                return null;
            }
            p = Math.multiplyExact(p, d);
        }
        return p;
    }

    private static Shape flatten(Shape x) {
        return new Shape(dims(x.get(0), product(x.dims().subList(1, x.rank()))));
    }

    private static @Nullable Shape reshape(Shape x, @Nullable JsonNode target) {
        if (target == null || !target.isArray()) {
            return null;
        }
        List<@Nullable Long> d = new ArrayList<>();
        d.add(x.get(0));
        int unknown = -1;
        long known = 1;
        for (JsonNode t : target) {
            long v = t.asLong();
            if (v == -1) {
                unknown = d.size();
                d.add(null);
            } else {
                known = Math.multiplyExact(known, v);
                d.add(v);
            }
        }
        Long total = product(x.dims().subList(1, x.rank()));
        if (unknown >= 0 && total != null && known != 0) {
            d.set(unknown, total / known);
        }
        return new Shape(d);
    }

    private static @Nullable Shape permute(Shape x, @Nullable JsonNode dims) {
        if (dims == null || !dims.isArray()) {
            return null;
        }
        List<@Nullable Long> d = new ArrayList<>();
        d.add(x.get(0));
        for (JsonNode i : dims) {
            d.add(x.get(i.asInt()));
        }
        return new Shape(d);
    }

    private static @Nullable Shape concatenate(List<@Nullable Shape> in, JsonNode config) {
        int axis = config.has("axis") ? config.get("axis").asInt() : -1;
        Shape first = in.get(0);
        int a = axis < 0 ? first.rank() + axis : axis;
        List<@Nullable Long> d = new ArrayList<>(first.dims());
        Long sum = 0L;
        for (Shape s : in) {
            if (s == null || s.rank() != first.rank()) {
                return null;
            }
            sum = sum == null || s.get(a) == null ? null : sum + s.get(a);
        }
        d.set(a, sum);
        return new Shape(d);
    }

    private static List<@Nullable Shape> rnn(String cls, Shape x, JsonNode config) {
        Long units = integer(config, "units");
        boolean sequences = ConfigReader.flag(config, "return_sequences", false);
        boolean timeMajor = ConfigReader.flag(config, "time_major", false);
        Shape out = sequences ? new Shape(timeMajor ? dims(x.get(0), x.get(1), units) : dims(x.get(0), x.get(1), units))
                : new Shape(dims(timeMajor ? x.get(1) : x.get(0), units));
        List<@Nullable Shape> result = one(out);
        if (ConfigReader.flag(config, "return_state", false)) {
            int states = cls.equals("LSTM") ? 2 : 1;
            for (int i = 0; i < states; i++) {
                result.add(new Shape(dims(timeMajor ? x.get(1) : x.get(0), units)));
            }
        }
        return result;
    }

    private static List<@Nullable Shape> bidirectional(Shape x, JsonNode config) {
        JsonNode inner = config.get("layer");
        if (inner == null || !inner.isObject()) {
            return one(null);
        }
        List<@Nullable Shape> forward = layer(BuiltIns.text(inner.get("class_name")), inner.path("config"), one(x));
        Shape f = forward.get(0);
        if (f == null) {
            return one(null);
        }
        String mode = config.has("merge_mode") ? BuiltIns.text(config.get("merge_mode")) : "concat";
        if (mode == null) {
            List<@Nullable Shape> both = one(f);
            both.add(f);
            return both;
        }
        return one(mode.equals("concat") ? replaceLast(f, f.get(-1) == null ? null : f.get(-1) * 2) : f);
    }

    private static @Nullable Shape timeDistributed(Shape x, JsonNode config) {
        JsonNode inner = config.get("layer");
        if (inner == null || !inner.isObject() || x.rank() < 3) {
            return null;
        }
        List<@Nullable Long> step = new ArrayList<>();
        step.add(x.get(0));
        step.addAll(x.dims().subList(2, x.rank()));
        Shape s = layer(BuiltIns.text(inner.get("class_name")), inner.path("config"), one(new Shape(step))).get(0);
        if (s == null) {
            return null;
        }
        List<@Nullable Long> d = new ArrayList<>();
        d.add(x.get(0));
        d.add(x.get(1));
        d.addAll(s.dims().subList(1, s.rank()));
        return new Shape(d);
    }

    private static boolean channelsFirst(JsonNode config) {
        return "channels_first".equals(BuiltIns.text(config.get("data_format")));
    }

    private static List<Long> ints(@Nullable JsonNode value, int rank, long fallback) {
        List<Long> out = new ArrayList<>();
        for (int i = 0; i < rank; i++) {
            if (value == null || value.isNull()) {
                out.add(fallback);
            } else if (value.isArray()) {
                out.add(value.get(Math.min(i, value.size() - 1)).asLong());
            } else {
                out.add(value.asLong());
            }
        }
        return out;
    }

    private static @Nullable Long convLength(@Nullable Long length, long kernel, long stride, long dilation,
            String padding, boolean transpose) {
        if (length == null) {
            return null;
        }
        long effective = (kernel - 1) * dilation + 1;
        if (transpose) {
            return switch (padding) {
                case "same" -> length * stride;
                default -> length * stride + Math.max(effective - stride, 0);
            };
        }
        return switch (padding) {
            case "same", "causal" -> (length + stride - 1) / stride;
            default -> (length - effective + stride) / stride;
        };
    }

    private static @Nullable Shape convolution(String cls, Shape x, JsonNode config) {
        int rank = cls.contains("1D") ? 1 : cls.contains("2D") ? 2 : 3;
        if (x.rank() != rank + 2) {
            return null;
        }
        boolean first = channelsFirst(config);
        boolean transpose = cls.endsWith("Transpose");
        List<Long> kernel = ints(config.get("kernel_size"), rank, 1);
        List<Long> strides = ints(config.get("strides"), rank, 1);
        List<Long> dilation = ints(config.get("dilation_rate"), rank, 1);
        String padding = BuiltIns.text(config.get("padding")) == null ? "valid" : BuiltIns.text(config.get("padding"));
        Long channels;
        if (cls.startsWith("Depthwise")) {
            Long in = first ? x.get(1) : x.get(-1);
            Long multiplier = integer(config, "depth_multiplier");
            channels = in == null ? null : in * (multiplier == null ? 1 : multiplier);
        } else {
            channels = integer(config, "filters");
        }
        List<@Nullable Long> d = new ArrayList<>();
        d.add(x.get(0));
        if (first) {
            d.add(channels);
        }
        for (int i = 0; i < rank; i++) {
            d.add(convLength(x.get((first ? 2 : 1) + i), kernel.get(i), strides.get(i), dilation.get(i),
                    padding.toLowerCase(java.util.Locale.ROOT), transpose));
        }
        if (!first) {
            d.add(channels);
        }
        return new Shape(d);
    }

    private static @Nullable Shape pooling(Shape x, JsonNode config) {
        int rank = x.rank() - 2;
        if (rank < 1) {
            return null;
        }
        boolean first = channelsFirst(config);
        List<Long> pool = ints(config.get("pool_size"), rank, 2);
        JsonNode stridesNode = config.get("strides");
        List<Long> strides = stridesNode == null || stridesNode.isNull() ? pool : ints(stridesNode, rank, 1);
        String padding = BuiltIns.text(config.get("padding")) == null ? "valid" : BuiltIns.text(config.get("padding"));
        List<@Nullable Long> d = new ArrayList<>(x.dims());
        for (int i = 0; i < rank; i++) {
            int axis = (first ? 2 : 1) + i;
            d.set(axis, convLength(x.get(axis), pool.get(i), strides.get(i), 1, padding, false));
        }
        return new Shape(d);
    }

    private static Shape globalPooling(Shape x, JsonNode config) {
        boolean first = channelsFirst(config);
        Long channels = first ? x.get(1) : x.get(-1);
        if (ConfigReader.flag(config, "keepdims", false)) {
            List<@Nullable Long> d = new ArrayList<>();
            for (int i = 0; i < x.rank(); i++) {
                boolean spatial = i > 0 && (first ? i > 1 : i < x.rank() - 1);
                d.add(spatial ? Long.valueOf(1) : x.get(i));
            }
            return new Shape(d);
        }
        return new Shape(dims(x.get(0), channels));
    }

    private static @Nullable Shape padding(Shape x, JsonNode config, int sign) {
        int rank = x.rank() - 2;
        JsonNode value = config.get(sign > 0 ? "padding" : "cropping");
        boolean first = channelsFirst(config);
        List<@Nullable Long> d = new ArrayList<>(x.dims());
        for (int i = 0; i < rank; i++) {
            int axis = (first ? 2 : 1) + i;
            long total;
            if (value == null || value.isNull()) {
                total = 2;
            } else if (value.isIntegralNumber()) {
                total = 2 * value.asLong();
            } else if (value.isArray() && rank == 1 && value.size() == 2 && value.get(0).isIntegralNumber()) {
                total = value.get(0).asLong() + value.get(1).asLong();
            } else if (value.isArray() && i < value.size()) {
                JsonNode v = value.get(i);
                total = v.isArray() ? v.get(0).asLong() + v.get(v.size() - 1).asLong() : 2 * v.asLong();
            } else {
                return null;
            }
            Long len = x.get(axis);
            d.set(axis, len == null ? null : len + sign * total);
        }
        return new Shape(d);
    }

    private static @Nullable Shape upSampling(Shape x, JsonNode config) {
        int rank = x.rank() - 2;
        JsonNode value = config.has("size") ? config.get("size") : config.get("length");
        List<Long> size = ints(value, rank, 2);
        boolean first = channelsFirst(config);
        List<@Nullable Long> d = new ArrayList<>(x.dims());
        for (int i = 0; i < rank; i++) {
            int axis = (first ? 2 : 1) + i;
            Long len = x.get(axis);
            d.set(axis, len == null ? null : len * size.get(i));
        }
        return new Shape(d);
    }

    private static @Nullable Shape resize(Shape x, JsonNode config) {
        if (x.rank() != 4) {
            return null;
        }
        Long h = integer(config, "height");
        Long w = integer(config, "width");
        return channelsFirst(config) ? new Shape(dims(x.get(0), x.get(1), h, w)) : new Shape(dims(x.get(0), h, w, x.get(3)));
    }
}
