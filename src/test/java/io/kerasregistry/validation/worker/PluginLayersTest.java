package io.kerasregistry.validation.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kerasregistry.inference.CustomLayer;
import io.kerasregistry.inference.InferenceException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import tools.jackson.databind.JsonNode;

/** One broken plug-in must not cost the models that use another. */
class PluginLayersTest {

    @TempDir
    Path folder;

    /** A plug-in that works. */
    public static final class Working implements CustomLayer {
        @Override
        public String name() {
            return "Working";
        }

        @Override
        public List<INDArray> forward(JsonNode config, List<INDArray> weights, List<INDArray> inputs) {
            return inputs;
        }
    }

    /** A plug-in whose constructor fails, as one missing a resource it needs would. */
    public static final class FailingConstructor implements CustomLayer {
        public FailingConstructor() {
            throw new IllegalStateException("license file not found");
        }

        @Override
        public String name() {
            return "Failing";
        }

        @Override
        public List<INDArray> forward(JsonNode config, List<INDArray> weights, List<INDArray> inputs) {
            return inputs;
        }
    }

    @BeforeEach
    void installJarDeclaringAWorkingABrokenAndAMissingClass() throws IOException {
        String declarations = String.join("\n", FailingConstructor.class.getName(), "com.example.NotInAnyJar",
                Working.class.getName()) + "\n";
        try (OutputStream out = Files.newOutputStream(folder.resolve("plugins.jar"));
                JarOutputStream jar = new JarOutputStream(out)) {
            jar.putNextEntry(new JarEntry("META-INF/services/" + CustomLayer.class.getName()));
            jar.write(declarations.getBytes(StandardCharsets.UTF_8));
            jar.closeEntry();
        }
    }

    @Test
    void aWorkingPluginIsFoundBesideBrokenOnes() {
        PluginLayers plugins = new PluginLayers(folder);

        assertThat(plugins.find(Working.class.getName())).get().isInstanceOf(Working.class);
    }

    @Test
    void aPluginThatCannotBeConstructedIsReportedWithItsCause() {
        PluginLayers plugins = new PluginLayers(folder);

        assertThatThrownBy(() -> plugins.find(FailingConstructor.class.getName()))
                .isInstanceOf(InferenceException.class)
                .hasMessageContaining(FailingConstructor.class.getName())
                .hasMessageContaining("license file not found");
    }

    @Test
    void anUndeclaredClassIsAbsentAndUnreadableDeclarationsAreKept() {
        PluginLayers plugins = new PluginLayers(folder);

        assertThat(plugins.find("com.example.Other")).isEmpty();
        assertThat(plugins.problems()).anySatisfy(p -> assertThat(p).contains("com.example.NotInAnyJar"));
    }

    @Test
    void noFolderMeansNoPlugins() {
        assertThat(new PluginLayers(folder.resolve("absent")).find(Working.class.getName())).isEmpty();
    }
}
