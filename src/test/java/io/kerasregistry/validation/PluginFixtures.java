package io.kerasregistry.validation;

import static org.assertj.core.api.Assertions.assertThat;

import io.jhdf.HdfFile;
import io.jhdf.WritableHdfFile;
import io.jhdf.api.WritableGroup;
import io.kerasregistry.support.HttpApi;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import tools.jackson.databind.JsonNode;

/**
 * What the integration tests of isolation and plug-ins share: Keras files with one custom layer,
 * the test-only plug-in jar, and waiting for a validation to end.
 */
final class PluginFixtures {

    static final String SLEEPING = "io.kerasregistry.validation.plugins.SleepingLayer";
    static final String SEGFAULT = "io.kerasregistry.validation.plugins.SegfaultLayer";
    static final String ALLOCATING = "io.kerasregistry.validation.plugins.AllocatingLayer";

    private PluginFixtures() {
    }

    /**
     * The test-only plug-in layers as a jar in {@code folder}, the way an operator installs one: the
     * classes and a {@code META-INF/services} file naming them.
     */
    static Path testPluginJar(Path folder) {
        try {
            Files.createDirectories(folder);
            Path jar = folder.resolve("test-layers.jar");
            try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
                for (String name : List.of(SLEEPING, SEGFAULT, ALLOCATING)) {
                    String resource = name.replace('.', '/') + ".class";
                    out.putNextEntry(new JarEntry(resource));
                    try (InputStream in = PluginFixtures.class.getClassLoader().getResourceAsStream(resource)) {
                        if (in == null) {
                            throw new IllegalStateException("no compiled " + resource + " on the test class path");
                        }
                        in.transferTo(out);
                    }
                    out.closeEntry();
                }
                out.putNextEntry(new JarEntry("META-INF/services/io.kerasregistry.inference.CustomLayer"));
                out.write((SLEEPING + "\n" + SEGFAULT + "\n" + ALLOCATING + "\n").getBytes(StandardCharsets.UTF_8));
                out.closeEntry();
            }
            return jar;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A Keras 2 {@code model.save("x.h5")} file: {@code Input(inputs)} then one layer of class
     * {@code layerClass} named {@code layerName}, whose config is the usual fields plus
     * {@code extraConfig} (JSON members, without braces), with weights {@code kernel} and
     * {@code bias}.
     */
    static byte[] customLayerModel(String layerClass, String layerName, String extraConfig, int inputs,
            float[][] kernel, float[] bias) {
        String config = "{\"class_name\": \"Sequential\", \"config\": {\"name\": \"sequential\", \"layers\": ["
                + "{\"class_name\": \"InputLayer\", \"config\": {\"batch_input_shape\": [null, " + inputs
                + "], \"dtype\": \"float32\", \"sparse\": false, \"ragged\": false, \"name\": \"input_1\"}}, "
                + "{\"class_name\": \"" + layerClass + "\", \"config\": {\"name\": \"" + layerName
                + "\", \"trainable\": true, \"dtype\": \"float32\"" + (extraConfig.isEmpty() ? "" : ", " + extraConfig)
                + "}}]}}";
        try {
            Path file = Files.createTempFile("custom-layer-", ".h5");
            try {
                try (WritableHdfFile h5 = HdfFile.write(file)) {
                    h5.putAttribute("keras_version", "2.15.0");
                    h5.putAttribute("backend", "tensorflow");
                    h5.putAttribute("model_config", config);
                    WritableGroup weights = h5.putGroup("model_weights");
                    weights.putAttribute("backend", "tensorflow");
                    weights.putAttribute("keras_version", "2.15.0");
                    weights.putAttribute("layer_names", new String[] {layerName});
                    WritableGroup layer = weights.putGroup(layerName);
                    layer.putAttribute("weight_names", new String[] {layerName + "/kernel:0", layerName + "/bias:0"});
                    WritableGroup inner = layer.putGroup(layerName);
                    inner.putDataset("kernel:0", kernel);
                    inner.putDataset("bias:0", bias);
                }
                return Files.readAllBytes(file);
            } finally {
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@link #customLayerModel} with small weights the test layers ignore. */
    static byte[] testLayerModel(String layerClass, String extraConfig) {
        return customLayerModel(layerClass, layerClass.toLowerCase(java.util.Locale.ROOT), extraConfig, 4,
                new float[][] {{1, 0}, {0, 1}, {1, 1}, {0, 0}}, new float[] {0.5f, -0.5f});
    }

    /** Waits until version {@code version} of {@code model} has a final validation status; the version's JSON. */
    static JsonNode awaitValidation(HttpApi api, String model, int version, Duration limit) {
        Instant deadline = Instant.now().plus(limit);
        JsonNode body = null;
        while (Instant.now().isBefore(deadline)) {
            HttpResponse<byte[]> response = api.get("/api/v1/models/" + model + "/versions/" + version);
            assertThat(response.statusCode()).as(HttpApi.text(response)).isEqualTo(200);
            body = HttpApi.json(response);
            String status = body.at("/validation/status").asString();
            if (List.of("PASSED", "FAILED", "ERROR").contains(status)) {
                return body;
            }
            sleep(Duration.ofMillis(250));
        }
        throw new AssertionError("version " + version + " of " + model + " was not validated within " + limit
                + "; last seen: " + body);
    }

    /** The validation reports of a version, oldest first. */
    static List<JsonNode> reports(HttpApi api, String model, int version) {
        HttpResponse<byte[]> response = api.get("/api/v1/models/" + model + "/versions/" + version + "/validations");
        assertThat(response.statusCode()).as(HttpApi.text(response)).isEqualTo(200);
        List<JsonNode> all = new java.util.ArrayList<>();
        HttpApi.json(response).path("items").forEach(all::add);
        all.sort(java.util.Comparator.comparingLong(r -> r.path("id").asLong()));
        return all;
    }

    /** A Prometheus sample's value from {@code /actuator/prometheus} (0 when absent). */
    static double metric(HttpApi api, String sample) {
        HttpResponse<byte[]> response = api.get("/actuator/prometheus");
        assertThat(response.statusCode()).as(HttpApi.text(response)).isEqualTo(200);
        for (String line : HttpApi.text(response).split("\n")) {
            if (line.startsWith(sample + " ") || line.startsWith(sample + "{")) {
                return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return 0;
    }

    static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
