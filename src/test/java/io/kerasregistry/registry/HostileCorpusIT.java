package io.kerasregistry.registry;

import static org.assertj.core.api.Assertions.assertThat;

import io.kerasregistry.support.HttpApi;
import io.kerasregistry.support.PackagedService;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import java.util.zip.Deflater;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * The hostile corpus through the HTTP API of the packaged service, run with the 512 MiB heap it is
 * sized for: the committed files of {@code src/test/resources/hostile} (see its {@code MANIFEST.tsv} and
 * {@code tools/fixtures/make_hostile_corpus.py}) and the large ones written here at run time, streamed
 * (a 100 MB {@code config.json}, 100,000 layers, zip bombs inflating to a gigabyte). Each upload is
 * refused with its problem type and a detail naming the problem, or stored and failed by validation at
 * the expected check; never a 5xx. Refused uploads leave no row, blob or temporary file, and the service
 * ends healthy, without an {@code OutOfMemoryError} in its log.
 */
class HostileCorpusIT {

    private static final String PROBLEM_PREFIX = "urn:keras-registry:problem:";

    @TempDir
    static Path directory;

    private static PackagedService service;
    private static HttpApi api;
    private static final AtomicInteger MODELS = new AtomicInteger();
    private static final List<String> FAILED_MODELS = new ArrayList<>();

    /** One file to upload and what must come of it. */
    record Case(Path file, String what, String expected, String detail) {
    }

    @BeforeAll
    static void start() {
        service = PackagedService.in(directory.resolve("service")).heap("512m").start();
        api = service.api();
    }

    @AfterAll
    static void stop() {
        if (service != null) {
            service.close();
        }
    }

    @TestFactory
    Stream<DynamicTest> everyHostileFileIsRefusedOrFailsValidation() throws IOException {
        List<Case> cases = new ArrayList<>(committed());
        assertThat(cases).hasSizeGreaterThanOrEqualTo(40);
        cases.addAll(generated(Files.createDirectories(directory.resolve("generated"))));
        List<DynamicTest> tests = new ArrayList<>();
        for (Case c : cases) {
            tests.add(DynamicTest.dynamicTest(c.file().getFileName() + " (" + c.expected() + ")", () -> upload(c)));
        }
        tests.add(DynamicTest.dynamicTest("afterwards: healthy, no OutOfMemoryError, no temporary files",
                HostileCorpusIT::afterwards));
        return tests.stream();
    }

    private static void upload(Case c) throws Exception {
        String model = "hostile-" + MODELS.incrementAndGet();
        String sha256 = sha256(c.file());
        HttpResponse<byte[]> response = api.send(api.request("/api/v1/models/" + model + "/versions?filename="
                        + c.file().getFileName() + "&wait=PT60S")
                .header("Content-Type", "application/octet-stream")
                .timeout(Duration.ofMinutes(3))
                .POST(HttpRequest.BodyPublishers.ofFile(c.file())).build());
        String body = HttpApi.text(response);
        assertThat(response.statusCode()).as("%s: %s", c.what(), body).isLessThan(500);
        if (c.expected().startsWith("FAILED:")) {
            assertThat(response.statusCode()).as("%s: %s", c.what(), body).isEqualTo(201);
            synchronized (FAILED_MODELS) {
                FAILED_MODELS.add(model);
            }
            String check = c.expected().substring("FAILED:".length());
            JsonNode version = awaitValidation(model, HttpApi.json(response));
            assertThat(version.at("/validation/status").asString()).as(version.toString()).isEqualTo("FAILED");
            String report = HttpApi.text(api.get("/api/v1/models/" + model + "/versions/1/validations/latest"));
            assertThat(version.at("/validation/summary").asString()).as(report).contains(check);
            assertThat(report).contains(c.detail());
            return;
        }
        assertThat(response.statusCode()).as("%s: %s", c.what(), body).isBetween(400, 499);
        assertThat(response.headers().firstValue("Content-Type")).as(body).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/problem+json"));
        JsonNode problem = HttpApi.json(response);
        assertThat(problem.get("type").asString()).as(body).isEqualTo(PROBLEM_PREFIX + c.expected());
        assertThat(problem.get("detail").asString()).as(body).contains(c.detail());
        // nothing of the refused upload remains: no model, no version, no blob row or file, no part file
        assertThat(api.get("/api/v1/models/" + model).statusCode()).isEqualTo(404);
        assertThat(count("SELECT count(*) FROM registered_model WHERE name = ?", model)).isZero();
        assertThat(count("SELECT count(*) FROM blob WHERE sha256 = ?", sha256)).isZero();
        assertThat(service.blobs().resolve("sha256").resolve(sha256.substring(0, 2)).resolve(sha256.substring(2, 4))
                .resolve(sha256)).doesNotExist();
        assertThat(leftovers()).as("temporary files after %s", c.file().getFileName()).isEmpty();
    }

    private static JsonNode awaitValidation(String model, JsonNode version) throws InterruptedException {
        Instant deadline = Instant.now().plus(Duration.ofMinutes(2));
        while (!isFinal(version) && Instant.now().isBefore(deadline)) {
            Thread.sleep(500);
            version = HttpApi.json(api.get("/api/v1/models/" + model + "/versions/1"));
        }
        return version;
    }

    private static boolean isFinal(JsonNode version) {
        String status = version.at("/validation/status").asString();
        return status.equals("PASSED") || status.equals("FAILED") || status.equals("ERROR");
    }

    private static void afterwards() throws IOException {
        assertThat(service.status("/readyz")).isEqualTo(200);
        assertThat(Files.readString(service.log(), StandardCharsets.UTF_8)).doesNotContain("OutOfMemoryError");
        assertThat(leftovers()).isEmpty();
        // the only versions are those stored to fail their validation
        assertThat(count("SELECT count(*) FROM model_version")).isEqualTo(FAILED_MODELS.size());
        assertThat(count("SELECT count(*) FROM registered_model")).isEqualTo(FAILED_MODELS.size());
    }

    /**
     * Files an upload may have left: part files in the blob store's temporary folder, and anything in the
     * service's {@code java.io.tmpdir} but the folders the JVM and Tomcat keep there.
     */
    private static List<Path> leftovers() throws IOException {
        List<Path> found = new ArrayList<>();
        Path blobTemp = service.blobs().resolve("tmp");
        if (Files.isDirectory(blobTemp)) {
            try (Stream<Path> files = Files.walk(blobTemp)) {
                files.filter(Files::isRegularFile).filter(p -> !p.getFileName().toString().endsWith(".lock"))
                        .forEach(found::add);
            }
        }
        try (Stream<Path> files = Files.walk(service.tmp())) {
            files.filter(Files::isRegularFile)
                    .filter(p -> {
                        String relative = service.tmp().relativize(p).toString();
                        return !relative.startsWith("tomcat") && !relative.startsWith("hsperfdata")
                                && !relative.startsWith("javacpp");
                    })
                    .forEach(found::add);
        }
        return found;
    }

    private static long count(String sql, String... parameters) {
        try (Connection connection = DriverManager.getConnection(service.databaseUrl(), "postgres", "");
                PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                statement.setString(i + 1, parameters[i]);
            }
            try (ResultSet result = statement.executeQuery()) {
                result.next();
                return result.getLong(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    // ------------------------------------------------------------------ the corpus

    private static List<Case> committed() throws IOException {
        Path corpus;
        try {
            corpus = Path.of(HostileCorpusIT.class.getResource("/hostile/MANIFEST.tsv").toURI()).getParent();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
        List<Case> cases = new ArrayList<>();
        for (String line : Files.readAllLines(corpus.resolve("MANIFEST.tsv"), StandardCharsets.UTF_8)) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            String[] c = line.split("\t", -1);
            cases.add(new Case(corpus.resolve(c[0]), c[1], c[2], c[3]));
        }
        return cases;
    }

    /** The files too large to commit, streamed to disk in constant memory. */
    private static List<Case> generated(Path dir) throws IOException {
        List<Case> cases = new ArrayList<>();
        String emptyModel = "{\"module\": \"keras\", \"class_name\": \"Sequential\", "
                + "\"config\": {\"name\": \"s\", \"layers\": []}}";

        Path bigConfig = dir.resolve("config_100mb.keras");
        try (ZipOutputStream zip = zip(bigConfig, Deflater.BEST_SPEED)) {
            metadata(zip);
            zip.putNextEntry(new ZipEntry("config.json"));
            // random letters: compresses about 1.6 to 1, far from a bomb, just too large
            zip.write(emptyModel.substring(0, emptyModel.length() - 1).getBytes(StandardCharsets.UTF_8));
            zip.write(", \"padding\": \"".getBytes(StandardCharsets.UTF_8));
            Random random = new Random(9);
            byte[] chunk = new byte[1 << 20];
            for (int i = 0; i < 100; i++) {
                for (int j = 0; j < chunk.length; j++) {
                    chunk[j] = (byte) ('a' + random.nextInt(26));
                }
                zip.write(chunk);
            }
            zip.write("\"}".getBytes(StandardCharsets.UTF_8));
            zip.closeEntry();
        }
        cases.add(new Case(bigConfig, "a config.json of 100 MB", "model-limit-exceeded", "more than the limit"));

        Path manyLayers = dir.resolve("layers_100k.keras");
        try (ZipOutputStream zip = zip(manyLayers, Deflater.BEST_SPEED)) {
            metadata(zip);
            zip.putNextEntry(new ZipEntry("config.json"));
            OutputStream out = zip;
            out.write(("{\"module\": \"keras\", \"class_name\": \"Sequential\", \"config\": {\"name\": \"s\", "
                    + "\"layers\": [").getBytes(StandardCharsets.UTF_8));
            for (int i = 0; i < 100_000; i++) {
                out.write(((i == 0 ? "" : ", ") + "{\"module\": \"keras.layers\", \"class_name\": \"Dense\", "
                        + "\"config\": {\"name\": \"d" + i + "\", \"units\": " + (1 + i % 97) + "}}")
                        .getBytes(StandardCharsets.UTF_8));
            }
            out.write("]}}".getBytes(StandardCharsets.UTF_8));
            zip.closeEntry();
        }
        cases.add(new Case(manyLayers, "a Sequential of 100,000 Dense layers", "model-limit-exceeded",
                "more than 20000 layers"));

        // a gigabyte of zeros, deflated to about a megabyte: its directory says so (refused on sight), or
        // lies, declaring 150 times the compressed size (refused while inflating)
        Path honestBomb = dir.resolve("bomb_1gib.keras");
        try (ZipOutputStream zip = zip(honestBomb, Deflater.BEST_COMPRESSION)) {
            metadata(zip);
            zip.putNextEntry(new ZipEntry("config.json"));
            zip.write(emptyModel.getBytes(StandardCharsets.UTF_8));
            zip.closeEntry();
            zip.putNextEntry(new ZipEntry("model.weights.h5"));
            byte[] zeros = new byte[1 << 20];
            for (int i = 0; i < 1024; i++) {
                zip.write(zeros);
            }
            zip.closeEntry();
        }
        cases.add(new Case(honestBomb, "model.weights.h5 inflating to 1 GiB, declared", "model-limit-exceeded",
                "zip bomb"));
        Path lyingBomb = dir.resolve("bomb_1gib_understated.keras");
        Files.copy(honestBomb, lyingBomb);
        understate(lyingBomb, "model.weights.h5", 150);
        cases.add(new Case(lyingBomb, "model.weights.h5 inflating to 1 GiB, declaring 150 times its compressed size",
                "model-limit-exceeded", "zip bomb"));
        return cases;
    }

    private static ZipOutputStream zip(Path file, int level) throws IOException {
        ZipOutputStream zip = new ZipOutputStream(new BufferedOutputStream(Files.newOutputStream(file), 1 << 16));
        zip.setLevel(level);
        return zip;
    }

    private static void metadata(ZipOutputStream zip) throws IOException {
        zip.putNextEntry(new ZipEntry("metadata.json"));
        zip.write("{\"keras_version\": \"3.8.0\"}".getBytes(StandardCharsets.UTF_8));
        zip.closeEntry();
    }

    /**
     * Rewrites the uncompressed size of {@code name} in the central directory (and its data descriptor)
     * to {@code ratio} times its compressed size, as a bomb hiding from a declared-ratio check does.
     */
    private static void understate(Path file, String name, int ratio) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer all = ByteBuffer.allocate((int) channel.size()).order(ByteOrder.LITTLE_ENDIAN);
            channel.read(all, 0);
            byte[] nameBytes = name.getBytes(StandardCharsets.UTF_8);
            for (int at = 0; at + 46 < all.capacity(); at++) {
                if (all.getInt(at) != 0x02014b50) {
                    continue;
                }
                int nameLength = all.getShort(at + 28) & 0xffff;
                byte[] entryName = new byte[nameLength];
                all.get(at + 46, entryName);
                if (!java.util.Arrays.equals(entryName, nameBytes)) {
                    continue;
                }
                long compressed = all.getInt(at + 20) & 0xffffffffL;
                long local = all.getInt(at + 42) & 0xffffffffL;
                int declared = (int) (compressed * ratio);
                ByteBuffer size = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(0, declared);
                channel.write(size, at + 24);
                // the data descriptor after the entry's data: signature, crc, compressed, uncompressed
                int localName = all.getShort((int) local + 26) & 0xffff;
                int localExtra = all.getShort((int) local + 28) & 0xffff;
                long descriptor = local + 30 + localName + localExtra + compressed;
                if (all.getInt((int) descriptor) == 0x08074b50) {
                    channel.write(size.rewind(), descriptor + 12);
                }
                return;
            }
            throw new IllegalStateException("no central directory entry " + name);
        }
    }

    private static String sha256(Path file) throws IOException {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            try (var in = Files.newInputStream(file)) {
                byte[] buffer = new byte[1 << 16];
                int n;
                while ((n = in.read(buffer)) > 0) {
                    digest.update(buffer, 0, n);
                }
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }
}
