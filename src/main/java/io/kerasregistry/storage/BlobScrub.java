package io.kerasregistry.storage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Compares the {@code blob} table with the files of the store. It reads the table and the folder
 * while uploads and deletions go on, so every difference it sees is checked a second time against
 * the database before it is reported: a row deleted or committed meanwhile is not a problem.
 */
@Component
public class BlobScrub {

    private final BlobDirectory directory;
    private final BlobStore store;
    private final JdbcClient jdbc;
    private final StorageProperties properties;
    private final Clock clock;

    BlobScrub(BlobDirectory directory, BlobStore store, JdbcClient jdbc, StorageProperties properties) {
        this.directory = directory;
        this.store = store;
        this.jdbc = jdbc;
        this.properties = properties;
        this.clock = Clock.systemUTC();
    }

    /** What one pass found. */
    public record Result(long blobsChecked, long bytesChecked, long filesChecked, List<Finding> findings) {
    }

    /**
     * One difference.
     *
     * @param sha256 the blob concerned, {@code null} for a temporary file
     * @param path   the file concerned relative to the store's root, {@code null} for a missing file
     */
    public record Finding(Kind kind, @org.jspecify.annotations.Nullable String sha256,
            @org.jspecify.annotations.Nullable String path, String detail) {
    }

    public enum Kind {
        MISSING_BLOB, SIZE_MISMATCH, HASH_MISMATCH, ORPHAN_BLOB, STRAY_TEMP_FILE
    }

    /**
     * Checks every blob row against its file (sizes, and the SHA-256 when {@code verify}), then every
     * file against the rows, then the temporary area.
     */
    public Result run(boolean verify) {
        List<Finding> findings = new ArrayList<>();
        Set<String> known = new HashSet<>();
        long[] bytes = {0};
        List<String> rows = jdbc.sql("SELECT sha256 FROM blob ORDER BY sha256").query(String.class).list();
        for (String sha256 : rows) {
            // Re-read each row: it may have been deleted since the listing.
            BlobInfo blob = store.find(sha256).orElse(null);
            if (blob == null) {
                continue;
            }
            known.add(sha256);
            Finding finding = check(blob, verify, bytes);
            if (finding != null && store.find(sha256).isPresent()) {
                findings.add(finding);
            }
        }
        long files = 0;
        Instant orphanBefore = clock.instant().minus(properties.orphanGracePeriod());
        try (Stream<Path> blobFiles = directory.blobFiles()) {
            for (Path file : (Iterable<Path>) blobFiles::iterator) {
                files++;
                String name = file.getFileName().toString();
                if (known.contains(name) || !olderThan(file, orphanBefore) || store.find(name).isPresent()) {
                    continue;
                }
                findings.add(new Finding(Kind.ORPHAN_BLOB, name, relative(file),
                        "a file in the store without a database row"));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        for (Path stray : directory.strayTempFiles()) {
            findings.add(new Finding(Kind.STRAY_TEMP_FILE, null, relative(stray),
                    "a temporary file no running instance owns"));
        }
        return new Result(known.size(), bytes[0], files, List.copyOf(findings));
    }

    private @org.jspecify.annotations.Nullable Finding check(BlobInfo blob, boolean verify, long[] bytes) {
        Path file = directory.blobPath(blob.sha256());
        long actual;
        try {
            actual = Files.size(file);
        } catch (IOException missing) {
            return new Finding(Kind.MISSING_BLOB, blob.sha256(), null,
                    "the database records " + blob.size() + " bytes, the file is missing");
        }
        if (actual != blob.size()) {
            return new Finding(Kind.SIZE_MISMATCH, blob.sha256(), relative(file),
                    "the database records " + blob.size() + " bytes, the file has " + actual);
        }
        if (!verify) {
            return null;
        }
        try {
            bytes[0] += actual;
            if (!new BlobContent(file, blob, null, DownloadVerification.CHUNKS).verify()) {
                return new Finding(Kind.HASH_MISMATCH, blob.sha256(), relative(file),
                        "the file's bytes no longer hash to its name");
            }
        } catch (IOException e) {
            return new Finding(Kind.MISSING_BLOB, blob.sha256(), relative(file), "the file cannot be read: " + e);
        }
        return null;
    }

    private static boolean olderThan(Path file, Instant limit) {
        try {
            return Files.getLastModifiedTime(file).toInstant().isBefore(limit);
        } catch (IOException gone) {
            return false;
        }
    }

    private String relative(Path file) {
        return directory.root().relativize(file).toString();
    }
}
