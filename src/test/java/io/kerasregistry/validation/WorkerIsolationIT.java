package io.kerasregistry.validation;

import static org.assertj.core.api.Assertions.assertThat;

import io.kerasregistry.registry.TestModels;
import io.kerasregistry.support.HttpApi;
import io.kerasregistry.support.PackagedService;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Validation runs in child JVMs of the packaged service; the API process never loads ND4J. */
class WorkerIsolationIT {

    @TempDir
    Path directory;

    @Test
    void validatesInAChildProcessWithoutLoadingNativesInTheApiProcess() {
        try (PackagedService service = PackagedService.in(directory).start()) {
            HttpResponse<byte[]> uploaded = service.api().uploadRaw("isolated", TestModels.denseH5(4096),
                    "model.h5&wait=PT180S");
            assertThat(uploaded.statusCode()).as(HttpApi.text(uploaded)).isEqualTo(201);
            assertThat(HttpApi.json(uploaded).at("/validation/status").asString())
                    .as(service.logTail()).isEqualTo("PASSED");
            assertThat(service.loadedNd4jNatives()).isFalse();
        }
    }
}
