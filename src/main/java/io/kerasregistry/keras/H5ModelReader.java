package io.kerasregistry.keras;

import io.jhdf.api.Group;
import io.jhdf.api.Node;
import java.nio.file.Path;
import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * A full model in HDF5, as Keras 1, Keras 2, tf.keras and Keras 3's legacy writer save it: root
 * attributes {@code model_config} (JSON), {@code training_config} (JSON, when compiled),
 * {@code keras_version} and {@code backend} (both absent in Keras 1), and the weights in
 * {@code /model_weights} in the {@link Keras2Weights} layout. Defined by {@code save_model_to_hdf5}
 * in tf-keras {@code tf_keras/saving/legacy/hdf5_format.py} and Keras 3
 * {@code keras/src/legacy/saving/legacy_h5_format.py}.
 */
final class H5ModelReader {

    private final KerasReadLimits limits;
    private final KerasJson json;

    H5ModelReader(KerasReadLimits limits, KerasJson json) {
        this.limits = limits;
        this.json = json;
    }

    KerasModel read(Path file) {
        try (Hdf5File h5 = Hdf5File.open(FileRegion.ofFile(file), "HDF5 file")) {
            Group root = h5.root();
            h5.requireAcyclic(root, limits.maxWeights() + 4 * limits.maxLayers() + 1_000);
            String modelConfig = h5.stringAttribute(root, "model_config");
            if (modelConfig == null) {
                throw notAFullModel(h5);
            }
            JsonNode architecture = json.parse(modelConfig, "model_config");
            String trainingText = h5.stringAttribute(root, "training_config");
            JsonNode training = trainingText == null ? null : json.parse(trainingText, "training_config");
            Node weightsNode = h5.child(root, "model_weights");
            String kerasVersion = h5.stringAttribute(root, "keras_version");
            String backend = h5.stringAttribute(root, "backend");
            if (weightsNode instanceof Group weights) {
                kerasVersion = kerasVersion != null ? kerasVersion : h5.stringAttribute(weights, "keras_version");
                backend = backend != null ? backend : h5.stringAttribute(weights, "backend");
            }
            ParsedModel parsed = new ConfigReader(limits).read(architecture, kerasVersion);
            if (!(weightsNode instanceof Group weights)) {
                Finding none = new Finding("NO_WEIGHTS", Finding.Severity.WARNING,
                        "the file has no model_weights group: the model was saved without weights", null);
                return ModelAssembler.assemble(ModelFormat.KERAS_H5, kerasVersion, backend, architecture, training,
                        parsed, List.of(), List.of(none), false);
            }
            Keras2Weights.Result result = Keras2Weights.read(h5, weights, "/model_weights", parsed, limits,
                    new WeightBudget(limits));
            return ModelAssembler.assemble(ModelFormat.KERAS_H5, kerasVersion, backend, architecture, training, parsed,
                    result.layers(), result.findings(), true);
        }
    }

    /** Why an HDF5 file without {@code model_config} is not read on its own. */
    static KerasFileException notAFullModel(Hdf5File h5) {
        Group root = h5.root();
        if (h5.hasAttribute(root, "layer_names") || h5.hasAttribute(root, "layer_names0")) {
            return new UnsupportedModelException("this is a weights-only HDF5 file (Keras save_weights): upload it "
                    + "together with the model's architecture JSON (model.to_json())");
        }
        if (Keras3Weights.recognises(h5)) {
            return new UnsupportedModelException("this is a Keras 3 weights file (.weights.h5): upload it together "
                    + "with the model's architecture JSON (model.to_json())");
        }
        return new NotAModelFileException("HDF5 file without a Keras model: no model_config attribute and no Keras "
                + "weights layout");
    }

}
