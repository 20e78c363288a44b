package io.kerasregistry.keras;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import tools.jackson.databind.JsonNode;

/**
 * A {@code .keras} archive (Keras 3, tf.keras 2.13+): {@code metadata.json} ({@code keras_version},
 * {@code date_saved}), {@code config.json} (the model config with {@code compile_config}) and the
 * weights in {@code model.weights.h5} ({@link Keras3Weights} layout) or {@code model.weights.npz}.
 * Defined by {@code _save_model_to_fileobj} and {@code _load_model_from_fileobj} in
 * {@code keras/src/saving/saving_lib.py}.
 *
 * <p>{@code .npz} weights are numpy archives that may hold pickled objects; they are never opened,
 * only reported.
 */
final class KerasZipReader {

    static final String CONFIG = "config.json";
    static final String METADATA = "metadata.json";
    static final String WEIGHTS_H5 = "model.weights.h5";
    static final String WEIGHTS_NPZ = "model.weights.npz";

    private final KerasReadLimits limits;
    private final KerasJson json;
    private final Path tempDirectory;

    KerasZipReader(KerasReadLimits limits, KerasJson json, Path tempDirectory) {
        this.limits = limits;
        this.json = json;
        this.tempDirectory = tempDirectory;
    }

    KerasModel read(Path file) {
        try (ZipArchive zip = ZipArchive.open(file, limits)) {
            Optional<ZipArchive.Entry> configEntry = zip.entry(CONFIG);
            if (configEntry.isEmpty()) {
                if (zip.entry("saved_model.pb").isPresent() || zip.names().stream().anyMatch(n -> n.endsWith("/saved_model.pb"))) {
                    throw new UnsupportedModelException("this is a zipped TensorFlow SavedModel, not a Keras model file");
                }
                throw new NotAModelFileException("ZIP archive without config.json: not a .keras model");
            }
            String kerasVersion = null;
            Optional<ZipArchive.Entry> metadataEntry = zip.entry(METADATA);
            if (metadataEntry.isPresent()) {
                JsonNode metadata = json.parse(zip.read(metadataEntry.get(), limits.maxJsonBytes()), METADATA);
                kerasVersion = BuiltIns.text(metadata.get("keras_version"));
            }
            JsonNode architecture = json.parse(zip.read(configEntry.get(), limits.maxJsonBytes()), CONFIG);
            JsonNode compile = architecture.get("compile_config");
            JsonNode training = compile != null && compile.isObject() ? compile : null;
            ParsedModel parsed = new ConfigReader(limits).read(architecture, kerasVersion);

            Optional<ZipArchive.Entry> h5Entry = zip.entry(WEIGHTS_H5);
            if (h5Entry.isPresent()) {
                try (Hdf5File h5 = Hdf5File.open(zip.region(h5Entry.get(), tempDirectory), WEIGHTS_H5)) {
                    WeightBudget budget = new WeightBudget(limits);
                    if (h5.hasAttribute(h5.root(), "layer_names") || h5.hasAttribute(h5.root(), "layer_names0")) {
                        Keras2Weights.Result result = Keras2Weights.read(h5, h5.root(), "", parsed, limits, budget);
                        return ModelAssembler.assemble(ModelFormat.KERAS_V3, kerasVersion, null, architecture, training,
                                parsed, result.layers(), result.findings(), true);
                    }
                    Keras3Weights.Result result = Keras3Weights.read(h5, parsed, limits, budget);
                    return ModelAssembler.assemble(ModelFormat.KERAS_V3, kerasVersion, null, architecture, training,
                            parsed, result.layers(), result.findings(), true);
                }
            }
            List<Finding> findings = new ArrayList<>();
            if (zip.entry(WEIGHTS_NPZ).isPresent()) {
                findings.add(new Finding("NPZ_WEIGHTS", Finding.Severity.UNSAFE, "the weights are stored as "
                        + WEIGHTS_NPZ + ", a numpy archive that can hold pickled Python objects (code run on load); "
                        + "it is never opened here, so no weights are listed", null));
            } else if (zip.names().stream().anyMatch(n -> n.startsWith("model.weights") && n.endsWith(".json"))) {
                throw new UnsupportedModelException("the archive holds sharded weights, which are not read");
            } else {
                findings.add(new Finding("NO_WEIGHTS", Finding.Severity.WARNING, "the archive holds no "
                        + WEIGHTS_H5 + " or " + WEIGHTS_NPZ, null));
            }
            return ModelAssembler.assemble(ModelFormat.KERAS_V3, kerasVersion, null, architecture, training, parsed,
                    List.of(), findings, false);
        }
    }

    /** The weights of a {@code .keras} file, opened for reading values. */
    WeightData openWeights(Path file) {
        try (ZipArchive zip = ZipArchive.open(file, limits)) {
            ZipArchive.Entry entry = zip.entry(WEIGHTS_H5).orElseThrow(() -> zip.entry(WEIGHTS_NPZ).isPresent()
                    ? new UnsupportedModelException("the weights are stored as " + WEIGHTS_NPZ + ", which is never read")
                    : new CorruptModelException("the archive holds no " + WEIGHTS_H5));
            return new H5WeightData(Hdf5File.open(zip.region(entry, tempDirectory), WEIGHTS_H5), limits);
        }
    }
}
