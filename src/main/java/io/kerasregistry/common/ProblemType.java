package io.kerasregistry.common;

import java.net.URI;
import java.util.Locale;

/**
 * Every kind of error the API reports, with its stable {@code type} URI and HTTP status. Clients
 * branch on the URI, so a constant here is never renamed; {@code docs/problems.md} describes each.
 */
public enum ProblemType {
    INVALID_REQUEST(400, "Invalid request"),
    UNAUTHORIZED(401, "Authentication required"),
    FORBIDDEN(403, "Not allowed"),
    NOT_FOUND(404, "Not found"),
    METHOD_NOT_ALLOWED(405, "Method not allowed"),
    NOT_ACCEPTABLE(406, "Not acceptable"),
    ALREADY_EXISTS(409, "Already exists"),
    CONFLICT(409, "Conflict"),
    PRECONDITION_FAILED(412, "Precondition failed"),
    UPLOAD_TOO_LARGE(413, "Upload too large"),
    REQUEST_TOO_LARGE(413, "Request too large"),
    UNSUPPORTED_MEDIA_TYPE(415, "Unsupported media type"),
    NOT_A_MODEL_FILE(415, "Not a Keras model file"),
    RANGE_NOT_SATISFIABLE(416, "Range not satisfiable"),
    EMPTY_UPLOAD(422, "Empty upload"),
    CORRUPT_MODEL(422, "Corrupt model file"),
    UNSUPPORTED_MODEL(422, "Unsupported model file"),
    MODEL_LIMIT_EXCEEDED(422, "Model exceeds a limit"),
    PRECONDITION_REQUIRED(428, "Precondition required"),
    BLOB_INTEGRITY(500, "Stored content failed its integrity check"),
    INTERNAL_ERROR(500, "Internal error"),
    SERVICE_UNAVAILABLE(503, "Service unavailable");

    private static final String URN_PREFIX = "urn:keras-registry:problem:";

    private final int status;
    private final String title;

    ProblemType(int status, String title) {
        this.status = status;
        this.title = title;
    }

    public int status() {
        return status;
    }

    public String title() {
        return title;
    }

    /** The lower-case, hyphenated name used in the URI ({@code corrupt-model}). */
    public String slug() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    public URI uri() {
        return URI.create(URN_PREFIX + slug());
    }
}
