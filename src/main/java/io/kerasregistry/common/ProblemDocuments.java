package io.kerasregistry.common;

import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import tools.jackson.databind.json.JsonMapper;

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

    /**
     * Writes a problem as the whole answer of a servlet filter, which runs before Spring MVC's
     * exception handling could (security, request-size and role filters), with the same members.
     */
    public static void write(HttpServletResponse response, ProblemDetail problem, JsonMapper json) throws IOException {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", String.valueOf(problem.getType()));
        body.put("title", problem.getTitle());
        body.put("status", problem.getStatus());
        body.put("detail", problem.getDetail());
        body.put("instance", String.valueOf(problem.getInstance()));
        response.setStatus(problem.getStatus());
        response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        json.writeValue(response.getOutputStream(), body);
    }
}
