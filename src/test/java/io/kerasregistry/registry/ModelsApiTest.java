package io.kerasregistry.registry;

import static org.assertj.core.api.Assertions.assertThat;

import io.kerasregistry.support.HttpApi;
import io.kerasregistry.support.RegistryTest;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

@RegistryTest
class ModelsApiTest {

    @LocalServerPort
    int port;

    @Autowired
    JdbcClient jdbc;

    HttpApi api;

    @BeforeEach
    void client() {
        api = new HttpApi(port);
    }

    @Test
    void aModelIsCreatedReadChangedAndDeleted() {
        HttpResponse<byte[]> created = api.postJson("/api/v1/models",
                "{\"name\":\"fraud\",\"description\":\"card fraud\",\"tags\":[\"team:risk\",\"prod\"]}");
        assertThat(created.statusCode()).isEqualTo(201);
        assertThat(created.headers().firstValue("Location")).hasValue("/api/v1/models/fraud");
        JsonNode model = HttpApi.json(created);
        assertThat(model.get("tags").toString()).isEqualTo("[\"prod\",\"team:risk\"]");
        assertThat(model.get("versionCount").asInt()).isZero();
        assertThat(model.has("latestVersion")).isFalse();

        assertThat(api.postJson("/api/v1/models", "{\"name\":\"fraud\"}").statusCode()).isEqualTo(409);

        HttpResponse<byte[]> patched = api.send(api.request("/api/v1/models/fraud")
                .header("Content-Type", "application/json")
                .method("PATCH", HttpRequest.BodyPublishers.ofString("{\"tags\":[\"staging\"]}")).build());
        assertThat(patched.statusCode()).isEqualTo(200);
        assertThat(HttpApi.json(patched).get("tags").toString()).isEqualTo("[\"staging\"]");
        assertThat(HttpApi.json(patched).get("description").asString()).isEqualTo("card fraud");

        api.uploadRaw("fraud", TestModels.denseH5(4000), "m.h5");
        JsonNode withVersion = HttpApi.json(api.get("/api/v1/models/fraud"));
        assertThat(withVersion.get("versionCount").asInt()).isEqualTo(1);
        assertThat(withVersion.get("latestVersion").asInt()).isEqualTo(1);

        HttpResponse<byte[]> deleted = api.send(api.request("/api/v1/models/fraud").DELETE().build());
        assertThat(deleted.statusCode()).isEqualTo(204);
        assertThat(api.get("/api/v1/models/fraud").statusCode()).isEqualTo(404);
        assertThat(jdbc.sql("SELECT count(*) FROM model_version v JOIN registered_model m ON m.id = v.model_id "
                + "WHERE m.name = 'fraud'").query(Integer.class).single()).isZero();
        // the name is free again, but its version numbers are not
        assertThat(api.uploadRaw("fraud", TestModels.denseH5(4001), "m.h5").statusCode()).isEqualTo(201);
        assertThat(HttpApi.json(api.get("/api/v1/models/fraud/versions")).get("items").get(0).get("version").asInt())
                .isEqualTo(2);
        List<String> events = jdbc.sql("SELECT type FROM audit_event WHERE model_name = 'fraud' ORDER BY id")
                .query(String.class).list();
        assertThat(events).containsExactly("MODEL_CREATED", "MODEL_UPDATED", "VERSION_UPLOADED", "MODEL_DELETED",
                "MODEL_CREATED", "VERSION_UPLOADED");
    }

    @Test
    void invalidModelsAreRefusedWithTheFieldNamed() {
        HttpResponse<byte[]> badName = api.postJson("/api/v1/models", "{\"name\":\"Has Spaces\"}");
        assertThat(badName.statusCode()).isEqualTo(400);
        assertThat(HttpApi.json(badName).get("errors").get(0).get("field").asString()).isEqualTo("name");

        assertThat(api.postJson("/api/v1/models", "{\"description\":\"no name\"}").statusCode()).isEqualTo(400);
        assertThat(api.postJson("/api/v1/models", "{not json").statusCode()).isEqualTo(400);
        assertThat(api.postJson("/api/v1/models", "{\"name\":\"x1\",\"tags\":[\"bad tag\"]}").statusCode()).isEqualTo(400);
    }

    @Test
    void modelsAreListedByNameInPagesAndFilteredByPrefixAndTag() {
        for (int i = 0; i < 7; i++) {
            String tags = i % 2 == 0 ? "[\"even\"]" : "[]";
            api.postJson("/api/v1/models", "{\"name\":\"page-" + i + "\",\"tags\":" + tags + "}");
        }
        api.postJson("/api/v1/models", "{\"name\":\"other\"}");

        List<String> names = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            JsonNode page = HttpApi.json(api.get("/api/v1/models?prefix=page-&limit=3" + (cursor == null ? "" : "&cursor=" + cursor)));
            page.get("items").forEach(item -> names.add(item.get("name").asString()));
            cursor = page.has("nextCursor") ? page.get("nextCursor").asString() : null;
            pages++;
        } while (cursor != null);

        assertThat(names).containsExactly("page-0", "page-1", "page-2", "page-3", "page-4", "page-5", "page-6");
        assertThat(pages).isEqualTo(3);
        JsonNode even = HttpApi.json(api.get("/api/v1/models?tag=even&prefix=page"));
        assertThat(even.get("items")).extracting(n -> n.get("name").asString())
                .containsExactly("page-0", "page-2", "page-4", "page-6");
        assertThat(api.get("/api/v1/models?cursor=garbage!").statusCode()).isEqualTo(400);
        assertThat(api.get("/api/v1/models?limit=0").statusCode()).isEqualTo(400);
        assertThat(api.get("/api/v1/models?limit=1001").statusCode()).isEqualTo(400);
        assertThat(HttpApi.json(api.get("/api/v1/models?prefix=%25")).get("items")).isEmpty();
    }

    @Test
    void versionsAreListedNewestFirstInPagesAndNumbersAreNeverReused() {
        for (int i = 0; i < 5; i++) {
            assertThat(api.uploadRaw("paged", TestModels.denseH5(3000 + i), "m.h5").statusCode()).isEqualTo(201);
        }

        JsonNode first = HttpApi.json(api.get("/api/v1/models/paged/versions?limit=2"));
        assertThat(first.get("items")).extracting(v -> v.get("version").asInt()).containsExactly(5, 4);
        JsonNode second = HttpApi.json(api.get("/api/v1/models/paged/versions?limit=2&cursor=" + first.get("nextCursor").asString()));
        assertThat(second.get("items")).extracting(v -> v.get("version").asInt()).containsExactly(3, 2);
        JsonNode third = HttpApi.json(api.get("/api/v1/models/paged/versions?limit=2&cursor=" + second.get("nextCursor").asString()));
        assertThat(third.get("items")).extracting(v -> v.get("version").asInt()).containsExactly(1);
        assertThat(third.has("nextCursor")).isFalse();
        // a cursor of one listing is refused by another
        assertThat(api.get("/api/v1/models/other/versions?cursor=" + first.get("nextCursor").asString()).statusCode())
                .isIn(400, 404);
        assertThat(api.get("/api/v1/models?cursor=" + first.get("nextCursor").asString()).statusCode()).isEqualTo(400);
    }
}
