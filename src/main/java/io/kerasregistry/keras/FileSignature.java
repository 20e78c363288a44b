package io.kerasregistry.keras;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * What a file is by its first bytes, never by its name: a {@code .keras} upload may hold HDF5, and an
 * {@code .h5} may be anything. HDF5 puts its signature at 0 or, after a user block, at 512, 1024, 2048, ...
 * (HDF5 file format specification, section II.A, "Format Signature").
 */
enum FileSignature {
    HDF5("an HDF5 file"),
    ZIP("a ZIP archive"),
    LFS_POINTER("a Git LFS pointer, not the file it stands for"),
    OTHER("neither HDF5 nor ZIP");

    private static final byte[] HDF5_SIGNATURE = {(byte) 0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n'};

    private final String description;

    FileSignature(String description) {
        this.description = description;
    }

    String description() {
        return description;
    }

    static FileSignature of(Path file) {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = channel.size();
            ByteBuffer head = ByteBuffer.allocate((int) Math.min(64, size));
            channel.read(head, 0);
            FileSignature atStart = of(java.util.Arrays.copyOf(head.array(), head.position()));
            if (atStart != OTHER) {
                return atStart;
            }
            for (long offset = 512; offset + HDF5_SIGNATURE.length <= size; offset *= 2) {
                ByteBuffer probe = ByteBuffer.allocate(HDF5_SIGNATURE.length);
                channel.read(probe, offset);
                if (startsWith(probe.array(), HDF5_SIGNATURE)) {
                    return HDF5;
                }
            }
            return OTHER;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    static FileSignature of(byte[] head) {
        if (startsWith(head, HDF5_SIGNATURE)) {
            return HDF5;
        }
        if (head.length >= 4 && head[0] == 'P' && head[1] == 'K'
                && ((head[2] == 3 && head[3] == 4) || (head[2] == 5 && head[3] == 6))) {
            return ZIP;
        }
        if (new String(head, 0, Math.min(head.length, 24), StandardCharsets.ISO_8859_1)
                .startsWith("version https://git-lfs")) {
            return LFS_POINTER;
        }
        return OTHER;
    }

    private static boolean startsWith(byte[] data, byte[] prefix) {
        if (data.length < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (data[i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }
}
