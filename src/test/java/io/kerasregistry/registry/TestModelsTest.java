package io.kerasregistry.registry;

import static org.assertj.core.api.Assertions.assertThat;

import io.kerasregistry.keras.KerasModel;
import io.kerasregistry.keras.KerasReadLimits;
import io.kerasregistry.keras.KerasReader;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The models the registry tests upload are ones the Keras reader takes for real Keras files. */
class TestModelsTest {

    @TempDir
    Path dir;

    @Test
    void aWrittenDenseModelReadsBackWithItsLayersAndParameters() throws Exception {
        Path file = dir.resolve("m.h5");
        Files.write(file, TestModels.dense(4, new int[] {8, 3}, 7));

        KerasModel model = new KerasReader(KerasReadLimits.defaults()).read(file);

        assertThat(model.modelClass()).isEqualTo("Sequential");
        assertThat(model.kerasVersion()).isEqualTo("2.15.0");
        assertThat(model.layers()).extracting(l -> l.className()).containsExactly("InputLayer", "Dense", "Dense");
        assertThat(model.paramCount()).isEqualTo(4 * 8 + 8 + 8 * 3 + 3);
    }
}
