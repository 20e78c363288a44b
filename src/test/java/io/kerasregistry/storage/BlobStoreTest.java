package io.kerasregistry.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kerasregistry.common.ProblemType;
import io.kerasregistry.common.RegistryException;
import io.kerasregistry.support.RegistryTest;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

@RegistryTest
class BlobStoreTest {

    @Autowired
    BlobStore store;

    @Autowired
    TransactionTemplate transaction;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    StorageProperties properties;

    @Autowired
    BlobDirectory directory;

    @Autowired
    BlobLocks locks;

    @Test
    void aBlobIsStoredOnceUnderItsHashWhateverHowOftenItIsCommitted() throws IOException {
        byte[] content = random(3 * BlobStore.CHUNK_SIZE + 17, 1);

        BlobInfo first = commit(content);
        BlobInfo second = commit(content);

        assertThat(first.sha256()).isEqualTo(second.sha256()).matches("[0-9a-f]{64}");
        assertThat(first.size()).isEqualTo(content.length);
        assertThat(first.checksums().chunkCount()).isEqualTo(4);
        Path file = store.pathOf(first.sha256());
        assertThat(file).hasBinaryContent(content);
        assertThat(file.toString()).endsWith("sha256/" + first.sha256().substring(0, 2) + "/"
                + first.sha256().substring(2, 4) + "/" + first.sha256());
        assertThat(jdbc.sql("SELECT count(*) FROM blob WHERE sha256 = :s").param("s", first.sha256())
                .query(Integer.class).single()).isEqualTo(1);
    }

    @Test
    void stagingMoreThanTheLimitKeepsNothing() throws IOException {
        assertThatThrownBy(() -> store.stage(new ByteArrayInputStream(new byte[2000]), 1000))
                .isInstanceOfSatisfying(RegistryException.class,
                        e -> assertThat(e.type()).isEqualTo(ProblemType.UPLOAD_TOO_LARGE));
        try (var temp = Files.walk(properties.path().resolve("tmp"))) {
            assertThat(temp.filter(p -> p.toString().endsWith(".part"))).isEmpty();
        }
    }

    @Test
    void aFlippedByteIsNeverServedAsGood() throws IOException {
        byte[] content = random(3 * BlobStore.CHUNK_SIZE, 2);
        BlobInfo blob = commit(content);
        flipByte(store.pathOf(blob.sha256()), 2 * BlobStore.CHUNK_SIZE + 5);

        ByteArrayOutputStream received = new ByteArrayOutputStream();
        assertThatThrownBy(() -> copy(store.open(blob).openStream(0, content.length - 1), received))
                .isInstanceOf(BlobIntegrityException.class)
                .hasMessageContaining(blob.sha256());
        assertThat(received.size()).as("a damaged whole read stops short").isLessThan(content.length);

        // a range inside a healthy chunk is still served; one touching the damaged chunk is not
        ByteArrayOutputStream healthy = new ByteArrayOutputStream();
        copy(store.open(blob).openStream(10, BlobStore.CHUNK_SIZE + 10), healthy);
        assertThat(healthy.toByteArray()).isEqualTo(Arrays.copyOfRange(content, 10, BlobStore.CHUNK_SIZE + 11));
        assertThatThrownBy(() -> copy(store.open(blob).openStream(2 * BlobStore.CHUNK_SIZE, 2 * BlobStore.CHUNK_SIZE + 9),
                new ByteArrayOutputStream()))
                .isInstanceOf(BlobIntegrityException.class)
                .hasMessageContaining("bytes " + 2 * BlobStore.CHUNK_SIZE);
        assertThat(store.open(blob).verify()).isFalse();
    }

    @Test
    void verifiedChunksHandedOutAsBuffersAreTheStoredBytes() throws IOException {
        byte[] content = random(3 * BlobStore.CHUNK_SIZE + 99, 8);
        BlobInfo blob = commit(content);
        long first = BlobStore.CHUNK_SIZE - 7;
        long last = 3L * BlobStore.CHUNK_SIZE + 50;

        ByteArrayOutputStream received = new ByteArrayOutputStream();
        try (BlobContent.VerifiedStream in = store.open(blob).openStream(first, last)) {
            long n = in.transferTo(buffer -> {
                byte[] bytes = new byte[buffer.remaining()];
                buffer.get(bytes);
                received.write(bytes);
            });
            assertThat(n).isEqualTo(last - first + 1);
        }
        assertThat(received.toByteArray()).isEqualTo(Arrays.copyOfRange(content, (int) first, (int) last + 1));
        ByteArrayOutputStream whole = new ByteArrayOutputStream();
        try (InputStream in = store.open(blob).openStream(0, content.length - 1)) {
            in.transferTo(whole);
        }
        assertThat(whole.toByteArray()).isEqualTo(content);
    }

    @Test
    void bytesForgedToMatchTheirChunkSumsAreCaughtByTheSha256Mode() throws IOException {
        byte[] content = random(3 * BlobStore.CHUNK_SIZE + 5, 9);
        BlobInfo blob = commit(content);
        Path file = store.pathOf(blob.sha256());
        byte[] forged = content.clone();
        forged[BlobStore.CHUNK_SIZE + 10] ^= 0x40;
        Files.write(file, forged);
        // a forger who can write the volume makes each chunk match its CRC32C; rewriting the table
        // to the forged bytes' sums stands in for that
        ChunkChecksums.Builder sums = new ChunkChecksums.Builder(BlobStore.CHUNK_SIZE);
        sums.update(forged, 0, forged.length);
        jdbc.sql("UPDATE blob SET chunk_crc32c = :crcs WHERE sha256 = :sha")
                .param("crcs", sums.build().crcs()).param("sha", blob.sha256()).update();
        BlobInfo tampered = store.find(blob.sha256()).orElseThrow();
        BlobStore strict = new BlobStore(directory, jdbc, locks,
                new StorageProperties(properties.path(), properties.orphanGracePeriod(), DownloadVerification.SHA256));
        try {
            ByteArrayOutputStream received = new ByteArrayOutputStream();
            assertThatThrownBy(() -> copy(strict.open(tampered).openStream(0, content.length - 1), received))
                    .isInstanceOf(BlobIntegrityException.class)
                    .hasMessageContaining("hash to");
            assertThat(received.size()).as("the last chunk is held back").isLessThan(content.length);
            assertThat(store.open(tampered).verify()).isFalse();

            ByteArrayOutputStream chunksOnly = new ByteArrayOutputStream();
            copy(store.open(tampered).openStream(0, content.length - 1), chunksOnly);
            assertThat(chunksOnly.toByteArray()).as("chunk sums alone cannot see a forgery").isEqualTo(forged);
        } finally {
            Files.write(file, content);
            commit(content);
        }
    }

    @Test
    void aMissingOrResizedBlobIsReportedBeforeAnyByte() throws IOException {
        BlobInfo shortened = commit(random(5000, 3));
        try (FileChannel channel = FileChannel.open(store.pathOf(shortened.sha256()), StandardOpenOption.WRITE)) {
            channel.truncate(4000);
        }
        BlobInfo missing = commit(random(5000, 4));
        Files.delete(store.pathOf(missing.sha256()));

        assertThatThrownBy(() -> store.open(shortened)).isInstanceOf(BlobIntegrityException.class)
                .hasMessageContaining("4000 bytes on disk, 5000 were stored");
        assertThatThrownBy(() -> store.open(missing)).isInstanceOf(BlobIntegrityException.class)
                .hasMessageContaining("missing");
    }

    @Test
    void recommittingADamagedBlobHealsIt() throws IOException {
        byte[] content = random(10_000, 5);
        BlobInfo blob = commit(content);
        flipByte(store.pathOf(blob.sha256()), 100);

        commit(content);

        assertThat(store.open(blob).verify()).isTrue();
    }

    @Test
    void onlyBlobsNothingRefersToAreDeleted() throws IOException {
        BlobInfo used = commit(random(1000, 6));
        BlobInfo unused = commit(random(1000, 7));
        transaction.executeWithoutResult(status -> {
            long model = jdbc.sql("INSERT INTO registered_model (name, created_by) VALUES ('blob-user', 't') RETURNING id")
                    .query(Long.class).single();
            jdbc.sql("INSERT INTO model_version (model_id, version, format, blob_sha256, created_by) "
                    + "VALUES (:m, 1, 'KERAS_H5', :s, 't')").param("m", model).param("s", used.sha256()).update();
        });

        assertThat(store.deleteIfUnreferenced(used.sha256())).isFalse();
        assertThat(store.deleteIfUnreferenced(unused.sha256())).isTrue();

        assertThat(store.pathOf(used.sha256())).exists();
        assertThat(store.pathOf(unused.sha256())).doesNotExist();
        assertThat(store.find(unused.sha256())).isEmpty();
    }

    @Test
    void temporaryFilesOfADeadInstanceAreRemovedAtStartAndThoseOfALiveOneKept() throws IOException {
        Path root = Files.createTempDirectory("blob-dir-");
        Path tmp = Files.createDirectories(root.resolve("tmp"));
        Path dead = Files.createDirectories(tmp.resolve("dead-instance"));
        Files.writeString(dead.resolve("upload-1.part"), "half an upload");
        Files.createFile(tmp.resolve("dead-instance.lock"));
        Files.writeString(tmp.resolve("stray.part"), "older layout");

        try (BlobDirectory live = new BlobDirectory(new StorageProperties(root, java.time.Duration.ofHours(1), DownloadVerification.CHUNKS))) {
            Path inFlight = live.newTempFile();
            try (BlobDirectory second = new BlobDirectory(new StorageProperties(root, java.time.Duration.ofHours(1), DownloadVerification.CHUNKS))) {
                assertThat(dead).doesNotExist();
                assertThat(tmp.resolve("stray.part")).doesNotExist();
                assertThat(inFlight).as("an upload in flight in another live instance").exists();
                assertThat(second.tempDir()).exists();
            }
        }
    }

    private BlobInfo commit(byte[] content) throws IOException {
        StagedBlob staged = store.stage(new ByteArrayInputStream(content), Long.MAX_VALUE);
        try (staged) {
            return transaction.execute(status -> store.commit(staged));
        }
    }

    private static void copy(InputStream in, ByteArrayOutputStream out) throws IOException {
        try (in) {
            byte[] buffer = new byte[64 * 1024];
            int n;
            while ((n = in.read(buffer)) >= 0) {
                out.write(buffer, 0, n);
            }
        }
    }

    private static void flipByte(Path file, long position) throws IOException {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.seek(position);
            int b = raf.read();
            raf.seek(position);
            raf.write(b ^ 0x01);
        }
    }

    private static byte[] random(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }
}
