package io.kerasregistry.storage;

import io.kerasregistry.common.ProblemType;
import io.kerasregistry.common.RegistryException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;
import java.util.regex.Pattern;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * The content-addressed store. A blob is written in two steps so that nothing half-written is ever
 * visible: {@link #stage} streams bytes to a private temporary file while hashing them, then
 * {@link #commit}, inside the caller's transaction, records the row and renames the file into
 * {@code sha256/ab/cd/<hash>}. An identical blob is stored once.
 */
@Component
public class BlobStore {

    /** Chunk size of the per-chunk CRC32C used to verify range reads. */
    public static final int CHUNK_SIZE = 1 << 20;

    private static final int COPY_BUFFER = 256 * 1024;
    /** As many chunk buffers as downloads that usually run at once; more are allocated and dropped. */
    private static final int MAX_IDLE_READ_BUFFERS = 32;
    private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-f]{64}");

    private final BlobDirectory directory;
    private final JdbcClient jdbc;
    private final BlobLocks locks;
    private final DirectBuffers readBuffers = new DirectBuffers(CHUNK_SIZE, MAX_IDLE_READ_BUFFERS);

    private final DownloadVerification verification;

    BlobStore(BlobDirectory directory, JdbcClient jdbc, BlobLocks locks, StorageProperties properties) {
        this.verification = properties.downloadVerification();
        this.directory = directory;
        this.jdbc = jdbc;
        this.locks = locks;
    }

    /**
     * Streams {@code in} to a temporary file, hashing as it goes; never holds the content in memory.
     *
     * @param maxBytes the most bytes accepted; more is a 413 problem and nothing is kept
     */
    public StagedBlob stage(InputStream in, long maxBytes) throws IOException {
        Path temp = directory.newTempFile();
        try (FileChannel out = FileChannel.open(temp, StandardOpenOption.WRITE)) {
            MessageDigest sha = sha256();
            ChunkChecksums.Builder chunks = new ChunkChecksums.Builder(CHUNK_SIZE);
            byte[] buffer = new byte[COPY_BUFFER];
            long size = 0;
            int n;
            while ((n = in.readNBytes(buffer, 0, buffer.length)) > 0) {
                size += n;
                if (size > maxBytes) {
                    throw new RegistryException(ProblemType.UPLOAD_TOO_LARGE,
                            "upload is larger than the limit of " + maxBytes + " bytes");
                }
                sha.update(buffer, 0, n);
                chunks.update(buffer, 0, n);
                ByteBuffer src = ByteBuffer.wrap(buffer, 0, n);
                while (src.hasRemaining()) {
                    out.write(src);
                }
            }
            out.force(true);
            return new StagedBlob(temp, HexFormat.of().formatHex(sha.digest()), size, chunks.build());
        } catch (IOException | RuntimeException | Error e) {
            Files.deleteIfExists(temp);
            throw e;
        }
    }

    /**
     * Makes a staged blob part of the store. Must run inside the transaction that records what
     * refers to the blob, so a version row and its blob row appear together or not at all.
     */
    @Transactional(propagation = Propagation.MANDATORY)
    public BlobInfo commit(StagedBlob staged) {
        locks.lockForTransaction(staged.sha256());
        jdbc.sql("""
                INSERT INTO blob (sha256, size_bytes, chunk_size, chunk_crc32c)
                VALUES (:sha, :size, :chunk, :crcs)
                ON CONFLICT (sha256) DO NOTHING""")
                .param("sha", staged.sha256())
                .param("size", staged.size())
                .param("chunk", staged.checksums().chunkSize())
                .param("crcs", staged.checksums().crcs())
                .update();
        // Replacing an existing file with freshly hashed bytes also heals a damaged copy; readers
        // holding the old file open keep reading it.
        Path target = directory.blobPath(staged.sha256());
        try {
            Files.createDirectories(target.getParent());
            Files.move(staged.file(), target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            directory.syncDirectory(target.getParent());
        } catch (IOException e) {
            throw new UncheckedIOException("could not move blob " + staged.sha256() + " into place", e);
        }
        return find(staged.sha256()).orElseThrow();
    }

    public Optional<BlobInfo> find(String sha256) {
        if (!SHA256_HEX.matcher(sha256).matches()) {
            return Optional.empty();
        }
        return jdbc.sql("SELECT sha256, size_bytes, chunk_size, chunk_crc32c, created_at FROM blob WHERE sha256 = :sha")
                .param("sha", sha256)
                .query((rs, i) -> new BlobInfo(rs.getString(1), rs.getLong(2),
                        new ChunkChecksums(rs.getInt(3), rs.getBytes(4)),
                        rs.getObject(5, java.time.OffsetDateTime.class).toInstant()))
                .optional();
    }

    /**
     * Opens a blob for reading. Its size is checked now, so a missing or resized file is reported
     * before anything is sent; its bytes are checked as they are read.
     */
    public BlobContent open(BlobInfo blob) {
        Path file = directory.blobPath(blob.sha256());
        long actual;
        try {
            actual = Files.size(file);
        } catch (IOException e) {
            throw new BlobIntegrityException("blob " + blob.sha256() + " is missing from the store");
        }
        if (actual != blob.size()) {
            throw new BlobIntegrityException("blob " + blob.sha256() + " has " + actual + " bytes on disk, "
                    + blob.size() + " were stored");
        }
        return new BlobContent(file, blob, readBuffers, verification);
    }

    /** Where a committed blob lives, for readers that need a file (the model parser, workers). */
    public Path pathOf(String sha256) {
        return directory.blobPath(sha256);
    }

    /**
     * Removes a blob that nothing refers to any more. Tables that refer to blobs do so with foreign
     * keys, so a blob still in use cannot be deleted and this returns {@code false}.
     */
    public boolean deleteIfUnreferenced(String sha256) {
        return locks.withSessionLock(sha256, () -> {
            boolean deleted = locks.tryDeleteRow(sha256);
            if (deleted) {
                try {
                    Files.deleteIfExists(directory.blobPath(sha256));
                } catch (IOException e) {
                    throw new UncheckedIOException("could not delete blob file " + sha256, e);
                }
            }
            return deleted;
        });
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JVM has no SHA-256", e);
        }
    }
}
