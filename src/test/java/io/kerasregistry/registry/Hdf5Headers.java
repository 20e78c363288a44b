package io.kerasregistry.registry;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** The first bytes of an HDF5 file, enough for the signature and length checks of an upload. */
final class Hdf5Headers {

    private Hdf5Headers() {
    }

    /** A version 0 superblock with 8-byte offsets declaring {@code endOfFile} bytes. */
    static byte[] superblockV0(long endOfFile) {
        ByteBuffer b = ByteBuffer.allocate(96).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {(byte) 0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n'});
        b.put((byte) 0).put((byte) 0).put((byte) 0).put((byte) 0).put((byte) 0);
        b.put((byte) 8).put((byte) 8).put((byte) 0);
        b.putShort((short) 4).putShort((short) 16).putInt(0);
        b.putLong(0).putLong(-1L).putLong(endOfFile).putLong(-1L);
        return b.array();
    }
}
