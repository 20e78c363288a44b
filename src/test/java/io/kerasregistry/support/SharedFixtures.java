package io.kerasregistry.support;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * The real Keras files in {@code ../shared/fixtures/keras-real}, read in place. Tests using them are
 * skipped, not failed, where that folder is absent.
 */
public final class SharedFixtures {

    public static final Path KERAS_REAL = Path.of("..", "shared", "fixtures", "keras-real");

    private SharedFixtures() {
    }

    public static boolean available() {
        return Files.isDirectory(KERAS_REAL);
    }

    /** Every model file (not the companion JSON), or a skipped test when the folder is absent. */
    public static List<Path> modelFiles() {
        assumeTrue(available(), "../shared/fixtures/keras-real is absent");
        try (Stream<Path> files = Files.list(KERAS_REAL)) {
            return files.filter(p -> p.toString().endsWith(".h5") || p.toString().endsWith(".keras")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static Path file(String name) {
        assumeTrue(available(), "../shared/fixtures/keras-real is absent");
        return KERAS_REAL.resolve(name);
    }
}
