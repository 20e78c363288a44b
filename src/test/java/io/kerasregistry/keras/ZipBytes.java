package io.kerasregistry.keras;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * Writes ZIP archives byte by byte, including what {@code java.util.zip} refuses to write: duplicate
 * names, declared sizes that lie, ZIP64 records on small archives.
 */
final class ZipBytes {

    private record Item(String name, byte[] data, boolean deflate, long declaredSize) {
    }

    private final List<Item> items = new ArrayList<>();
    private boolean zip64;

    ZipBytes stored(String name, byte[] data) {
        items.add(new Item(name, data, false, -1));
        return this;
    }

    ZipBytes stored(String name, String text) {
        return stored(name, text.getBytes(StandardCharsets.UTF_8));
    }

    ZipBytes deflated(String name, byte[] data) {
        items.add(new Item(name, data, true, -1));
        return this;
    }

    /** A deflated entry whose directory record declares {@code declaredSize} uncompressed bytes. */
    ZipBytes deflatedDeclaring(String name, byte[] data, long declaredSize) {
        items.add(new Item(name, data, true, declaredSize));
        return this;
    }

    /** Writes every size and offset in ZIP64 extra fields and ends with ZIP64 end records. */
    ZipBytes zip64() {
        zip64 = true;
        return this;
    }

    byte[] build() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream central = new ByteArrayOutputStream();
        for (Item item : items) {
            byte[] name = item.name().getBytes(StandardCharsets.UTF_8);
            byte[] payload = item.deflate() ? deflate(item.data()) : item.data();
            CRC32 crc = new CRC32();
            crc.update(item.data());
            long size = item.declaredSize() >= 0 ? item.declaredSize() : item.data().length;
            long offset = out.size();
            int method = item.deflate() ? 8 : 0;
            byte[] localExtra = zip64 ? zip64Extra(size, payload.length, -1) : new byte[0];
            ByteBuffer local = le(30 + name.length + localExtra.length);
            local.putInt(0x04034b50).putShort((short) 45).putShort((short) 0x800).putShort((short) method)
                    .putShort((short) 0).putShort((short) 0x21).putInt((int) crc.getValue())
                    .putInt(zip64 ? -1 : payload.length).putInt(zip64 ? -1 : (int) size)
                    .putShort((short) name.length).putShort((short) localExtra.length).put(name).put(localExtra);
            out.writeBytes(local.array());
            out.writeBytes(payload);
            byte[] centralExtra = zip64 ? zip64Extra(size, payload.length, offset) : new byte[0];
            ByteBuffer entry = le(46 + name.length + centralExtra.length);
            entry.putInt(0x02014b50).putShort((short) 45).putShort((short) 45).putShort((short) 0x800)
                    .putShort((short) method).putShort((short) 0).putShort((short) 0x21).putInt((int) crc.getValue())
                    .putInt(zip64 ? -1 : payload.length).putInt(zip64 ? -1 : (int) size)
                    .putShort((short) name.length).putShort((short) centralExtra.length).putShort((short) 0)
                    .putShort((short) 0).putShort((short) 0).putInt(0).putInt(zip64 ? -1 : (int) offset)
                    .put(name).put(centralExtra);
            central.writeBytes(entry.array());
        }
        long cdOffset = out.size();
        out.writeBytes(central.toByteArray());
        if (zip64) {
            long end64 = out.size();
            ByteBuffer record = le(56);
            record.putInt(0x06064b50).putLong(44).putShort((short) 45).putShort((short) 45).putInt(0).putInt(0)
                    .putLong(items.size()).putLong(items.size()).putLong(central.size()).putLong(cdOffset);
            out.writeBytes(record.array());
            ByteBuffer locator = le(20);
            locator.putInt(0x07064b50).putInt(0).putLong(end64).putInt(1);
            out.writeBytes(locator.array());
        }
        ByteBuffer end = le(22);
        end.putInt(0x06054b50).putShort((short) 0).putShort((short) 0)
                .putShort((short) (zip64 ? 0xffff : items.size())).putShort((short) (zip64 ? 0xffff : items.size()))
                .putInt(zip64 ? -1 : central.size()).putInt(zip64 ? -1 : (int) cdOffset).putShort((short) 0);
        out.writeBytes(end.array());
        return out.toByteArray();
    }

    private static byte[] zip64Extra(long size, long compressed, long offset) {
        ByteBuffer extra = le(offset >= 0 ? 28 : 20);
        extra.putShort((short) 1).putShort((short) (offset >= 0 ? 24 : 16)).putLong(size).putLong(compressed);
        if (offset >= 0) {
            extra.putLong(offset);
        }
        return extra.array();
    }

    private static byte[] deflate(byte[] data) {
        Deflater deflater = new Deflater(Deflater.BEST_COMPRESSION, true);
        deflater.setInput(data);
        deflater.finish();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        while (!deflater.finished()) {
            out.write(buffer, 0, deflater.deflate(buffer));
        }
        deflater.end();
        return out.toByteArray();
    }

    private static ByteBuffer le(int size) {
        return ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
    }
}
