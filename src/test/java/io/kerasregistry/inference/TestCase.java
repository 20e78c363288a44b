package io.kerasregistry.inference;

import io.kerasregistry.keras.Call;
import io.kerasregistry.keras.KerasModel;
import io.kerasregistry.keras.Layer;
import io.kerasregistry.keras.LayerWeights;
import io.kerasregistry.keras.ModelFormat;
import io.kerasregistry.keras.Network;
import io.kerasregistry.keras.RegularizerKind;
import io.kerasregistry.keras.RegularizerRef;
import io.kerasregistry.keras.TensorRef;
import io.kerasregistry.keras.WeightRef;
import io.kerasregistry.keras.WeightsManifest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * A case written by {@code tools/fixtures/make_inference_cases.py}: a model description built by
 * hand (no file reader involved), its weights, inputs and the outputs numpy computed following
 * Keras's definitions.
 */
record TestCase(String name, String description, JsonNode json, KerasModel model, InMemoryWeightData weights,
        Map<String, INDArray> inputs, List<INDArray> outputs) {

    static final ObjectMapper MAPPER = JsonMapper.builder().build();

    static TestCase load(Path file) throws IOException {
        JsonNode j = MAPPER.readTree(Files.readString(file));
        return fromJson(j);
    }

    static TestCase fromJson(JsonNode j) {
        InMemoryWeightData wd = new InMemoryWeightData();
        List<LayerWeights> lws = new ArrayList<>();
        JsonNode weights = j.path("weights");
        for (var e : weights.properties()) {
            List<WeightRef> refs = new ArrayList<>();
            int i = 0;
            for (JsonNode w : e.getValue()) {
                List<Long> shape = new ArrayList<>();
                w.get("shape").forEach(d -> shape.add(d.asLong()));
                String loc = "/" + e.getKey() + "/" + i++;
                refs.add(new WeightRef(w.get("name").asString(), shape, "float32", loc));
                wd.put(loc, floats(w.get("data")));
            }
            lws.add(new LayerWeights(e.getKey(), refs));
        }
        List<RegularizerRef> regs = new ArrayList<>();
        for (JsonNode r : j.path("regularizers")) {
            regs.add(new RegularizerRef(r.get("layer").asString(), r.get("attribute").asString(),
                    r.get("attribute").asString(), RegularizerKind.valueOf(r.get("kind").asString()),
                    dbl(r.get("l1")), dbl(r.get("l2")), dbl(r.get("factor")),
                    r.hasNonNull("mode") ? r.get("mode").asString() : null, r.get("name").asString(),
                    r.path("config")));
        }
        Network net = network(j.get("model"), "");
        String version = j.hasNonNull("keras_version") ? j.get("keras_version").asString() : null;
        ModelFormat fmt = ModelFormat.valueOf(j.path("format").asString("KERAS_H5"));
        KerasModel model = new KerasModel(fmt, version, "tensorflow", net.className(), false, j.get("model"), null,
                net, List.of(), List.of(), List.of(), regs, List.of(), List.of(), List.of(), List.of(),
                new WeightsManifest(lws));
        Map<String, INDArray> inputs = new LinkedHashMap<>();
        for (var e : j.path("inputs").properties()) {
            inputs.put(e.getKey(), array(e.getValue()));
        }
        List<INDArray> outputs = new ArrayList<>();
        for (JsonNode o : j.path("outputs")) {
            outputs.add(array(o));
        }
        return new TestCase(j.get("name").asString(), j.path("description").asString(""), j, model, wd, inputs,
                outputs);
    }

    private static Double dbl(JsonNode n) {
        return n == null || n.isNull() ? null : n.asDouble();
    }

    static Network network(JsonNode n, String prefix) {
        List<Layer> layers = new ArrayList<>();
        for (JsonNode l : n.get("layers")) {
            String name = l.get("name").asString();
            String path = prefix.isEmpty() ? name : prefix + "/" + name;
            Network nested = l.hasNonNull("nested") ? network(l.get("nested"), path) : null;
            List<Call> calls = new ArrayList<>();
            for (JsonNode c : l.path("calls")) {
                Map<String, JsonNode> kwargs = new LinkedHashMap<>();
                for (var kv : c.path("kwargs").properties()) {
                    kwargs.put(kv.getKey(), kv.getValue());
                }
                calls.add(new Call(refs(c.get("inputs")), kwargs));
            }
            layers.add(new Layer(name, l.get("class_name").asString(), path, l.path("config"),
                    l.path("trainable").asBoolean(true), nested, calls));
        }
        return new Network(n.get("name").asString(), n.path("class_name").asString("Functional"), layers,
                refs(n.get("inputs")), refs(n.get("outputs")));
    }

    private static List<TensorRef> refs(JsonNode arr) {
        List<TensorRef> out = new ArrayList<>();
        for (JsonNode r : arr) {
            out.add(new TensorRef(r.get(0).asString(), r.get(1).asInt(), r.get(2).asInt()));
        }
        return out;
    }

    static INDArray array(JsonNode a) {
        long[] shape = new long[a.get("shape").size()];
        for (int i = 0; i < shape.length; i++) {
            shape[i] = a.get("shape").get(i).asLong();
        }
        float[] data = floats(a.get("data"));
        return Nd4j.create(data, shape, 'c').castTo(DataType.FLOAT);
    }

    static float[] floats(JsonNode arr) {
        float[] f = new float[arr.size()];
        for (int i = 0; i < f.length; i++) {
            JsonNode v = arr.get(i);
            f[i] = v.isString() ? Float.parseFloat(v.asString().replace("Infinity", "Infinity")) : (float) v.asDouble();
        }
        return f;
    }
}
