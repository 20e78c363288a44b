package io.kerasregistry.storage;

import io.kerasregistry.common.ProblemType;
import io.kerasregistry.common.RegistryException;

/** A stored blob no longer matches what was written: missing, resized or with changed bytes. */
public final class BlobIntegrityException extends RegistryException {

    public BlobIntegrityException(String detail) {
        super(ProblemType.BLOB_INTEGRITY, detail);
    }
}
