package io.kerasregistry.keras;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Where the test files are: the shared real files beside the project, and the generated ones. */
final class Fixtures {

    static final JsonMapper JSON = JsonMapper.builder().build();

    private Fixtures() {
    }

    /**
     * {@code ../shared/fixtures/keras-real} (or the system property {@code keras.realFixtures}); tests
     * using it skip when it is absent.
     */
    static Path realDir() {
        String override = System.getProperty("keras.realFixtures");
        return override != null ? Path.of(override) : Path.of("..", "shared", "fixtures", "keras-real");
    }

    static boolean realAvailable() {
        return Files.isDirectory(realDir());
    }

    static Path real(String name) {
        assumeTrue(realAvailable(), "real Keras fixtures not present at " + realDir().toAbsolutePath());
        Path file = realDir().resolve(name);
        assumeTrue(Files.isRegularFile(file), "real fixture " + name + " not present");
        return file;
    }

    static Path resource(String path) {
        try {
            return Path.of(Fixtures.class.getResource("/keras/" + path).toURI());
        } catch (URISyntaxException | NullPointerException e) {
            throw new IllegalStateException("missing test resource keras/" + path, e);
        }
    }

    static Path generated(String name) {
        return resource("generated/" + name);
    }

    static Path hostile(String name) {
        return resource("generated/hostile/" + name);
    }

    static List<Path> list(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(Files::isRegularFile).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static JsonNode readJson(Path file) {
        return JSON.readTree(file);
    }

    static KerasReader reader() {
        return new KerasReader(KerasReadLimits.defaults());
    }

    /** Reads a fixture the way it is meant to be read: alone, or with its architecture JSON. */
    static KerasModel read(KerasReader reader, Path file) {
        Path architecture = architectureFor(file);
        return architecture == null ? reader.read(file) : reader.read(file, architecture);
    }

    static Path architectureFor(Path file) {
        String name = file.getFileName().toString();
        if (!name.endsWith(".h5")) {
            return null;
        }
        String stem = name.substring(0, name.length() - 3);
        for (String candidate : List.of(stem + ".model.json", stem + ".json",
                stem.replaceFirst("\\.weights$", "") + ".model.json")) {
            Path path = file.resolveSibling(candidate);
            if (Files.isRegularFile(path)) {
                return path;
            }
        }
        return null;
    }
}
