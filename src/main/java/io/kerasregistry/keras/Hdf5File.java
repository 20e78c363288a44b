package io.kerasregistry.keras;

import io.jhdf.HdfFile;
import io.jhdf.api.Attribute;
import io.jhdf.api.Dataset;
import io.jhdf.api.Group;
import io.jhdf.api.Node;
import io.jhdf.api.dataset.ContiguousDataset;
import io.jhdf.object.datatype.BitField;
import io.jhdf.object.datatype.DataType;
import io.jhdf.object.datatype.EnumDataType;
import io.jhdf.object.datatype.FixedPoint;
import io.jhdf.object.datatype.FloatingPoint;
import io.jhdf.object.datatype.OpaqueDataType;
import io.jhdf.object.datatype.StringData;
import io.jhdf.object.datatype.VariableLength;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * An HDF5 file opened with jhdf, with every call guarded: jhdf was written for trusted files, and a
 * hostile one can make it throw anything from {@code IllegalArgumentException} to
 * {@code StackOverflowError} (cyclic B-trees) or {@code OutOfMemoryError} (a header declaring a
 * gigabyte-long block). All of these become {@link CorruptModelException}s naming the file part
 * concerned, so that callers only ever see {@link KerasFileException}s.
 *
 * <p>Regions up to 2 GiB are opened from a memory-mapped buffer, where jhdf slices instead of
 * allocating, so out-of-range addresses fail without allocating anything. Before jhdf sees the file,
 * the superblock's end-of-file address is checked against the real size: a truncated upload is
 * reported as such instead of as whatever structure happens to be cut off.
 */
final class Hdf5File implements AutoCloseable {

    private static final byte[] SIGNATURE = {(byte) 0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n'};

    /** A dataset's shape, dtype and, for contiguous storage, where its bytes are. */
    record DatasetInfo(List<Long> shape, String dtype, @Nullable RawLayout raw) {
    }

    /** Where a contiguous dataset's elements lie in the file, for streaming reads without jhdf arrays. */
    record RawLayout(long address, long byteLength, int elementSize, ByteOrder order, Kind kind) {
        enum Kind { FLOAT, SIGNED_INT, UNSIGNED_INT, BFLOAT16 }
    }

    private final FileRegion region;
    private final HdfFile hdf;
    private final String description;
    private final long baseAddress;

    private Hdf5File(FileRegion region, HdfFile hdf, String description, long baseAddress) {
        this.region = region;
        this.hdf = hdf;
        this.description = description;
        this.baseAddress = baseAddress;
    }

    /** Opens the HDF5 data in {@code region}; takes ownership of the region (closed on failure too). */
    static Hdf5File open(FileRegion region, String description) {
        try {
            long base = checkSuperblock(region, description);
            HdfFile hdf = guard(description, "opening", () -> region.mappable()
                    ? HdfFile.fromByteBuffer(region.buffer())
                    : new HdfFile(region.windowChannel()));
            Hdf5File file = new Hdf5File(region, hdf, description, base);
            // the root group's header is read lazily; read it now so that damage shows here
            file.call("reading the root group", () -> hdf.getAttributes().size());
            return file;
        } catch (RuntimeException | Error e) {
            region.close();
            throw e;
        }
    }

    String description() {
        return description;
    }

    Group root() {
        return hdf;
    }

    FileRegion region() {
        return region;
    }

    /** Deeper than any Keras layout: Keras 3 nests a few groups per nested model. */
    private static final int MAX_GROUP_DEPTH = 256;

    /** Runs a jhdf call, turning anything it throws into a {@link CorruptModelException}. */
    <T> T call(String what, Supplier<T> action) {
        return guard(description, what, action);
    }

    static <T> T guard(String description, String what, Supplier<T> action) {
        try {
            return action.get();
        } catch (KerasFileException e) {
            throw e;
        } catch (StackOverflowError e) {
            throw new CorruptModelException(description + ": HDF5 structure too deep or cyclic while " + what);
        } catch (OutOfMemoryError e) {
            throw new CorruptModelException(
                    description + ": HDF5 structure declares more data than can be held while " + what);
        } catch (RuntimeException e) {
            String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            throw new CorruptModelException(description + ": damaged HDF5 data while " + what + ": " + message, e);
        }
    }

    /** The node's child, or {@code null}; links are not followed. */
    @Nullable Node child(Group group, String name) {
        return call("reading group " + group.getPath(), () -> {
            Node node = group.getChildren().get(name);
            return node == null || node.isLink() ? null : node;
        });
    }

    /** A node below {@code group} by a {@code /}-separated relative path, or {@code null}. */
    @Nullable Node byPath(Group group, String relativePath) {
        Node current = group;
        for (String part : relativePath.split("/", -1)) {
            if (part.isEmpty()) {
                continue;
            }
            if (!(current instanceof Group g)) {
                return null;
            }
            current = child(g, part);
            if (current == null) {
                return null;
            }
        }
        return current;
    }

    /**
     * Refuses a file in which a group contains one of its own ancestors (a hard link back up). HDF5
     * allows it and Keras never writes it; whatever walks such a tree trusting it never ends. Groups
     * reached twice by different paths are walked once, so a lattice of shared groups stays linear.
     */
    void requireAcyclic(Group root, int maxNodes) {
        call("walking the groups of " + root.getPath(), () -> {
            walk(root, new java.util.HashSet<>(), new java.util.HashSet<>(), new int[] {maxNodes}, 0);
            return null;
        });
    }

    private void walk(Group group, java.util.Set<Long> ancestors, java.util.Set<Long> done, int[] budget, int depth) {
        long address = group.getAddress();
        if (depth > MAX_GROUP_DEPTH) {
            throw new ModelLimitExceededException(description + ": groups nested more than " + MAX_GROUP_DEPTH
                    + " deep at " + group.getPath());
        }
        ancestors.add(address);
        for (Node node : group.getChildren().values()) {
            if (--budget[0] < 0) {
                throw new ModelLimitExceededException(description + " holds more HDF5 objects than the limit");
            }
            if (node.isLink() || !(node instanceof Group child)) {
                continue;
            }
            if (ancestors.contains(child.getAddress())) {
                throw new CorruptModelException(description + ": group " + child.getPath()
                        + " is a hard link to its own ancestor (a loop in the HDF5 group tree)");
            }
            if (done.add(child.getAddress())) {
                walk(child, ancestors, done, budget, depth + 1);
            }
        }
        ancestors.remove(address);
    }

    List<Node> children(Group group) {
        return call("listing group " + group.getPath(), () -> {
            List<Node> nodes = new ArrayList<>();
            for (Node node : group.getChildren().values()) {
                if (!node.isLink()) {
                    nodes.add(node);
                }
            }
            return nodes;
        });
    }

    boolean hasAttribute(Node node, String name) {
        return call("reading attributes of " + node.getPath(), () -> node.getAttributes().containsKey(name));
    }

    /** A string attribute in any form h5py writes (scalar or one-element array, fixed or variable). */
    @Nullable String stringAttribute(Node node, String name) {
        return call("reading attribute " + name + " of " + node.getPath(), () -> {
            Attribute attribute = node.getAttributes().get(name);
            if (attribute == null || attribute.isEmpty()) {
                return null;
            }
            Object data = attribute.getData();
            if (data instanceof String s) {
                return utf8(s, node, name);
            }
            if (data instanceof String[] array && array.length == 1) {
                return utf8(array[0], node, name);
            }
            if (data instanceof byte[] bytes) {
                return utf8(new String(bytes, java.nio.charset.StandardCharsets.UTF_8), node, name);
            }
            throw new CorruptModelException(description + ": attribute " + name + " of " + node.getPath()
                    + " is not a string");
        });
    }

    /**
     * A list-of-strings attribute as Keras reads it ({@code load_attributes_from_hdf5_group}): the
     * attribute {@code name} itself, else the chunks {@code name0}, {@code name1}, ... that Keras writes
     * when the list exceeds the 64 KiB object header limit. An empty numeric array, which h5py writes for
     * an empty list, is an empty list; {@code null} when there is no such attribute.
     */
    @Nullable List<String> stringListAttribute(Node node, String name, int maxItems) {
        return call("reading attribute " + name + " of " + node.getPath(), () -> {
            var attributes = node.getAttributes();
            if (attributes.containsKey(name)) {
                return strings(node, name, attributes.get(name), maxItems);
            }
            if (!attributes.containsKey(name + "0")) {
                return null;
            }
            List<String> all = new ArrayList<>();
            for (int chunk = 0; attributes.containsKey(name + chunk); chunk++) {
                all.addAll(strings(node, name + chunk, attributes.get(name + chunk), maxItems - all.size()));
            }
            return all;
        });
    }

    private List<String> strings(Node node, String name, Attribute attribute, int maxItems) {
        if (attribute.isEmpty() || attribute.getSize() == 0) {
            return List.of();
        }
        if (attribute.getSize() > maxItems) {
            throw new ModelLimitExceededException(description + ": attribute " + name + " of " + node.getPath()
                    + " lists " + attribute.getSize() + " names, more than the limit of " + maxItems);
        }
        Object data = attribute.getData();
        if (data instanceof String s) {
            return List.of(utf8(s, node, name));
        }
        if (data instanceof String[] array) {
            for (String s : array) {
                utf8(s, node, name);
            }
            return Arrays.asList(array);
        }
        throw new CorruptModelException(description + ": attribute " + name + " of " + node.getPath()
                + " is not a list of strings");
    }

    /**
     * jhdf decodes strings leniently, so bytes that are not UTF-8 arrive as U+FFFD; Keras only writes
     * UTF-8, and a name that means different things to different decoders is refused.
     */
    private String utf8(String value, Node node, String name) {
        if (value.indexOf('\uFFFD') >= 0) {
            throw new CorruptModelException(description + ": attribute " + name + " of " + node.getPath()
                    + " is not valid UTF-8");
        }
        return value;
    }

    DatasetInfo describe(Dataset dataset, KerasReadLimits limits) {
        return call("reading the header of dataset " + dataset.getPath(), () -> {
            long[] dims = dataset.getDimensionsAsLong();
            List<Long> shape = new ArrayList<>(dims.length);
            long elements = 1;
            for (long d : dims) {
                if (d < 0) {
                    throw new CorruptModelException(description + ": dataset " + dataset.getPath()
                            + " has a negative dimension");
                }
                shape.add(d);
                elements = multiply(elements, d, dataset.getPath(), limits);
            }
            if (elements > limits.maxWeightElements()) {
                throw new ModelLimitExceededException(description + ": dataset " + dataset.getPath() + " declares "
                        + elements + " elements, more than the limit of " + limits.maxWeightElements());
            }
            DataType type = dataset.getDataType();
            if (type.getSize() <= 0) {
                // HDF5 forbids it; a reader dividing by the element size would fail on it
                throw new CorruptModelException(description + ": dataset " + dataset.getPath()
                        + " has a datatype of " + type.getSize() + " bytes per element");
            }
            String declared = stringAttribute(dataset, "dtype");
            boolean bfloat16 = "bfloat16".equals(declared);
            String dtype = bfloat16 ? "bfloat16" : dtypeName(type);
            RawLayout raw = null;
            if (dataset instanceof ContiguousDataset contiguous && elements > 0) {
                RawLayout.Kind kind = bfloat16 && type.getSize() == 2 ? RawLayout.Kind.BFLOAT16
                        : type instanceof FloatingPoint ? RawLayout.Kind.FLOAT
                        : type instanceof FixedPoint fixed && !(type instanceof BitField)
                                ? (fixed.isSigned() ? RawLayout.Kind.SIGNED_INT : RawLayout.Kind.UNSIGNED_INT)
                                : null;
                if (kind != null) {
                    ByteOrder order = type instanceof FloatingPoint fp ? fp.getByteOrder()
                            : type instanceof FixedPoint fx ? fx.getByteOrder() : ByteOrder.LITTLE_ENDIAN;
                    long bytes = Math.multiplyExact(elements, (long) type.getSize());
                    long address = contiguous.getDataAddress();
                    if (elements > 0 && (address < 0 || baseAddress + address + bytes > region.length())) {
                        throw new CorruptModelException(description + ": data of " + dataset.getPath() + " ("
                                + bytes + " bytes at " + address + ") lies beyond the end of the file ("
                                + region.length() + " bytes): truncated or damaged");
                    }
                    raw = new RawLayout(baseAddress + address, bytes, type.getSize(), order, kind);
                }
            }
            return new DatasetInfo(List.copyOf(shape), dtype, raw);
        });
    }

    private long multiply(long a, long b, String path, KerasReadLimits limits) {
        try {
            return Math.multiplyExact(a, b);
        } catch (ArithmeticException e) {
            throw new ModelLimitExceededException(description + ": dataset " + path
                    + " declares more elements than the limit of " + limits.maxWeightElements());
        }
    }

    static String dtypeName(DataType type) {
        if (type instanceof FloatingPoint) {
            return switch (type.getSize()) {
                case 2 -> "float16";
                case 4 -> "float32";
                case 8 -> "float64";
                default -> "float" + type.getSize() * 8;
            };
        }
        if (type instanceof BitField) {
            return "bitfield" + type.getSize() * 8;
        }
        if (type instanceof FixedPoint fixed) {
            return (fixed.isSigned() ? "int" : "uint") + type.getSize() * 8;
        }
        if (type instanceof EnumDataType) {
            // h5py stores numpy bool as an enum of FALSE/TRUE over int8
            return type.getSize() == 1 ? "bool" : "enum";
        }
        if (type instanceof StringData || type instanceof VariableLength) {
            return "string";
        }
        if (type instanceof OpaqueDataType) {
            return "opaque" + type.getSize() * 8;
        }
        return type.getClass().getSimpleName().toLowerCase(java.util.Locale.ROOT);
    }

    /** Reads raw bytes of the file (relative to the region), for streaming contiguous weight data. */
    void readRaw(long position, ByteBuffer dst) {
        region.readFully(position, dst);
    }

    @Override
    public void close() {
        try {
            hdf.close();
        } catch (RuntimeException e) {
            // jhdf's close only releases what the region releases below
        } finally {
            region.close();
        }
    }

    /**
     * Finds the superblock (at 0 or a power-of-two user-block offset from 512) and checks that the file
     * holds as many bytes as it says; returns the base address.
     */
    private static long checkSuperblock(FileRegion region, String description) {
        long length = region.length();
        long at = 0;
        while (at + 48 <= length) {
            ByteBuffer head = ByteBuffer.allocate(48).order(ByteOrder.LITTLE_ENDIAN);
            region.readFully(at, head);
            head.flip();
            if (startsWithSignature(head)) {
                return checkSuperblockAt(head, at, length, description);
            }
            at = at == 0 ? 512 : at * 2;
        }
        if (length < 48 && length >= SIGNATURE.length) {
            throw new CorruptModelException(description + ": HDF5 file truncated: " + length + " bytes");
        }
        throw new CorruptModelException(description + ": no HDF5 superblock found");
    }

    private static boolean startsWithSignature(ByteBuffer head) {
        for (int i = 0; i < SIGNATURE.length; i++) {
            if (head.get(i) != SIGNATURE[i]) {
                return false;
            }
        }
        return true;
    }

    private static long checkSuperblockAt(ByteBuffer head, long at, long length, String description) {
        int version = head.get(8) & 0xff;
        int sizeOfOffsets;
        int baseField;
        int eofField;
        switch (version) {
            case 0, 1 -> {
                sizeOfOffsets = head.get(13) & 0xff;
                baseField = version == 0 ? 24 : 28;
                eofField = baseField + 2 * sizeOfOffsets;
            }
            case 2, 3 -> {
                sizeOfOffsets = head.get(9) & 0xff;
                baseField = 12;
                eofField = baseField + 2 * sizeOfOffsets;
            }
            default -> throw new UnsupportedModelException(
                    description + ": HDF5 superblock version " + version + " is not supported");
        }
        if (sizeOfOffsets != 2 && sizeOfOffsets != 4 && sizeOfOffsets != 8) {
            throw new CorruptModelException(description + ": HDF5 superblock has an invalid offset size "
                    + sizeOfOffsets);
        }
        if (eofField + sizeOfOffsets > head.limit()) {
            return at;
        }
        long base = readOffset(head, baseField, sizeOfOffsets);
        long eof = readOffset(head, eofField, sizeOfOffsets);
        if (base == -1 || eof == -1) {
            return at;
        }
        if (base != at) {
            throw new CorruptModelException(description + ": HDF5 superblock at " + at + " has base address " + base);
        }
        // the end-of-file address counts the user block too (as libhdf5 writes it)
        if (eof < 0 || eof > length) {
            throw new CorruptModelException(description + ": HDF5 file truncated: superblock says "
                    + (eof < 0 ? "more than 2^63" : String.valueOf(eof)) + " bytes, file has " + length);
        }
        return base;
    }

    /** An offset field; {@code -1} for HDF5's "undefined address" (all bits set). */
    private static long readOffset(ByteBuffer head, int at, int size) {
        long value = 0;
        boolean allOnes = true;
        for (int i = size - 1; i >= 0; i--) {
            int b = head.get(at + i) & 0xff;
            allOnes &= b == 0xff;
            value = (value << 8) | b;
        }
        return allOnes ? -1 : value;
    }
}
