package io.kerasregistry.validation;

import static org.assertj.core.api.Assertions.assertThat;

import io.kerasregistry.support.HttpApi;
import io.kerasregistry.support.PackagedService;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * The example plug-in under {@code examples/custom-layer-plugin}, built the way its README says
 * (offline: the registry's build has downloaded everything it needs), installed into the plug-in
 * folder of the packaged service, registered as a {@code PLUGIN}, and used to validate a model with
 * a {@code MyDense} layer against reference outputs computed here.
 */
class WorkerPluginIT {

    private static final Path EXAMPLE = Path.of("examples/custom-layer-plugin");
    private static final int INPUTS = 4;
    private static final int UNITS = 3;

    @TempDir
    Path directory;

    @Test
    void theExamplePluginBuildsInstallsAndValidatesAModelAgainstItsReference() throws Exception {
        String packaged = System.getProperty("packaged.jar");
        PackagedService.Builder builder = PackagedService.in(directory);
        Path apiJar = Path.of(packaged.replaceFirst("\\.jar$", "-plugin-api.jar"));
        assertThat(apiJar).as("the registry build attaches its plug-in API jar").isRegularFile();

        Path pluginJar = buildExample(apiJar);
        Path plugins = Files.createDirectories(directory.resolve("plugins"));
        Files.copy(pluginJar, plugins.resolve(pluginJar.getFileName()));

        Random random = new Random(7);
        float[][] kernel = new float[INPUTS][UNITS];
        float[] bias = new float[UNITS];
        for (float[] row : kernel) {
            for (int j = 0; j < UNITS; j++) {
                row[j] = (float) random.nextGaussian();
            }
        }
        for (int j = 0; j < UNITS; j++) {
            bias[j] = (float) (random.nextGaussian() * 0.1);
        }
        float[][] x = {{0.5f, -1f, 0.25f, 2f}, {-0.75f, 0.1f, 1.5f, -0.3f}};
        byte[] model = PluginFixtures.customLayerModel("MyDense", "my_dense",
                "\"units\": " + UNITS + ", \"activation\": \"tanh\"", INPUTS, kernel, bias);

        try (PackagedService service = builder.property("keras-registry.plugins.path", plugins.toString()).start()) {
            HttpApi api = service.api();
            HttpResponse<byte[]> registered = api.putJson("/api/v1/custom-objects/layer/MyDense",
                    "{\"implementation\":\"PLUGIN\",\"className\":\"com.example.keras.MyDense\"}");
            assertThat(registered.statusCode()).as(HttpApi.text(registered)).isIn(200, 201);

            HttpResponse<byte[]> uploaded = api.uploadMultipart("my-dense", "file", model, "reference",
                    reference(x, kernel, bias).getBytes(StandardCharsets.UTF_8));
            assertThat(uploaded.statusCode()).as(HttpApi.text(uploaded)).isEqualTo(201);

            JsonNode version = PluginFixtures.awaitValidation(api, "my-dense", 1, Duration.ofSeconds(150));
            assertThat(version.at("/validation/status").asString()).as(version + "\n" + service.logTail())
                    .isEqualTo("PASSED");
            JsonNode report = HttpApi.json(api.get("/api/v1/models/my-dense/versions/1/validations/latest"));
            assertThat(report.at("/reference/withinTolerance").asBoolean()).as(report.toString()).isTrue();
            assertThat(report.at("/reference/maxAbsDiff").asDouble()).isLessThan(1e-5);
            assertThat(report.path("customObjectsUsed").toString()).contains("MyDense").contains("PLUGIN");
            assertThat(service.loadedNd4jNatives()).as("plug-in code runs in the worker only").isFalse();
        }
    }

    /** {@code ../../mvnw -o -q -f examples/custom-layer-plugin/pom.xml package}, from the repository root. */
    private Path buildExample(Path apiJar) throws IOException, InterruptedException {
        Path log = directory.resolve("example-build.log");
        Process build = new ProcessBuilder(Path.of("mvnw").toAbsolutePath().toString(), "-B", "-ntp", "-o", "-q",
                "-f", EXAMPLE.resolve("pom.xml").toString(), "package", "-Dregistry.api.jar=" + apiJar.toAbsolutePath())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!build.waitFor(4, TimeUnit.MINUTES)) {
            build.destroyForcibly();
            throw new AssertionError("the example plug-in did not build within 4 minutes:\n" + Files.readString(log));
        }
        assertThat(build.exitValue()).as(Files.readString(log)).isZero();
        Path jar = EXAMPLE.resolve("target/custom-layer-plugin-1.0.0.jar");
        assertThat(jar).isRegularFile();
        return jar;
    }

    /** tanh(x · kernel + bias), in double precision, as the keras-oracle reference format. */
    private static String reference(float[][] x, float[][] kernel, float[] bias) {
        List<Double> out = new ArrayList<>();
        for (float[] row : x) {
            for (int j = 0; j < UNITS; j++) {
                double z = bias[j];
                for (int i = 0; i < INPUTS; i++) {
                    z += (double) row[i] * kernel[i][j];
                }
                out.add(Math.tanh(z));
            }
        }
        String inputs = IntStream.range(0, x.length).boxed()
                .flatMap(r -> IntStream.range(0, INPUTS).mapToObj(i -> Float.toString(x[r][i])))
                .collect(Collectors.joining(", "));
        return "{\"inputs\": [{\"name\": \"input_1\", \"shape\": [" + x.length + ", " + INPUTS + "], \"data\": [" + inputs
                + "]}], \"outputs\": [{\"name\": \"my_dense\", \"shape\": [" + x.length + ", " + UNITS + "], \"data\": ["
                + out.stream().map(String::valueOf).collect(Collectors.joining(", ")) + "]}]}";
    }
}
