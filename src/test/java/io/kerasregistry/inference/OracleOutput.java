package io.kerasregistry.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import tools.jackson.databind.JsonNode;

/**
 * An output of {@code keras-oracle} (TensorFlow.js): the inputs it fed and the outputs it got. Inputs
 * too large to commit are stored as {@code data_sha256} and regenerated from the seed.
 */
record OracleOutput(JsonNode json, Map<String, INDArray> inputs, Map<String, INDArray> outputs) {

    private static final Pattern INTS = Pattern.compile("integers in \\[0, (\\d+)\\)");

    static OracleOutput load(Path file) throws IOException {
        JsonNode j = TestCase.MAPPER.readTree(Files.readString(file));
        Map<String, INDArray> inputs = new LinkedHashMap<>();
        Mulberry32 rng = new Mulberry32(j.path("seed").asInt(1));
        for (JsonNode in : j.path("inputs")) {
            long[] shape = shape(in.get("shape"));
            float[] data;
            // the oracle draws all inputs from one stream, so every input is regenerated in order
            float[] regenerated = generate(rng, in.path("generator").asString(""), shape);
            if (in.has("data")) {
                data = TestCase.floats(in.get("data"));
            } else {
                data = regenerated;
                assertEquals(in.get("data_sha256").asString(), sha256(data),
                        "regenerated input " + in.get("name").asString() + " differs from what the oracle fed");
            }
            inputs.put(in.get("name").asString(), Nd4j.create(data, shape, 'c'));
        }
        Map<String, INDArray> outputs = new LinkedHashMap<>();
        for (JsonNode out : j.path("outputs")) {
            outputs.put(out.get("name").asString(), Nd4j.create(TestCase.floats(out.get("data")),
                    shape(out.get("shape")), 'c'));
        }
        return new OracleOutput(j, inputs, outputs);
    }

    boolean refused() {
        return json.hasNonNull("unsupported");
    }

    String unsupported() {
        return json.path("unsupported").asString("");
    }

    static long[] shape(JsonNode s) {
        long[] out = new long[s.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = s.get(i).asLong();
        }
        return out;
    }

    static float[] generate(Mulberry32 rng, String generator, long[] shape) {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        float[] data = new float[(int) n];
        Matcher m = INTS.matcher(generator);
        int range = m.find() ? Integer.parseInt(m.group(1)) : -1;
        for (int i = 0; i < data.length; i++) {
            double u = rng.next();
            data[i] = range > 0 ? (float) Math.floor(u * range) : (float) (2 * u - 1);
        }
        return data;
    }

    /** SHA-256 of the values as little-endian float32, as {@code make_oracle_fixtures.py} computes it. */
    static String sha256(float[] data) {
        ByteBuffer b = ByteBuffer.allocate(data.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float f : data) {
            b.putFloat(f);
        }
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b.array()));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    List<String> outputNames() {
        return new ArrayList<>(outputs.keySet());
    }
}
