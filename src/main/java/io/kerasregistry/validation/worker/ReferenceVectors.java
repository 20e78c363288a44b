package io.kerasregistry.validation.worker;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reference inputs and outputs in the format {@code keras-oracle} writes (and a few lines of Python
 * with Keras produce): {@code {"inputs": [{"name", "shape", "data"}], "outputs": [...]}}, data
 * row-major, non-finite numbers as the strings {@code "NaN"}, {@code "Infinity"}, {@code "-Infinity"}.
 * Optional {@code "layers"} entries of the same form hold intermediate outputs, which let a report
 * name the first layer that diverges.
 */
record ReferenceVectors(List<Tensor> inputs, List<Tensor> outputs, List<Tensor> layers) {

    record Tensor(String name, long[] shape, double[] data) {
    }

    static ReferenceVectors read(Path file, JsonMapper json) throws IOException {
        JsonNode root = json.readTree(Files.readAllBytes(file));
        if (!root.isObject() || !root.path("outputs").isArray()) {
            throw new IOException("the reference must be an object with 'inputs' and 'outputs' arrays");
        }
        return new ReferenceVectors(tensors(root.path("inputs")), tensors(root.path("outputs")),
                tensors(root.path("layers")));
    }

    private static List<Tensor> tensors(JsonNode array) throws IOException {
        List<Tensor> out = new ArrayList<>();
        for (JsonNode t : array) {
            String name = t.path("name").asString("");
            JsonNode shapeNode = t.path("shape");
            long[] shape = new long[shapeNode.size()];
            long elements = 1;
            for (int i = 0; i < shape.length; i++) {
                shape[i] = shapeNode.get(i).asLong();
                elements *= shape[i];
            }
            JsonNode data = t.path("data");
            if (data.size() != elements) {
                throw new IOException("reference tensor '" + name + "' declares " + elements + " values but holds "
                        + data.size());
            }
            double[] values = new double[data.size()];
            for (int i = 0; i < values.length; i++) {
                values[i] = number(data.get(i));
            }
            out.add(new Tensor(name, shape, values));
        }
        return out;
    }

    private static double number(JsonNode v) throws IOException {
        if (v.isNumber()) {
            return v.asDouble();
        }
        return switch (v.asString("")) {
            case "NaN" -> Double.NaN;
            case "Infinity" -> Double.POSITIVE_INFINITY;
            case "-Infinity" -> Double.NEGATIVE_INFINITY;
            default -> throw new IOException("reference value " + v + " is not a number");
        };
    }
}
