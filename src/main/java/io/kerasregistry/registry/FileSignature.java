package io.kerasregistry.registry;

import io.kerasregistry.common.ProblemType;
import io.kerasregistry.common.RegistryException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The first look at an upload: is it HDF5 or ZIP at all, and is it whole? Decided from signatures
 * and the sizes the containers declare, before any parsing, so "not a model file" (415) and
 * "cut short" (422) are told apart cheaply.
 */
enum FileSignature {
    HDF5, ZIP;

    private static final byte[] HDF5_MAGIC = {(byte) 0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n'};
    private static final byte[] LFS_POINTER = "version https://git-lfs".getBytes(StandardCharsets.US_ASCII);
    private static final int ZIP_LOCAL_HEADER = 0x04034b50;
    private static final int ZIP_END_OF_CENTRAL_DIRECTORY = 0x06054b50;
    /** End record (22 bytes) plus the longest comment. */
    private static final int ZIP_TAIL_SEARCH = 22 + 65535;

    static FileSignature of(Path file, String description) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = channel.size();
            if (size == 0) {
                throw new RegistryException(ProblemType.EMPTY_UPLOAD, description + " is empty");
            }
            // HDF5 allows a user block before the superblock: the signature sits at 0, 512, 1024, ...
            for (long offset = 0; offset + HDF5_MAGIC.length <= size; offset = offset == 0 ? 512 : offset * 2) {
                ByteBuffer head = read(channel, offset, 8);
                if (head.equals(ByteBuffer.wrap(HDF5_MAGIC))) {
                    checkHdf5Length(channel, offset, size, description);
                    return HDF5;
                }
            }
            ByteBuffer head = read(channel, 0, Math.min(4, size)).order(ByteOrder.LITTLE_ENDIAN);
            if (head.remaining() == 4 && (head.getInt(0) == ZIP_LOCAL_HEADER || head.getInt(0) == ZIP_END_OF_CENTRAL_DIRECTORY)) {
                checkZipEnd(channel, size, description);
                return ZIP;
            }
            if (startsWith(read(channel, 0, Math.min(LFS_POINTER.length, size)), LFS_POINTER)) {
                throw new RegistryException(ProblemType.NOT_A_MODEL_FILE, description + " is a Git LFS pointer, "
                        + "not the model it stands for: fetch it with git lfs pull");
            }
            throw new RegistryException(ProblemType.NOT_A_MODEL_FILE, description
                    + " is neither HDF5 (.h5) nor a ZIP archive (.keras): its first bytes are " + hex(read(channel, 0, Math.min(8, size))));
        }
    }

    /** The superblock records the file's end address; a shorter file was cut off. */
    private static void checkHdf5Length(FileChannel channel, long base, long size, String description) throws IOException {
        ByteBuffer superblock = read(channel, base, Math.min(size - base, 96)).order(ByteOrder.LITTLE_ENDIAN);
        if (superblock.remaining() < 12) {
            throw truncated(description, "its HDF5 superblock is incomplete");
        }
        int version = superblock.get(8) & 0xff;
        int offsetSize;
        int endOfFileField;
        if (version == 0 || version == 1) {
            offsetSize = superblock.get(13);
            endOfFileField = (version == 0 ? 24 : 28) + 2 * offsetSize;
        } else if (version == 2 || version == 3) {
            offsetSize = superblock.get(9);
            endOfFileField = 12 + 2 * offsetSize;
        } else {
            // as the reader answers it: a version HDF5 may define one day is unsupported, not damage
            throw new RegistryException(ProblemType.UNSUPPORTED_MODEL,
                    description + " has an HDF5 superblock version " + version + ", which is not supported");
        }
        if (offsetSize != 2 && offsetSize != 4 && offsetSize != 8) {
            throw new RegistryException(ProblemType.CORRUPT_MODEL,
                    description + " declares HDF5 offsets of " + offsetSize + " bytes");
        }
        if (superblock.remaining() < endOfFileField + offsetSize) {
            throw truncated(description, "its HDF5 superblock is incomplete");
        }
        long endOfFile = switch (offsetSize) {
            case 2 -> Short.toUnsignedLong(superblock.getShort(endOfFileField));
            case 4 -> Integer.toUnsignedLong(superblock.getInt(endOfFileField));
            default -> superblock.getLong(endOfFileField);
        };
        if (endOfFile != -1L && base + endOfFile > size) {
            throw truncated(description, "its HDF5 superblock declares " + (base + endOfFile) + " bytes but "
                    + size + " arrived");
        }
    }

    private static void checkZipEnd(FileChannel channel, long size, String description) throws IOException {
        long from = Math.max(0, size - ZIP_TAIL_SEARCH);
        ByteBuffer tail = read(channel, from, size - from).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = tail.limit() - 22; i >= 0; i--) {
            if (tail.getInt(i) == ZIP_END_OF_CENTRAL_DIRECTORY) {
                return;
            }
        }
        throw truncated(description, "the ZIP archive has no end-of-central-directory record");
    }

    private static RegistryException truncated(String description, String why) {
        return new RegistryException(ProblemType.CORRUPT_MODEL, description + " is truncated: " + why);
    }

    private static boolean startsWith(ByteBuffer head, byte[] prefix) {
        return head.remaining() == prefix.length && head.equals(ByteBuffer.wrap(prefix));
    }

    private static ByteBuffer read(FileChannel channel, long position, long length) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate((int) length);
        while (buffer.hasRemaining()) {
            if (channel.read(buffer, position + buffer.position()) < 0) {
                break;
            }
        }
        return buffer.flip();
    }

    private static String hex(ByteBuffer bytes) {
        StringBuilder out = new StringBuilder();
        while (bytes.hasRemaining()) {
            out.append(String.format("%02x", bytes.get() & 0xff));
        }
        return out.toString();
    }
}
