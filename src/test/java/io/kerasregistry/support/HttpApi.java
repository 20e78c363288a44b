package io.kerasregistry.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** A small client of the running service over real HTTP. */
public final class HttpApi {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final HttpClient client;
    private final String base;
    private final List<String> headers;

    /** The token every test context accepts as the bootstrap admin token. */
    public static final String ADMIN_TOKEN = "test-admin-token";

    /** A client authenticated with the bootstrap admin token. */
    public HttpApi(int port) {
        this(HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build(), "http://127.0.0.1:" + port,
                List.of("Authorization", "Bearer " + ADMIN_TOKEN));
    }

    /** The same client sending no {@code Authorization} header. */
    public HttpApi anonymous() {
        return new HttpApi(client, base, List.of());
    }

    /** The same client authenticated with {@code token}. */
    public HttpApi withToken(String token) {
        return new HttpApi(client, base, List.of("Authorization", "Bearer " + token));
    }

    private HttpApi(HttpClient client, String base, List<String> headers) {
        this.client = client;
        this.base = base;
        this.headers = headers;
    }

    /** The same client adding a header to every request (an {@code Authorization} token). */
    public HttpApi withHeader(String name, String value) {
        List<String> more = new ArrayList<>(headers);
        more.add(name);
        more.add(value);
        return new HttpApi(client, base, List.copyOf(more));
    }

    public HttpRequest.Builder request(String path) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(base + path));
        for (int i = 0; i < headers.size(); i += 2) {
            builder.header(headers.get(i), headers.get(i + 1));
        }
        return builder;
    }

    public HttpResponse<byte[]> send(HttpRequest request) {
        try {
            return client.send(request, HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public HttpResponse<byte[]> get(String path, String... headerPairs) {
        HttpRequest.Builder builder = request(path).GET();
        for (int i = 0; i < headerPairs.length; i += 2) {
            builder.header(headerPairs[i], headerPairs[i + 1]);
        }
        return send(builder.build());
    }

    public HttpResponse<byte[]> postJson(String path, String json) {
        return send(request(path).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build());
    }

    public HttpResponse<byte[]> putJson(String path, String json, String... headerPairs) {
        HttpRequest.Builder builder = request(path).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(json));
        for (int i = 0; i < headerPairs.length; i += 2) {
            builder.header(headerPairs[i], headerPairs[i + 1]);
        }
        return send(builder.build());
    }

    public HttpResponse<byte[]> uploadRaw(String model, byte[] content, String fileName) {
        return send(request("/api/v1/models/" + model + "/versions?filename=" + fileName)
                .header("Content-Type", "application/octet-stream")
                .POST(HttpRequest.BodyPublishers.ofByteArray(content)).build());
    }

    /** A multipart upload; {@code parts} alternates part name and file. */
    public HttpResponse<byte[]> uploadMultipart(String model, Object... parts) {
        Multipart body = new Multipart();
        for (int i = 0; i < parts.length; i += 2) {
            Object value = parts[i + 1];
            if (value instanceof Path path) {
                body.file((String) parts[i], path.getFileName().toString(), read(path));
            } else {
                body.file((String) parts[i], "part.bin", (byte[]) value);
            }
        }
        return send(request("/api/v1/models/" + model + "/versions")
                .header("Content-Type", body.contentType())
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.bytes())).build());
    }

    public static JsonNode json(HttpResponse<byte[]> response) {
        return JSON.readTree(response.body());
    }

    public static String text(HttpResponse<byte[]> response) {
        return new String(response.body(), StandardCharsets.UTF_8);
    }

    public static byte[] read(Path path) {
        try {
            return Files.readAllBytes(path);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Builds {@code multipart/form-data} bodies. */
    public static final class Multipart {
        private final String boundary = "----test" + UUID.randomUUID();
        private final java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();

        public Multipart file(String name, String fileName, byte[] content) {
            write("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + name + "\"; filename=\"" + fileName
                    + "\"\r\nContent-Type: application/octet-stream\r\n\r\n");
            out.writeBytes(content);
            write("\r\n");
            return this;
        }

        public String contentType() {
            return "multipart/form-data; boundary=" + boundary;
        }

        public byte[] bytes() {
            java.io.ByteArrayOutputStream copy = new java.io.ByteArrayOutputStream();
            copy.writeBytes(out.toByteArray());
            copy.writeBytes(("--" + boundary + "--\r\n").getBytes(StandardCharsets.ISO_8859_1));
            return copy.toByteArray();
        }

        private void write(String s) {
            out.writeBytes(s.getBytes(StandardCharsets.UTF_8));
        }
    }
}
