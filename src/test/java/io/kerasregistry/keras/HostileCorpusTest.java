package io.kerasregistry.keras;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The hostile corpus ({@code src/test/resources/hostile}, written by
 * {@code tools/fixtures/make_hostile_corpus.py}) read directly, without the service: each file is
 * refused with the exception behind its expected problem type, or read with the UNSAFE finding that
 * fails its security scan. {@code HostileCorpusIT} sends the same files through the HTTP API.
 */
class HostileCorpusTest {

    /** One line of {@code hostile/MANIFEST.tsv}. */
    record Entry(String file, String what, String expected, String detail) {
    }

    static Path directory() {
        try {
            return Path.of(HostileCorpusTest.class.getResource("/hostile/MANIFEST.tsv").toURI()).getParent();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static List<Entry> manifest() {
        try {
            return Files.readAllLines(directory().resolve("MANIFEST.tsv"), StandardCharsets.UTF_8).stream()
                    .filter(line -> !line.isBlank() && !line.startsWith("#"))
                    .map(line -> line.split("\t", -1))
                    .map(c -> new Entry(c[0], c[1], c[2], c[3]))
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The problem type slug the API answers for a reader exception, as the API maps it. */
    static String slug(KerasFileException e) {
        if (e instanceof NotAModelFileException) {
            return "not-a-model-file";
        }
        if (e instanceof UnsupportedModelException) {
            return "unsupported-model";
        }
        if (e instanceof ModelLimitExceededException) {
            return "model-limit-exceeded";
        }
        return "corrupt-model";
    }

    private final KerasReader reader = Fixtures.reader();

    @TestFactory
    Stream<DynamicTest> everyFileIsRefusedOrFlagged() {
        List<Entry> entries = manifest();
        assertThat(entries).hasSizeGreaterThanOrEqualTo(40);
        return entries.stream().map(entry -> DynamicTest.dynamicTest(entry.file(), () ->
                assertTimeoutPreemptively(Duration.ofSeconds(20), () -> check(entry))));
    }

    private void check(Entry entry) {
        Path file = directory().resolve(entry.file());
        String outcome;
        String text;
        try {
            KerasModel model = reader.read(file);
            List<Finding> unsafe = model.findings().stream()
                    .filter(f -> f.severity() == Finding.Severity.UNSAFE).toList();
            outcome = unsafe.isEmpty() ? "READ" : "FAILED:security-scan";
            text = unsafe.toString();
            if (unsafe.isEmpty() && entry.expected().startsWith("FAILED:")) {
                // found by a later validation check, which only the running service performs
                assertThat(entry.expected()).isNotEqualTo("FAILED:security-scan");
                return;
            }
        } catch (KerasFileException e) {
            outcome = slug(e);
            text = e.getMessage();
        }
        assertThat(outcome + " " + text).as(entry.what()).startsWith(entry.expected() + " ").contains(entry.detail());
    }
}
