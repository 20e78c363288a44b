package io.kerasregistry.common;

import java.net.URI;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;

/** Builds the problem document of a {@link ProblemType}; every error answer is made here. */
public final class ProblemDocuments {

    private ProblemDocuments() {
    }

    public static ProblemDetail of(ProblemType type, String detail, String requestUri) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.valueOf(type.status()), detail);
        problem.setType(type.uri());
        problem.setTitle(type.title());
        problem.setInstance(URI.create(requestUri));
        return problem;
    }
}
