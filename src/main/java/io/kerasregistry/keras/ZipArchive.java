package io.kerasregistry.keras;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * A {@code .keras} archive, read from its own parse of the ZIP structures rather than
 * {@code java.util.zip.ZipFile}: {@code ZipFile} silently keeps one of two entries with the same name,
 * while Python's {@code zipfile} (and so Keras) reads the other, which is how a hostile archive shows
 * a scanner one {@code model.weights.npz} and Keras another. Here the central directory and every local
 * header are read and must agree: duplicate names, local entries the central directory does not list,
 * overlapping entries, path traversal and symbolic links are refused before anything is extracted.
 *
 * <p>Sizes are checked against {@link KerasReadLimits} from the directory, and again while inflating,
 * since declared sizes can lie. STORED entries (Keras writes {@code model.weights.h5} stored, see
 * {@code keras/src/saving/saving_lib.py} {@code _save_model_to_fileobj}) are read in place.
 */
final class ZipArchive implements AutoCloseable {

    private static final int LOCAL_HEADER = 0x04034b50;
    private static final int CENTRAL_HEADER = 0x02014b50;
    private static final int END_OF_CENTRAL_DIRECTORY = 0x06054b50;
    private static final int ZIP64_END = 0x06064b50;
    private static final int ZIP64_LOCATOR = 0x07064b50;
    private static final int DATA_DESCRIPTOR = 0x08074b50;
    private static final long MAX_COMMENT = 0xffff;
    private static final int MIN_RATIO_CHECK_BYTES = 1 << 20;

    /** One entry, as the central directory and its local header agree on it. */
    record Entry(String name, int method, int flags, long crc, long compressedSize, long size,
            long localHeaderOffset, long dataOffset) {

        boolean stored() {
            return method == 0;
        }

        boolean directory() {
            return name.endsWith("/");
        }
    }

    private final Path file;
    private final FileChannel channel;
    private final long fileSize;
    private final KerasReadLimits limits;
    private final Map<String, Entry> entries;

    private ZipArchive(Path file, FileChannel channel, long fileSize, KerasReadLimits limits,
            Map<String, Entry> entries) {
        this.file = file;
        this.channel = channel;
        this.fileSize = fileSize;
        this.limits = limits;
        this.entries = entries;
    }

    static ZipArchive open(Path file, KerasReadLimits limits) {
        FileChannel channel;
        try {
            channel = FileChannel.open(file, StandardOpenOption.READ);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open " + file, e);
        }
        try {
            long size = channel.size();
            Map<String, Entry> entries = new Parser(channel, size, limits).parse();
            return new ZipArchive(file, channel, size, limits, entries);
        } catch (IOException e) {
            closeQuietly(channel);
            throw new UncheckedIOException("cannot read " + file, e);
        } catch (RuntimeException | Error e) {
            closeQuietly(channel);
            throw e;
        }
    }

    List<String> names() {
        return List.copyOf(entries.keySet());
    }

    Optional<Entry> entry(String name) {
        return Optional.ofNullable(entries.get(name));
    }

    /** A small entry (JSON), fully read into memory and CRC-checked; at most {@code maxBytes}. */
    byte[] read(Entry entry, long maxBytes) {
        checkReadable(entry);
        if (entry.size() > maxBytes) {
            throw new ModelLimitExceededException("zip entry " + entry.name() + " is " + entry.size()
                    + " bytes, more than the limit of " + maxBytes);
        }
        ByteArraySink sink = new ByteArraySink((int) entry.size());
        copy(entry, sink, maxBytes);
        return sink.bytes();
    }

    /**
     * The entry's bytes as a {@link FileRegion}: in place when STORED, else inflated into a temporary
     * file in {@code tempDirectory} (deleted when the region is closed).
     */
    FileRegion region(Entry entry, Path tempDirectory) {
        checkReadable(entry);
        if (entry.stored()) {
            return FileRegion.of(file, entry.dataOffset(), entry.size());
        }
        Path temp = null;
        try {
            temp = Files.createTempFile(tempDirectory, "keras-", ".h5");
            try (OutputStream out = Files.newOutputStream(temp)) {
                copy(entry, new StreamSink(out), limits.maxZipEntryBytes());
            }
            return FileRegion.ofTemporaryFile(temp);
        } catch (IOException e) {
            deleteQuietly(temp);
            throw new UncheckedIOException("cannot extract " + entry.name(), e);
        } catch (RuntimeException | Error e) {
            deleteQuietly(temp);
            throw e;
        }
    }

    private void checkReadable(Entry entry) {
        if ((entry.flags() & 1) != 0 || entry.method() == 99) {
            throw new UnsupportedModelException("zip entry " + entry.name() + " is encrypted");
        }
        if (entry.method() != 0 && entry.method() != 8) {
            throw new UnsupportedModelException("zip entry " + entry.name() + " uses compression method "
                    + entry.method() + "; only stored and deflated entries are read");
        }
    }

    private interface Sink {
        void write(byte[] buffer, int length) throws IOException;
    }

    private static final class ByteArraySink implements Sink {
        private byte[] bytes;
        private int length;

        ByteArraySink(int expected) {
            bytes = new byte[Math.max(16, expected)];
        }

        @Override
        public void write(byte[] buffer, int n) {
            if (length + n > bytes.length) {
                bytes = java.util.Arrays.copyOf(bytes, Math.max(bytes.length * 2, length + n));
            }
            System.arraycopy(buffer, 0, bytes, length, n);
            length += n;
        }

        byte[] bytes() {
            return java.util.Arrays.copyOf(bytes, length);
        }
    }

    private record StreamSink(OutputStream out) implements Sink {
        @Override
        public void write(byte[] buffer, int length) throws IOException {
            out.write(buffer, 0, length);
        }
    }

    /** Copies the entry's uncompressed bytes to {@code sink}, enforcing size, ratio and CRC. */
    private void copy(Entry entry, Sink sink, long maxBytes) {
        long limit = Math.min(maxBytes, entry.size());
        CRC32 crc = new CRC32();
        byte[] in = new byte[64 * 1024];
        byte[] out = new byte[64 * 1024];
        long written = 0;
        long position = entry.dataOffset();
        long remaining = entry.compressedSize();
        Inflater inflater = entry.stored() ? null : new Inflater(true);
        try {
            if (inflater == null) {
                while (remaining > 0) {
                    int n = (int) Math.min(in.length, remaining);
                    readFully(position, ByteBuffer.wrap(in, 0, n));
                    position += n;
                    remaining -= n;
                    written += n;
                    if (written > limit) {
                        throw overflow(entry, maxBytes);
                    }
                    crc.update(in, 0, n);
                    sink.write(in, n);
                }
            } else {
                long consumed = 0;
                while (!inflater.finished()) {
                    if (inflater.needsInput()) {
                        if (remaining == 0) {
                            throw new CorruptModelException("zip entry " + entry.name()
                                    + ": compressed data ends early (truncated)");
                        }
                        int n = (int) Math.min(in.length, remaining);
                        readFully(position, ByteBuffer.wrap(in, 0, n));
                        position += n;
                        remaining -= n;
                        consumed += n;
                        inflater.setInput(in, 0, n);
                    }
                    int produced = inflater.inflate(out);
                    if (produced == 0) {
                        if (inflater.needsDictionary()) {
                            throw new CorruptModelException("zip entry " + entry.name() + ": invalid deflate stream");
                        }
                        continue;
                    }
                    written += produced;
                    if (written > limit) {
                        throw overflow(entry, maxBytes);
                    }
                    if (written > MIN_RATIO_CHECK_BYTES && written / consumed > limits.maxCompressionRatio()) {
                        throw new ModelLimitExceededException("zip entry " + entry.name()
                                + " expands more than " + limits.maxCompressionRatio() + " times: zip bomb");
                    }
                    crc.update(out, 0, produced);
                    sink.write(out, produced);
                }
            }
        } catch (DataFormatException e) {
            throw new CorruptModelException("zip entry " + entry.name() + ": invalid deflate data: " + e.getMessage());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + entry.name(), e);
        } finally {
            if (inflater != null) {
                inflater.end();
            }
        }
        if (written != entry.size()) {
            throw new CorruptModelException("zip entry " + entry.name() + " holds " + written
                    + " bytes, the directory says " + entry.size());
        }
        if (crc.getValue() != entry.crc()) {
            throw new CorruptModelException("zip entry " + entry.name() + " fails its CRC check");
        }
    }

    private RuntimeException overflow(Entry entry, long maxBytes) {
        if (entry.size() <= maxBytes) {
            return new CorruptModelException("zip entry " + entry.name() + " holds more than the "
                    + entry.size() + " bytes its directory record declares");
        }
        return new ModelLimitExceededException("zip entry " + entry.name() + " is larger than the limit of "
                + maxBytes + " bytes");
    }

    private void readFully(long position, ByteBuffer dst) throws IOException {
        while (dst.hasRemaining()) {
            int n = channel.read(dst, position);
            if (n < 0) {
                throw new CorruptModelException("zip file truncated at " + position + " (" + fileSize + " bytes)");
            }
            position += n;
        }
    }

    @Override
    public void close() {
        closeQuietly(channel);
    }

    private static void closeQuietly(FileChannel channel) {
        try {
            channel.close();
        } catch (IOException e) {
            // read-only
        }
    }

    private static void deleteQuietly(Path temp) {
        if (temp != null) {
            try {
                Files.deleteIfExists(temp);
            } catch (IOException e) {
                // left to the temporary directory's cleanup
            }
        }
    }

    /** The ZIP structure parser: end record, central directory, then every local header. */
    private static final class Parser {
        private final FileChannel channel;
        private final long size;
        private final KerasReadLimits limits;

        Parser(FileChannel channel, long size, KerasReadLimits limits) {
            this.channel = channel;
            this.size = size;
            this.limits = limits;
        }

        private ByteBuffer read(long position, int length) throws IOException {
            if (position < 0 || position + length > size) {
                throw new CorruptModelException("zip structure at " + position + " runs past the end of the file ("
                        + size + " bytes): truncated or damaged");
            }
            ByteBuffer buffer = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
            long at = position;
            while (buffer.hasRemaining()) {
                int n = channel.read(buffer, at);
                if (n < 0) {
                    throw new CorruptModelException("zip file truncated");
                }
                at += n;
            }
            return buffer.flip();
        }

        Map<String, Entry> parse() throws IOException {
            if (size < 22) {
                throw new CorruptModelException("zip file truncated: " + size + " bytes");
            }
            long eocd = findEndRecord();
            ByteBuffer end = read(eocd, 22);
            int disk = end.getShort(4) & 0xffff;
            int cdDisk = end.getShort(6) & 0xffff;
            long count = end.getShort(10) & 0xffff;
            long cdSize = end.getInt(12) & 0xffffffffL;
            long cdOffset = end.getInt(16) & 0xffffffffL;
            long cdEnd = eocd;
            if (count == 0xffff || cdSize == 0xffffffffL || cdOffset == 0xffffffffL) {
                if (eocd < 20) {
                    throw new CorruptModelException("zip64 end record locator missing");
                }
                ByteBuffer locator = read(eocd - 20, 20);
                if (locator.getInt(0) != ZIP64_LOCATOR) {
                    throw new CorruptModelException("zip64 end record locator missing");
                }
                long zip64End = locator.getLong(8);
                ByteBuffer end64 = read(zip64End, 56);
                if (end64.getInt(0) != ZIP64_END) {
                    throw new CorruptModelException("zip64 end record missing at " + zip64End);
                }
                disk = end64.getInt(16);
                cdDisk = end64.getInt(20);
                count = end64.getLong(32);
                cdSize = end64.getLong(40);
                cdOffset = end64.getLong(48);
                cdEnd = zip64End;
            }
            if (disk != 0 || cdDisk != 0) {
                throw new UnsupportedModelException("multi-volume zip archives are not supported");
            }
            if (count > limits.maxZipEntries()) {
                throw new ModelLimitExceededException("zip has " + count + " entries, more than the limit of "
                        + limits.maxZipEntries());
            }
            if (cdOffset < 0 || cdSize < 0 || cdOffset + cdSize > cdEnd) {
                throw new CorruptModelException("zip central directory lies outside the file: truncated or damaged");
            }
            if (cdSize > (long) limits.maxZipEntries() * (46 + 3 * 0xffff)) {
                throw new ModelLimitExceededException("zip central directory is too large");
            }
            Map<String, Entry> entries = readCentralDirectory(cdOffset, cdSize, count);
            checkLocalHeaders(entries, cdOffset);
            return entries;
        }

        private long findEndRecord() throws IOException {
            long start = Math.max(0, size - 22 - MAX_COMMENT);
            ByteBuffer tail = read(start, (int) (size - start));
            for (int i = tail.limit() - 22; i >= 0; i--) {
                if (tail.getInt(i) == END_OF_CENTRAL_DIRECTORY) {
                    int commentLength = tail.getShort(i + 20) & 0xffff;
                    if (i + 22 + commentLength <= tail.limit()) {
                        return start + i;
                    }
                }
            }
            throw new CorruptModelException("zip end of central directory not found: truncated or not a zip");
        }

        private Map<String, Entry> readCentralDirectory(long offset, long length, long count) throws IOException {
            ByteBuffer cd = read(offset, (int) length);
            Map<String, Entry> entries = new LinkedHashMap<>();
            int at = 0;
            for (long i = 0; i < count; i++) {
                if (at + 46 > cd.limit() || cd.getInt(at) != CENTRAL_HEADER) {
                    throw new CorruptModelException("zip central directory damaged at entry " + i);
                }
                int madeBy = cd.getShort(at + 4) & 0xffff;
                int flags = cd.getShort(at + 8) & 0xffff;
                int method = cd.getShort(at + 10) & 0xffff;
                long crc = cd.getInt(at + 16) & 0xffffffffL;
                long compressed = cd.getInt(at + 20) & 0xffffffffL;
                long uncompressed = cd.getInt(at + 24) & 0xffffffffL;
                int nameLength = cd.getShort(at + 28) & 0xffff;
                int extraLength = cd.getShort(at + 30) & 0xffff;
                int commentLength = cd.getShort(at + 32) & 0xffff;
                int diskStart = cd.getShort(at + 34) & 0xffff;
                long external = cd.getInt(at + 38) & 0xffffffffL;
                long localOffset = cd.getInt(at + 42) & 0xffffffffL;
                int variable = at + 46;
                if (variable + nameLength + extraLength + commentLength > cd.limit()) {
                    throw new CorruptModelException("zip central directory damaged at entry " + i);
                }
                byte[] rawName = new byte[nameLength];
                cd.get(variable, rawName);
                String name = decodeName(rawName, (flags & 0x800) != 0);
                // zip64 extra field: the 64-bit values of whichever 32-bit fields are saturated
                int extra = variable + nameLength;
                int extraEnd = extra + extraLength;
                while (extra + 4 <= extraEnd) {
                    int id = cd.getShort(extra) & 0xffff;
                    int len = cd.getShort(extra + 2) & 0xffff;
                    if (extra + 4 + len > extraEnd) {
                        throw new CorruptModelException("zip entry " + name + " has a damaged extra field");
                    }
                    if (id == 0x0001) {
                        int p = extra + 4;
                        int end = p + len;
                        if (uncompressed == 0xffffffffL && p + 8 <= end) {
                            uncompressed = cd.getLong(p);
                            p += 8;
                        }
                        if (compressed == 0xffffffffL && p + 8 <= end) {
                            compressed = cd.getLong(p);
                            p += 8;
                        }
                        if (localOffset == 0xffffffffL && p + 8 <= end) {
                            localOffset = cd.getLong(p);
                        }
                    }
                    extra += 4 + len;
                }
                at = variable + nameLength + extraLength + commentLength;

                checkName(name);
                if (diskStart != 0) {
                    throw new UnsupportedModelException("multi-volume zip archives are not supported");
                }
                if ((madeBy >> 8) == 3 && ((external >> 16) & 0xf000) == 0xa000) {
                    throw new CorruptModelException("zip entry " + name + " is a symbolic link");
                }
                if (compressed < 0 || uncompressed < 0 || localOffset < 0) {
                    throw new CorruptModelException("zip entry " + name + " has invalid sizes");
                }
                if (uncompressed > limits.maxZipEntryBytes()) {
                    throw new ModelLimitExceededException("zip entry " + name + " is " + uncompressed
                            + " bytes uncompressed, more than the limit of " + limits.maxZipEntryBytes());
                }
                if (method == 0 && (flags & 1) == 0 && compressed != uncompressed) {
                    throw new CorruptModelException("stored zip entry " + name + " has different compressed ("
                            + compressed + ") and uncompressed (" + uncompressed + ") sizes");
                }
                if (method != 0 && uncompressed > MIN_RATIO_CHECK_BYTES
                        && (compressed == 0 || uncompressed / compressed > limits.maxCompressionRatio())) {
                    throw new ModelLimitExceededException("zip entry " + name + " declares " + uncompressed
                            + " bytes from " + compressed + " compressed bytes, a ratio above "
                            + limits.maxCompressionRatio() + ": zip bomb");
                }
                Entry entry = new Entry(name, method, flags, crc, compressed, uncompressed, localOffset, -1);
                if (entries.putIfAbsent(name, entry) != null) {
                    throw new CorruptModelException("duplicate zip entry " + name);
                }
            }
            return entries;
        }

        /**
         * Reads each entry's local header (it must name the same file), then walks the archive from the
         * start to the central directory: bytes that are not accounted for by a listed entry must hold
         * no local header, else some ZIP reader would see an entry Keras's reader does not.
         */
        private void checkLocalHeaders(Map<String, Entry> entries, long cdOffset) throws IOException {
            List<Entry> byOffset = new ArrayList<>(entries.values());
            byOffset.sort(Comparator.comparingLong(Entry::localHeaderOffset));
            Map<String, Entry> resolved = new HashMap<>();
            long cursor = 0;
            Set<String> localNames = new HashSet<>();
            for (Entry entry : byOffset) {
                long local = entry.localHeaderOffset();
                if (local < cursor) {
                    throw new CorruptModelException("zip entries overlap at " + entry.name());
                }
                scanGap(cursor, local);
                ByteBuffer header = read(local, 30);
                if (header.getInt(0) != LOCAL_HEADER) {
                    throw new CorruptModelException("zip entry " + entry.name() + " has no local header at "
                            + local + ": damaged");
                }
                int flags = header.getShort(6) & 0xffff;
                int nameLength = header.getShort(26) & 0xffff;
                int extraLength = header.getShort(28) & 0xffff;
                byte[] rawName = new byte[nameLength];
                read(local + 30, nameLength).get(rawName);
                String localName = decodeName(rawName, (flags & 0x800) != 0 || (entry.flags() & 0x800) != 0);
                if (!localName.equals(entry.name())) {
                    throw new CorruptModelException("zip entry " + entry.name() + " has a local header naming "
                            + localName);
                }
                if (!localNames.add(localName)) {
                    throw new CorruptModelException("duplicate zip entry " + localName);
                }
                long data = local + 30 + nameLength + extraLength;
                long end = data + entry.compressedSize();
                if (end > cdOffset) {
                    throw new CorruptModelException("zip entry " + entry.name()
                            + " runs into the central directory: truncated or damaged");
                }
                if ((flags & 0x8) != 0) {
                    end += descriptorLength(end, cdOffset);
                }
                resolved.put(entry.name(), new Entry(entry.name(), entry.method(), entry.flags(), entry.crc(),
                        entry.compressedSize(), entry.size(), local, data));
                cursor = end;
            }
            scanGap(cursor, cdOffset);
            entries.replaceAll((name, entry) -> resolved.get(name));
        }

        private long descriptorLength(long at, long limit) throws IOException {
            long available = limit - at;
            if (available >= 4 && read(at, 4).getInt(0) == DATA_DESCRIPTOR) {
                return available >= 24 ? 16 : Math.min(available, 16);
            }
            return Math.min(available, 12);
        }

        /** Bytes between entries must not contain another local header. */
        private void scanGap(long from, long to) throws IOException {
            long position = from;
            while (position + 4 <= to) {
                int length = (int) Math.min(64 * 1024, to - position);
                ByteBuffer chunk = read(position, length);
                for (int i = 0; i + 4 <= length; i++) {
                    if (chunk.getInt(i) == LOCAL_HEADER) {
                        throw new CorruptModelException("zip holds an entry at " + (position + i)
                                + " that its central directory does not list (duplicate or hidden zip entry)");
                    }
                }
                if (length < 4 || position + length >= to) {
                    break;
                }
                position += length - 3;
            }
        }
    }

    private static void checkName(String name) {
        if (name.isEmpty() || name.indexOf('\0') >= 0) {
            throw new CorruptModelException("zip entry with an empty or invalid name");
        }
        String normalized = name.replace('\\', '/');
        if (normalized.startsWith("/") || (normalized.length() > 1 && normalized.charAt(1) == ':')) {
            throw new CorruptModelException("zip entry " + name + " has an absolute path (path traversal)");
        }
        for (String part : normalized.split("/")) {
            if (part.equals("..")) {
                throw new CorruptModelException("zip entry " + name + " escapes the archive (path traversal)");
            }
        }
    }

    private static final Charset CP437 = cp437();

    private static Charset cp437() {
        try {
            return Charset.forName("IBM437");
        } catch (RuntimeException e) {
            return StandardCharsets.ISO_8859_1;
        }
    }

    private static String decodeName(byte[] raw, boolean utf8) {
        if (!utf8) {
            return new String(raw, CP437);
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(raw)).toString();
        } catch (CharacterCodingException e) {
            throw new CorruptModelException("zip entry name is not valid UTF-8");
        }
    }
}
