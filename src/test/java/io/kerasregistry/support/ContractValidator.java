package io.kerasregistry.support;

import com.atlassian.oai.validator.OpenApiInteractionValidator;
import com.atlassian.oai.validator.model.Request;
import com.atlassian.oai.validator.model.SimpleRequest;
import com.atlassian.oai.validator.model.SimpleResponse;
import com.atlassian.oai.validator.report.LevelResolver;
import com.atlassian.oai.validator.report.ValidationReport;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Checks real HTTP exchanges against {@code openapi.yaml}, the contract at the repository root: a
 * response with a field, status or header the file does not describe fails the test.
 */
public final class ContractValidator {

    private final OpenApiInteractionValidator validator = OpenApiInteractionValidator
            .createForSpecificationUrl(Path.of("openapi.yaml").toUri().toString())
            .withLevelResolver(LevelResolver.create()
                    // the validator cannot read multipart or binary request bodies
                    .withLevel("validation.request.body.missing", ValidationReport.Level.IGNORE)
                    .withLevel("validation.request.body.unexpected", ValidationReport.Level.IGNORE)
                    .build())
            .build();

    /** The problems found, empty when the exchange matches the contract. */
    public ValidationReport check(HttpRequest request, byte[] requestBody, HttpResponse<byte[]> response) {
        URI uri = request.uri();
        SimpleRequest.Builder req = new SimpleRequest.Builder(Request.Method.valueOf(request.method()), uri.getPath());
        if (uri.getRawQuery() != null) {
            for (String pair : uri.getRawQuery().split("&")) {
                String[] kv = pair.split("=", 2);
                req.withQueryParam(kv[0], kv.length > 1 ? java.net.URLDecoder.decode(kv[1], StandardCharsets.UTF_8) : "");
            }
        }
        request.headers().map().forEach((name, values) -> req.withHeader(name, values));
        if (requestBody.length > 0 && request.headers().firstValue("Content-Type").orElse("").contains("json")) {
            req.withBody(new String(requestBody, StandardCharsets.UTF_8));
        }
        SimpleResponse.Builder resp = SimpleResponse.Builder.status(response.statusCode());
        response.headers().map().forEach((name, values) -> {
            if (!name.equals(":status")) {
                resp.withHeader(name, values);
            }
        });
        String contentType = response.headers().firstValue("Content-Type").orElse("");
        if (response.body().length > 0) {
            // binary bodies are only checked for presence; JSON ones against their schema
            resp.withBody(new String(response.body(),
                    contentType.contains("json") ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1));
        }
        return validator.validate(req.build(), resp.build());
    }
}
