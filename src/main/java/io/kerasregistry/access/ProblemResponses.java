package io.kerasregistry.access;

import io.kerasregistry.common.ProblemDocuments;
import io.kerasregistry.common.ProblemType;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.access.AccessDeniedHandler;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * 401 and 403 answers, written by the security filters before any controller runs, in the same
 * problem format as every other error.
 */
@Component
class ProblemResponses {

    private final JsonMapper json;

    ProblemResponses(JsonMapper json) {
        this.json = json;
    }

    AuthenticationEntryPoint unauthorized() {
        return (request, response, e) -> write(request, response, ProblemType.UNAUTHORIZED,
                "this endpoint needs a token: send 'Authorization: Bearer <token>'");
    }

    AccessDeniedHandler forbidden() {
        return (request, response, e) -> write(request, response, ProblemType.FORBIDDEN,
                "your token's roles do not allow " + request.getMethod() + " " + request.getRequestURI());
    }

    void write(HttpServletRequest request, HttpServletResponse response, ProblemType type, String detail)
            throws IOException {
        if (type == ProblemType.UNAUTHORIZED) {
            response.setHeader("WWW-Authenticate", "Bearer realm=\"keras-registry\"");
        }
        ProblemDocuments.write(response, ProblemDocuments.of(type, detail, request.getRequestURI()), json);
    }
}
