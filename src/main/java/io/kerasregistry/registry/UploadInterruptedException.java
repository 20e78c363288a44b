package io.kerasregistry.registry;

import io.kerasregistry.common.ProblemType;
import io.kerasregistry.common.RegistryException;
import java.io.IOException;

/** The client stopped sending before the upload was complete. Nothing was stored. */
final class UploadInterruptedException extends RegistryException {

    UploadInterruptedException(IOException cause) {
        super(ProblemType.INVALID_REQUEST, "the upload was interrupted before it was complete: " + cause.getMessage(), cause);
    }
}
