package io.kerasregistry.registry;

import io.jhdf.HdfFile;
import io.jhdf.WritableHdfFile;
import io.jhdf.api.WritableGroup;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Valid Keras files written in the tests themselves (with jhdf's writer), in the layout Keras 2's
 * {@code model.save("x.h5")} produces: root attributes {@code keras_version}, {@code backend},
 * {@code model_config}; {@code model_weights/<layer>/<layer>/kernel:0} with {@code layer_names} and
 * {@code weight_names} attributes. Sizes and values vary with the arguments, so tests can make as
 * many distinct models as they need.
 */
public final class TestModels {

    private TestModels() {
    }

    /** A Sequential stack of Dense layers, about {@code bytes} bytes of file, distinct for each size. */
    public static byte[] denseH5(int bytes) {
        int width = Math.max(2, (int) Math.sqrt(bytes / 4.0));
        return dense(width, new int[] {width, 3}, bytes);
    }

    /** A Sequential model: {@code inputs} features through Dense layers of the given units. */
    public static byte[] dense(int inputs, int[] units, long seed) {
        try {
            Path file = Files.createTempFile("model-", ".h5");
            try {
                writeDense(file, inputs, units, seed);
                return Files.readAllBytes(file);
            } finally {
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void writeDense(Path file, int inputs, int[] units, long seed) {
        Random random = new Random(seed);
        List<String> layers = new ArrayList<>();
        StringBuilder config = new StringBuilder("{\"class_name\": \"Sequential\", \"config\": {\"name\": \"sequential\", "
                + "\"layers\": [{\"class_name\": \"InputLayer\", \"config\": {\"batch_input_shape\": [null, " + inputs
                + "], \"dtype\": \"float32\", \"sparse\": false, \"ragged\": false, \"name\": \"input_1\"}}");
        for (int i = 0; i < units.length; i++) {
            String name = i == 0 ? "dense" : "dense_" + i;
            layers.add(name);
            config.append(", {\"class_name\": \"Dense\", \"config\": {\"name\": \"").append(name)
                    .append("\", \"trainable\": true, \"dtype\": \"float32\", \"units\": ").append(units[i])
                    .append(", \"activation\": \"").append(i == units.length - 1 ? "softmax" : "relu")
                    .append("\", \"use_bias\": true, \"kernel_initializer\": {\"class_name\": \"GlorotUniform\", "
                            + "\"config\": {\"seed\": null}}, \"bias_initializer\": {\"class_name\": \"Zeros\", "
                            + "\"config\": {}}, \"kernel_regularizer\": null, \"bias_regularizer\": null, "
                            + "\"activity_regularizer\": null, \"kernel_constraint\": null, \"bias_constraint\": null}}");
        }
        config.append("]}}");
        try (WritableHdfFile h5 = HdfFile.write(file)) {
            h5.putAttribute("keras_version", "2.15.0");
            h5.putAttribute("backend", "tensorflow");
            h5.putAttribute("model_config", config.toString());
            WritableGroup weights = h5.putGroup("model_weights");
            weights.putAttribute("layer_names", layers.toArray(new String[0]));
            weights.putAttribute("backend", "tensorflow");
            weights.putAttribute("keras_version", "2.15.0");
            int in = inputs;
            for (int i = 0; i < units.length; i++) {
                String name = layers.get(i);
                WritableGroup layer = weights.putGroup(name);
                layer.putAttribute("weight_names", new String[] {name + "/kernel:0", name + "/bias:0"});
                WritableGroup inner = layer.putGroup(name);
                float[][] kernel = new float[in][units[i]];
                for (float[] row : kernel) {
                    for (int j = 0; j < row.length; j++) {
                        row[j] = (float) (random.nextGaussian() * 0.1);
                    }
                }
                float[] bias = new float[units[i]];
                for (int j = 0; j < bias.length; j++) {
                    bias[j] = (float) (random.nextGaussian() * 0.01);
                }
                inner.putDataset("kernel:0", kernel);
                inner.putDataset("bias:0", bias);
                in = units[i];
            }
        }
    }
}
