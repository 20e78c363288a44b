package io.kerasregistry.keras;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Property: whatever bytes the reader is given, it either describes a model or throws a
 * {@link KerasFileException}, within a time bound, and reading the weights of whatever it described
 * behaves the same. Seeded mutations of the real and generated files: byte flips (anywhere, and
 * concentrated in the first 4 KiB where HDF5 keeps its superblock and root headers), truncation,
 * overwritten and duplicated ranges, and, for {@code .keras} archives, a rebuilt archive whose
 * {@code config.json} is damaged (byte damage alone mostly stops at the zip CRC check).
 */
class KerasReaderFuzzTest {

    private static final int CASES_PER_FILE = Integer.getInteger("keras.fuzz.cases", 14);
    private static final long WEIGHT_ELEMENT_BUDGET = 4_000_000;

    @TempDir
    Path temp;

    private final KerasReader reader = Fixtures.reader();

    @TestFactory
    Stream<DynamicTest> mutatedFiles() {
        List<Path> sources = new ArrayList<>();
        for (Path file : Fixtures.list(Fixtures.resource("generated"))) {
            if (!file.getFileName().toString().endsWith(".json")) {
                sources.add(file);
            }
        }
        sources.addAll(Fixtures.list(Fixtures.resource("generated/hostile")));
        if (Fixtures.realAvailable()) {
            for (Path file : Fixtures.list(Fixtures.realDir())) {
                String name = file.getFileName().toString();
                if (name.endsWith(".h5") || name.endsWith(".keras")) {
                    sources.add(file);
                }
            }
        }
        List<DynamicTest> tests = new ArrayList<>();
        for (Path source : sources) {
            for (int seed = 0; seed < CASES_PER_FILE; seed++) {
                long caseSeed = source.getFileName().toString().hashCode() * 31L + seed;
                tests.add(DynamicTest.dynamicTest(source.getFileName() + " #" + seed,
                        () -> runCase(source, caseSeed)));
            }
        }
        return tests.stream();
    }

    private void runCase(Path source, long seed) throws IOException {
        Random random = new Random(seed);
        byte[] original = Files.readAllBytes(source);
        String name = source.getFileName().toString();
        byte[] mutated;
        String how;
        int kind = random.nextInt(6);
        byte[] rebuilt = kind == 5 && name.endsWith(".keras") ? damagedConfigArchive(source, random) : null;
        if (rebuilt != null) {
            mutated = rebuilt;
            how = "damaged config.json";
        } else {
            kind = kind % 5;
            mutated = mutate(original, kind, random);
            how = "mutation " + kind;
        }
        Path file = temp.resolve("case-" + seed + "-" + name);
        Files.write(file, mutated);
        Path architecture = Fixtures.architectureFor(source);
        Path architectureCopy = null;
        if (architecture != null) {
            architectureCopy = temp.resolve("case-" + seed + "-arch.json");
            byte[] json = Files.readAllBytes(architecture);
            Files.write(architectureCopy, random.nextInt(4) == 0 ? mutateText(json, random) : json);
        }
        Path arch = architectureCopy;
        Throwable failure = assertTimeoutPreemptively(Duration.ofSeconds(20), () -> attempt(file, arch),
                () -> "timed out: " + name + " seed " + seed + " (" + how + ")");
        if (failure != null) {
            throw new AssertionError(name + " seed " + seed + " (" + how + "): " + failure, failure);
        }
    }

    /** Runs the reader; returns a throwable that breaks the contract, or {@code null}. */
    private Throwable attempt(Path file, Path architecture) {
        try {
            KerasModel model = architecture == null ? reader.read(file) : reader.read(file, architecture);
            assertThat(model.layers()).isNotNull();
            if (!model.weights().layers().isEmpty()) {
                try (WeightData data = reader.openWeights(file, model)) {
                    long budget = WEIGHT_ELEMENT_BUDGET;
                    for (LayerWeights layer : model.weights().layers()) {
                        for (WeightRef weight : layer.weights()) {
                            long n = weight.elementCount();
                            if (n <= budget) {
                                budget -= n;
                                assertThat(data.readFloats(weight)).hasSize((int) n);
                            }
                        }
                    }
                }
            }
            return null;
        } catch (KerasFileException expected) {
            assertThat(expected.getMessage()).isNotBlank();
            return null;
        } catch (Throwable other) {
            return other;
        }
    }

    private static byte[] mutate(byte[] original, int kind, Random random) {
        byte[] data = original.clone();
        switch (kind) {
            case 0 -> {
                int flips = 1 + random.nextInt(16);
                for (int i = 0; i < flips; i++) {
                    data[random.nextInt(data.length)] ^= (byte) (1 << random.nextInt(8));
                }
            }
            case 1 -> {
                int flips = 1 + random.nextInt(8);
                int window = Math.min(4096, data.length);
                for (int i = 0; i < flips; i++) {
                    data[random.nextInt(window)] = (byte) random.nextInt(256);
                }
            }
            case 2 -> data = Arrays.copyOf(data, random.nextInt(data.length));
            case 3 -> {
                int at = random.nextInt(data.length);
                int length = Math.min(data.length - at, 1 + random.nextInt(64));
                byte fill = random.nextBoolean() ? (byte) 0xff : (byte) random.nextInt(256);
                Arrays.fill(data, at, at + length, fill);
            }
            default -> {
                int at = random.nextInt(data.length);
                int length = Math.min(data.length - at, 1 + random.nextInt(512));
                byte[] longer = new byte[data.length + length];
                System.arraycopy(data, 0, longer, 0, at + length);
                System.arraycopy(data, at, longer, at + length, data.length - at);
                data = longer;
            }
        }
        return data;
    }

    private static byte[] mutateText(byte[] json, Random random) {
        byte[] data = json.clone();
        if (random.nextBoolean()) {
            return Arrays.copyOf(data, random.nextInt(Math.max(1, data.length)));
        }
        String structural = "{}[]\",:0123456789ntf";
        for (int i = 0, n = 1 + random.nextInt(6); i < n && data.length > 0; i++) {
            data[random.nextInt(data.length)] = (byte) structural.charAt(random.nextInt(structural.length()));
        }
        return data;
    }

    /**
     * The same archive, rebuilt with its config.json damaged (and therefore a matching CRC); {@code null}
     * when java.util.zip cannot rebuild it (the hostile archives).
     */
    private static byte[] damagedConfigArchive(Path source, Random random) {
        try (ZipFile zip = new ZipFile(source.toFile())) {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (ZipOutputStream out = new ZipOutputStream(bytes)) {
                for (Enumeration<? extends ZipEntry> e = zip.entries(); e.hasMoreElements(); ) {
                    ZipEntry entry = e.nextElement();
                    byte[] content = zip.getInputStream(entry).readAllBytes();
                    if (entry.getName().equals("config.json")) {
                        content = mutateText(content, random);
                    }
                    ZipEntry copy = new ZipEntry(entry.getName());
                    copy.setMethod(ZipEntry.STORED);
                    copy.setSize(content.length);
                    CRC32 crc = new CRC32();
                    crc.update(content);
                    copy.setCrc(crc.getValue());
                    out.putNextEntry(copy);
                    out.write(content);
                    out.closeEntry();
                }
            }
            return bytes.toByteArray();
        } catch (IOException e) {
            return null;
        }
    }

    @TestFactory
    Stream<DynamicTest> randomBytes() {
        List<DynamicTest> tests = new ArrayList<>();
        byte[][] heads = {
            {(byte) 0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n'},
            {'P', 'K', 3, 4},
            {'P', 'K', 5, 6},
            "{\"class_name\":".getBytes(StandardCharsets.US_ASCII),
            {}
        };
        for (int seed = 0; seed < 40; seed++) {
            int s = seed;
            tests.add(DynamicTest.dynamicTest("random bytes #" + seed, () -> {
                Random random = new Random(s);
                byte[] head = heads[s % heads.length];
                byte[] data = new byte[head.length + random.nextInt(4096)];
                random.nextBytes(data);
                System.arraycopy(head, 0, data, 0, head.length);
                Path file = temp.resolve("random-" + s);
                Files.write(file, data);
                Throwable failure = assertTimeoutPreemptively(Duration.ofSeconds(20), () -> attempt(file, null));
                if (failure != null) {
                    throw new AssertionError("seed " + s + ": " + failure, failure);
                }
            }));
        }
        Collections.shuffle(tests, new Random(7));
        return tests.stream();
    }
}
