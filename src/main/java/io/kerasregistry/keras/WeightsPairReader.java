package io.kerasregistry.keras;

import io.jhdf.api.Group;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * Weights saved apart from the architecture: a {@code save_weights} HDF5 file, either Keras 1/2's layout
 * (root attributes {@code layer_names}, {@code backend}, {@code keras_version}; tf-keras
 * {@code save_weights_to_hdf5_group}) or Keras 3's {@code .weights.h5} ({@code layers/<x>/vars/<i>};
 * {@code keras/src/saving/saving_lib.py} {@code save_weights_only}), together with the architecture
 * JSON from {@code model.to_json()} ({@code {"class_name", "config", "keras_version", "backend"}}).
 */
final class WeightsPairReader {

    private final KerasReadLimits limits;
    private final KerasJson json;

    WeightsPairReader(KerasReadLimits limits, KerasJson json) {
        this.limits = limits;
        this.json = json;
    }

    KerasModel read(Path weightsFile, Path architectureFile) {
        JsonNode document = readJson(architectureFile);
        JsonNode architecture = document.get("model_config") != null && document.get("model_config").isObject()
                ? document.get("model_config") : document;
        try (Hdf5File h5 = Hdf5File.open(FileRegion.ofFile(weightsFile), "weights file")) {
            Group root = h5.root();
            if (h5.hasAttribute(root, "model_config")) {
                // a full model was given as the weights file: it carries its own architecture
                return new H5ModelReader(limits, json).read(weightsFile);
            }
            String kerasVersion = first(h5.stringAttribute(root, "keras_version"),
                    BuiltIns.text(document.get("keras_version")));
            String backend = first(h5.stringAttribute(root, "backend"), BuiltIns.text(document.get("backend")));
            ParsedModel parsed = new ConfigReader(limits).read(architecture, kerasVersion);
            WeightBudget budget = new WeightBudget(limits);
            if (h5.hasAttribute(root, "layer_names") || h5.hasAttribute(root, "layer_names0")) {
                Keras2Weights.Result result = Keras2Weights.read(h5, root, "", parsed, limits, budget);
                return ModelAssembler.assemble(ModelFormat.KERAS_WEIGHTS_H5, kerasVersion, backend, architecture,
                        null, parsed, result.layers(), result.findings(), true);
            }
            if (Keras3Weights.recognises(h5)) {
                Keras3Weights.Result result = Keras3Weights.read(h5, parsed, limits, budget);
                return ModelAssembler.assemble(ModelFormat.KERAS_WEIGHTS_H5, kerasVersion, backend, architecture,
                        null, parsed, result.layers(), result.findings(), true);
            }
            throw new CorruptModelException("the weights file has neither Keras 2's layer_names attribute nor Keras 3's "
                    + "layers/ groups");
        }
    }

    private JsonNode readJson(Path file) {
        byte[] bytes;
        try {
            long size = Files.size(file);
            if (size > limits.maxJsonBytes()) {
                throw new ModelLimitExceededException("the architecture JSON is " + size + " bytes, more than the limit of "
                        + limits.maxJsonBytes());
            }
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        if (FileSignature.of(bytes) != FileSignature.OTHER) {
            throw new NotAModelFileException("the architecture file is " + FileSignature.of(bytes).description()
                    + ", not the JSON of model.to_json()");
        }
        JsonNode document = json.parse(bytes, "architecture JSON");
        if (!document.isObject()) {
            throw new CorruptModelException("the architecture JSON is not an object");
        }
        return document;
    }

    private static @Nullable String first(@Nullable String a, @Nullable String b) {
        return a != null ? a : b;
    }
}
