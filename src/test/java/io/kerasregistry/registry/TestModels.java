package io.kerasregistry.registry;

/** Model-like bytes for tests that exercise storage and HTTP, not Keras parsing. */
public final class TestModels {

    private TestModels() {
    }

    /** Random bytes behind a valid HDF5 superblock declaring exactly {@code size} bytes. */
    public static byte[] hdf5Like(int size) {
        return VersionContentApiTest.hdf5Like(size);
    }
}
