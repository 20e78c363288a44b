package io.kerasregistry.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.atlassian.oai.validator.report.ValidationReport;
import io.kerasregistry.support.ContractValidator;
import io.kerasregistry.support.HttpApi;
import io.kerasregistry.support.RegistryTest;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.parser.OpenAPIV3Parser;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.servlet.mvc.method.RequestMappingInfo;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;

/** The running service and {@code openapi.yaml} describe the same API. */
@RegistryTest
class ContractTest {

    private static final String BASE = "/api/v1";

    @LocalServerPort
    int port;

    @Autowired
    @Qualifier("requestMappingHandlerMapping")
    RequestMappingHandlerMapping mappings;

    HttpApi api;
    final ContractValidator contract = new ContractValidator();

    @BeforeEach
    void client() {
        api = new HttpApi(port);
    }

    @Test
    void everyOperationInTheFileIsServedAndEveryEndpointIsInTheFile() {
        OpenAPI spec = new OpenAPIV3Parser().read("openapi.yaml");
        Set<String> documented = new TreeSet<>();
        for (Map.Entry<String, PathItem> path : spec.getPaths().entrySet()) {
            path.getValue().readOperationsMap().keySet()
                    .forEach(method -> documented.add(method.name() + " " + BASE + path.getKey()));
        }
        Set<String> served = new TreeSet<>();
        for (RequestMappingInfo info : mappings.getHandlerMethods().keySet()) {
            for (String pattern : info.getPatternValues()) {
                if (pattern.startsWith(BASE)) {
                    for (RequestMethod method : info.getMethodsCondition().getMethods()) {
                        served.add(method.name() + " " + pattern);
                    }
                }
            }
        }
        assertThat(served).as("endpoints served under " + BASE).isEqualTo(documented);
    }

    @Test
    void responsesMatchTheContract() {
        List<String> violations = new ArrayList<>();
        exchange(violations, json("POST", "/api/v1/models", "{\"name\":\"contract\",\"tags\":[\"a\"]}"));
        exchange(violations, json("POST", "/api/v1/models", "{\"name\":\"contract\"}"));
        exchangeInvalid(violations, json("POST", "/api/v1/models", "{\"name\":\"Bad Name\"}"));
        exchange(violations, get("/api/v1/models?limit=1"));
        exchange(violations, get("/api/v1/models/contract"));
        exchange(violations, get("/api/v1/models/missing"));
        exchange(violations, json("PATCH", "/api/v1/models/contract", "{\"description\":\"d\"}"));
        byte[] model = io.kerasregistry.registry.TestModels.denseH5(5000);
        exchange(violations, api.request("/api/v1/models/contract/versions?filename=m.h5")
                .header("Content-Type", "application/octet-stream")
                .POST(HttpRequest.BodyPublishers.ofByteArray(model)).build(), model);
        exchange(violations, api.request("/api/v1/models/contract/versions?filename=m.txt")
                .header("Content-Type", "application/octet-stream")
                .POST(HttpRequest.BodyPublishers.ofString("text")).build(), "text".getBytes());
        exchange(violations, get("/api/v1/models/contract/versions"));
        exchange(violations, get("/api/v1/models/contract/versions/1"));
        exchange(violations, get("/api/v1/models/contract/versions/9"));
        exchange(violations, get("/api/v1/models/contract/versions/1/content"));
        exchange(violations, api.request("/api/v1/models/contract/versions/1/content").header("Range", "bytes=0-9").GET().build());
        exchange(violations, api.request("/api/v1/models/contract/versions/1/content").header("Range", "bytes=9000-").GET().build());
        exchange(violations, get("/api/v1/admin/integrity"));
        exchange(violations, get("/api/v1/admin/integrity?verify=false"));
        exchange(violations, api.request("/api/v1/models/contract").DELETE().build());

        assertThat(violations).isEmpty();
    }

    private HttpRequest get(String path) {
        return api.request(path).GET().build();
    }

    private HttpRequest json(String method, String path, String body) {
        return api.request(path).header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofString(body)).build();
    }

    private void exchange(List<String> violations, HttpRequest request) {
        byte[] body = request.bodyPublisher().isPresent() && request.method().matches("POST|PATCH|PUT")
                ? bodyOf(request) : new byte[0];
        exchange(violations, request, body);
    }

    /** A request the contract forbids on purpose: only its answer must match the contract. */
    private void exchangeInvalid(List<String> violations, HttpRequest request) {
        HttpResponse<byte[]> response = api.send(request);
        List<ValidationReport.Message> messages = contract.check(request, bodyOf(request), response).getMessages()
                .stream().filter(m -> m.getKey().startsWith("validation.response")).toList();
        if (!messages.isEmpty()) {
            violations.add(request.method() + " " + request.uri().getPath() + " -> " + response.statusCode() + ": " + messages);
        }
    }

    private void exchange(List<String> violations, HttpRequest request, byte[] body) {
        HttpResponse<byte[]> response = api.send(request);
        ValidationReport report = contract.check(request, body, response);
        if (report.hasErrors()) {
            violations.add(request.method() + " " + request.uri().getPath() + " -> " + response.statusCode() + ": "
                    + report.getMessages());
        }
    }

    /** JSON bodies in this test are built from strings; recover them for the validator. */
    private static byte[] bodyOf(HttpRequest request) {
        var subscriber = HttpResponse.BodySubscribers.ofByteArray();
        request.bodyPublisher().orElseThrow().subscribe(new java.util.concurrent.Flow.Subscriber<>() {
            @Override
            public void onSubscribe(java.util.concurrent.Flow.Subscription subscription) {
                subscriber.onSubscribe(subscription);
            }

            @Override
            public void onNext(java.nio.ByteBuffer item) {
                subscriber.onNext(List.of(item));
            }

            @Override
            public void onError(Throwable throwable) {
                subscriber.onError(throwable);
            }

            @Override
            public void onComplete() {
                subscriber.onComplete();
            }
        });
        return subscriber.getBody().toCompletableFuture().join();
    }

    static String utf8(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
