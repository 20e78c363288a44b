package io.kerasregistry.storage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.UUID;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The store's folder. Each running instance writes temporary files into its own sub-folder of
 * {@code tmp/}, held by a file lock for the life of the process: a sub-folder whose lock can be taken
 * belongs to an instance that died, and its files are removed at start. Instances sharing a volume
 * (several replicas) never delete each other's uploads in flight.
 */
@Component
class BlobDirectory implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(BlobDirectory.class);

    private final Path root;
    private final Path tempDir;
    private final FileChannel lockChannel;
    private final FileLock lock;

    BlobDirectory(StorageProperties properties) throws IOException {
        this.root = properties.path().toAbsolutePath().normalize();
        Path tmpRoot = root.resolve("tmp");
        Files.createDirectories(tmpRoot);
        Files.createDirectories(root.resolve("sha256"));
        removeStaleTempFolders(tmpRoot);
        String instance = UUID.randomUUID().toString();
        this.tempDir = Files.createDirectories(tmpRoot.resolve(instance));
        this.lockChannel = FileChannel.open(tmpRoot.resolve(instance + ".lock"),
                StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        this.lock = lockChannel.lock();
    }

    Path root() {
        return root;
    }

    Path newTempFile() throws IOException {
        return Files.createTempFile(tempDir, "upload-", ".part");
    }

    Path tempDir() {
        return tempDir;
    }

    Path blobPath(String sha256) {
        return root.resolve("sha256").resolve(sha256.substring(0, 2)).resolve(sha256.substring(2, 4)).resolve(sha256);
    }

    /** Makes a rename durable: without it a crash can forget a rename that was acknowledged. */
    void syncDirectory(Path dir) throws IOException {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }

    /** Every committed blob file, for the integrity scrub. */
    Stream<Path> blobFiles() throws IOException {
        return Files.walk(root.resolve("sha256"), 3).filter(Files::isRegularFile);
    }

    /**
     * Temporary files that no running instance owns: in the folder of an instance whose lock is free
     * (it died after this instance started, or the startup clean-up failed), or outside any folder.
     */
    java.util.List<Path> strayTempFiles() {
        Path tmpRoot = tempDir.getParent();
        java.util.List<Path> strays = new java.util.ArrayList<>();
        try (Stream<Path> entries = Files.list(tmpRoot)) {
            for (Path entry : (Iterable<Path>) entries::iterator) {
                String name = entry.getFileName().toString();
                if (entry.equals(tempDir) || name.endsWith(".lock")) {
                    continue;
                }
                if (Files.isDirectory(entry) && ownedByLiveInstance(tmpRoot.resolve(name + ".lock"))) {
                    continue;
                }
                try (Stream<Path> files = Files.walk(entry)) {
                    files.filter(Files::isRegularFile).forEach(strays::add);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return strays;
    }

    private static boolean ownedByLiveInstance(Path lockFile) {
        if (!Files.exists(lockFile)) {
            return false;
        }
        try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.WRITE);
                FileLock probe = channel.tryLock()) {
            return probe == null;
        } catch (OverlappingFileLockException ownedByThisJvm) {
            return true;
        } catch (IOException e) {
            return true;
        }
    }

    private static void removeStaleTempFolders(Path tmpRoot) throws IOException {
        try (DirectoryStream<Path> locks = Files.newDirectoryStream(tmpRoot, "*.lock")) {
            for (Path lockFile : locks) {
                try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.WRITE);
                        FileLock stale = channel.tryLock()) {
                    if (stale == null) {
                        continue;
                    }
                    String instance = lockFile.getFileName().toString().replaceFirst("\\.lock$", "");
                    deleteRecursively(tmpRoot.resolve(instance));
                    Files.deleteIfExists(lockFile);
                } catch (OverlappingFileLockException ownedByThisJvm) {
                    // Another BlobDirectory in this JVM (a second application context in tests) holds it.
                }
            }
        }
        // Temporary files left outside any instance folder are from no live instance either.
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(tmpRoot, "*.part")) {
            for (Path stray : entries) {
                Files.deleteIfExists(stray);
            }
        }
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
        log.info("Removed temporary files of an instance that is no longer running: {}", dir);
    }

    @Override
    public void close() throws IOException {
        lock.release();
        lockChannel.close();
        deleteRecursively(tempDir);
        Files.deleteIfExists(tempDir.resolveSibling(tempDir.getFileName() + ".lock"));
    }
}
