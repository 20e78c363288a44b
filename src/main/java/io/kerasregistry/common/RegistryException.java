package io.kerasregistry.common;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An error with a known {@link ProblemType}; its message is the problem's {@code detail} and must
 * name what is wrong in words a user can act on.
 */
public class RegistryException extends RuntimeException {

    private final ProblemType type;
    private final Map<String, Object> properties = new LinkedHashMap<>();
    private final Map<String, String> headers = new LinkedHashMap<>();

    public RegistryException(ProblemType type, String detail) {
        super(detail);
        this.type = type;
    }

    public RegistryException(ProblemType type, String detail, Throwable cause) {
        super(detail, cause);
        this.type = type;
    }

    public ProblemType type() {
        return type;
    }

    /** Extra members of the problem document ({@code missing}, {@code status}, ...). */
    public Map<String, Object> properties() {
        return Map.copyOf(properties);
    }

    public RegistryException with(String name, Object value) {
        properties.put(name, value);
        return this;
    }

    /** Response headers the problem answer must carry ({@code Content-Range} of a 416). */
    public Map<String, String> headers() {
        return Map.copyOf(headers);
    }

    public RegistryException withHeader(String name, String value) {
        headers.put(name, value);
        return this;
    }

    public static RegistryException notFound(String detail) {
        return new RegistryException(ProblemType.NOT_FOUND, detail);
    }

    public static RegistryException invalid(String detail) {
        return new RegistryException(ProblemType.INVALID_REQUEST, detail);
    }

    public static RegistryException conflict(String detail) {
        return new RegistryException(ProblemType.CONFLICT, detail);
    }
}
