package io.kerasregistry.config;

import io.kerasregistry.common.ProblemDocuments;
import io.kerasregistry.common.ProblemType;
import io.kerasregistry.common.RegistryException;
import io.kerasregistry.keras.KerasFileException;
import io.kerasregistry.keras.ModelLimitExceededException;
import io.kerasregistry.keras.NotAModelFileException;
import io.kerasregistry.keras.UnsupportedModelException;
import jakarta.servlet.http.HttpServletRequest;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.MessageSourceResolvable;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.validation.FieldError;
import org.springframework.web.bind.MethodArgumentNotValidException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.ServletWebRequest;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.method.annotation.HandlerMethodValidationException;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;

/**
 * The one place where exceptions become RFC 9457 problem details with a stable {@code type}. Errors
 * from Spring itself (a malformed parameter, an unknown path) get the same treatment.
 */
@RestControllerAdvice
class ProblemDetailsAdvice extends ResponseEntityExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(ProblemDetailsAdvice.class);
    private static final MediaType PROBLEM = MediaType.APPLICATION_PROBLEM_JSON;

    @ExceptionHandler(RegistryException.class)
    ResponseEntity<ProblemDetail> registry(RegistryException e, HttpServletRequest request) {
        if (e.type().status() >= 500) {
            log.error("{} on {} {}: {}", e.type().slug(), request.getMethod(), request.getRequestURI(), e.getMessage(), e);
        }
        ProblemDetail problem = problem(e.type(), e.getMessage(), request);
        e.properties().forEach(problem::setProperty);
        HttpHeaders headers = new HttpHeaders();
        e.headers().forEach(headers::set);
        return respond(problem, headers);
    }

    @ExceptionHandler(KerasFileException.class)
    ResponseEntity<ProblemDetail> kerasFile(KerasFileException e, HttpServletRequest request) {
        ProblemType type;
        if (e instanceof NotAModelFileException) {
            type = ProblemType.NOT_A_MODEL_FILE;
        } else if (e instanceof UnsupportedModelException) {
            type = ProblemType.UNSUPPORTED_MODEL;
        } else if (e instanceof ModelLimitExceededException) {
            type = ProblemType.MODEL_LIMIT_EXCEEDED;
        } else {
            type = ProblemType.CORRUPT_MODEL;
        }
        return respond(problem(type, e.getMessage(), request), new HttpHeaders());
    }

    @ExceptionHandler(Exception.class)
    ResponseEntity<ProblemDetail> unexpected(Exception e, HttpServletRequest request) {
        log.error("Unexpected error on {} {}", request.getMethod(), request.getRequestURI(), e);
        return respond(problem(ProblemType.INTERNAL_ERROR,
                "an unexpected error occurred; it has been logged", request), new HttpHeaders());
    }

    /** Spring's own exceptions: keep its status and message, add our type and, for validation, the fields. */
    @Override
    protected @Nullable ResponseEntity<Object> handleExceptionInternal(Exception ex, @Nullable Object body,
            HttpHeaders headers, HttpStatusCode statusCode, WebRequest request) {
        RegistryException registry = registryCause(ex);
        if (registry != null) {
            // a body cut off at its size limit while a message converter was reading it
            ResponseEntity<ProblemDetail> answer = registry(registry, ((ServletWebRequest) request).getRequest());
            return ResponseEntity.status(answer.getStatusCode()).headers(answer.getHeaders()).body(answer.getBody());
        }
        ProblemType type = typeFor(statusCode);
        String detail = body instanceof ProblemDetail pd && pd.getDetail() != null ? pd.getDetail() : ex.getMessage();
        HttpServletRequest servletRequest = ((ServletWebRequest) request).getRequest();
        ProblemDetail problem = problem(type, detail == null ? type.title() : detail, servletRequest);
        problem.setStatus(statusCode.value());
        List<Map<String, String>> errors = fieldErrors(ex);
        if (!errors.isEmpty()) {
            problem.setProperty("errors", errors);
            problem.setDetail(errors.stream().map(f -> f.get("field") + ": " + f.get("message"))
                    .reduce((a, b) -> a + "; " + b).orElse(problem.getDetail()));
        }
        HttpHeaders out = new HttpHeaders();
        out.addAll(headers);
        out.setContentType(PROBLEM);
        return ResponseEntity.status(statusCode).headers(out).body(problem);
    }

    private static @Nullable RegistryException registryCause(Throwable ex) {
        for (Throwable t = ex.getCause(); t != null && t != t.getCause(); t = t.getCause()) {
            if (t instanceof RegistryException registry) {
                return registry;
            }
        }
        return null;
    }

    private static List<Map<String, String>> fieldErrors(Exception ex) {
        if (ex instanceof MethodArgumentNotValidException invalid) {
            return invalid.getBindingResult().getFieldErrors().stream()
                    .map(f -> Map.of("field", f.getField(), "message", String.valueOf(f.getDefaultMessage())))
                    .toList();
        }
        if (ex instanceof HandlerMethodValidationException invalid) {
            return invalid.getParameterValidationResults().stream()
                    .flatMap(result -> result.getResolvableErrors().stream().map(error -> Map.of(
                            "field", fieldName(result.getMethodParameter().getParameterName(), error),
                            "message", String.valueOf(error.getDefaultMessage()))))
                    .toList();
        }
        return List.of();
    }

    private static String fieldName(@Nullable String parameter, MessageSourceResolvable error) {
        if (error instanceof FieldError field) {
            return field.getField();
        }
        return parameter == null ? "request" : parameter;
    }

    private static ProblemType typeFor(HttpStatusCode status) {
        return switch (status.value()) {
            case 400 -> ProblemType.INVALID_REQUEST;
            case 401 -> ProblemType.UNAUTHORIZED;
            case 403 -> ProblemType.FORBIDDEN;
            case 404 -> ProblemType.NOT_FOUND;
            case 405 -> ProblemType.METHOD_NOT_ALLOWED;
            case 406 -> ProblemType.NOT_ACCEPTABLE;
            case 409 -> ProblemType.CONFLICT;
            case 412 -> ProblemType.PRECONDITION_FAILED;
            case 413 -> ProblemType.UPLOAD_TOO_LARGE;
            case 415 -> ProblemType.UNSUPPORTED_MEDIA_TYPE;
            case 503 -> ProblemType.SERVICE_UNAVAILABLE;
            default -> status.is4xxClientError() ? ProblemType.INVALID_REQUEST : ProblemType.INTERNAL_ERROR;
        };
    }

    static ProblemDetail problem(ProblemType type, String detail, HttpServletRequest request) {
        return ProblemDocuments.of(type, detail, request.getRequestURI());
    }

    private static ResponseEntity<ProblemDetail> respond(ProblemDetail problem, HttpHeaders headers) {
        headers.setContentType(PROBLEM);
        return ResponseEntity.status(problem.getStatus()).headers(headers).body(problem);
    }
}
