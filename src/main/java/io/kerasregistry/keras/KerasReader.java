package io.kerasregistry.keras;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * Reads every file format Keras has written since 1.2 into a {@link KerasModel}, without running
 * anything the file contains and within {@link KerasReadLimits}.
 *
 * <ul>
 *   <li>{@link #read(Path)}: a full model, recognised by its first bytes (never its name): HDF5 (Keras 1,
 *       Keras 2 / tf.keras, Keras 3's legacy {@code .h5} writer; {@link ModelFormat#KERAS_H5}) or a
 *       {@code .keras} ZIP archive ({@link ModelFormat#KERAS_V3}).</li>
 *   <li>{@link #read(Path, Path)}: weights saved with {@code save_weights} (Keras 2 HDF5 or Keras 3
 *       {@code .weights.h5}) together with the architecture JSON of {@code model.to_json()}
 *       ({@link ModelFormat#KERAS_WEIGHTS_H5}).</li>
 *   <li>{@link #openWeights(Path, KerasModel)}: the weight values of a file read before, one weight at a
 *       time.</li>
 * </ul>
 *
 * <p>Failures are always {@link KerasFileException}s: {@link NotAModelFileException} (not HDF5 or a
 * Keras ZIP at all), {@link CorruptModelException} (damaged, truncated or inconsistent, including
 * cyclic graphs, references to missing layers and weight shapes that contradict the config),
 * {@link UnsupportedModelException} (valid but not read: a weights file alone, sharded or encrypted
 * archives) and {@link ModelLimitExceededException} (beyond the limits: zip bombs, huge declared
 * shapes, configs too large or too deep). Failing to read the file from disk at all is an
 * {@link java.io.UncheckedIOException}.
 *
 * <p>Findings reported in {@link KerasModel#findings()}, by code: {@code LAMBDA_BYTECODE},
 * {@code UNSAFE_MODULE} and {@code NPZ_WEIGHTS} (UNSAFE); {@code TF_OP_LAMBDA},
 * {@code SEQUENTIAL_WITHOUT_INPUT}, {@code KERAS1_MERGE}, {@code MISSING_WEIGHTS},
 * {@code UNMATCHED_WEIGHTS}, {@code NO_WEIGHTS} (WARNING); {@code WEIGHTS_MATCHED_BY_ORDER},
 * {@code NESTED_WEIGHTS_UNSPLIT}, {@code TOP_LEVEL_WEIGHTS}, {@code WEIGHT_GROUP_NAME},
 * {@code WINDOWS_PATHS} (INFO).
 *
 * <p>Instances hold no state beyond their configuration and may be shared between threads.
 */
public final class KerasReader {

    private final KerasReadLimits limits;
    private final KerasJson json;
    private final Path tempDirectory;

    public KerasReader(KerasReadLimits limits) {
        this(limits, Path.of(System.getProperty("java.io.tmpdir")));
    }

    /**
     * @param tempDirectory where compressed {@code model.weights.h5} entries are inflated to while read
     *                      (deleted afterwards); stored entries, as Keras writes them, are read in place
     */
    public KerasReader(KerasReadLimits limits, Path tempDirectory) {
        this.limits = Objects.requireNonNull(limits);
        this.json = new KerasJson(limits);
        this.tempDirectory = Objects.requireNonNull(tempDirectory);
    }

    /**
     * What a file is by its signature alone, for the upload path: HDF5 ({@link ModelFormat#KERAS_H5}; a
     * weights-only HDF5 file is only told apart by reading it) or ZIP ({@link ModelFormat#KERAS_V3});
     * empty for anything else.
     */
    public static Optional<ModelFormat> sniff(Path file) {
        return switch (FileSignature.of(file)) {
            case HDF5 -> Optional.of(ModelFormat.KERAS_H5);
            case ZIP -> Optional.of(ModelFormat.KERAS_V3);
            default -> Optional.empty();
        };
    }

    /** Reads a full model file: HDF5 or {@code .keras}. */
    public KerasModel read(Path file) {
        return switch (signature(file)) {
            case HDF5 -> new H5ModelReader(limits, json).read(file);
            case ZIP -> new KerasZipReader(limits, json, tempDirectory).read(file);
            default -> throw new IllegalStateException("unreachable");
        };
    }

    /**
     * Reads weights saved with {@code save_weights} together with the {@code model.to_json()} architecture.
     * A full HDF5 model given as the weights file is read on its own ({@link ModelFormat#KERAS_H5}).
     */
    public KerasModel read(Path weightsH5, Path architectureJson) {
        FileSignature signature = signature(weightsH5);
        if (signature != FileSignature.HDF5) {
            throw new NotAModelFileException("the weights file is " + signature.description()
                    + "; save_weights files are HDF5");
        }
        return new WeightsPairReader(limits, json).read(weightsH5, architectureJson);
    }

    /**
     * Opens the weight values of {@code file}, read before into {@code model}: the HDF5 file itself, the
     * weights file of a weights + architecture pair, or the {@code .keras} archive. Close the result.
     */
    public WeightData openWeights(Path file, KerasModel model) {
        if (model.format() == ModelFormat.KERAS_V3 && signature(file) == FileSignature.ZIP) {
            return new KerasZipReader(limits, json, tempDirectory).openWeights(file);
        }
        if (signature(file) != FileSignature.HDF5) {
            throw new NotAModelFileException("the file is not HDF5 or a .keras archive holding HDF5 weights");
        }
        return new H5WeightData(Hdf5File.open(FileRegion.ofFile(file), "HDF5 file"), limits);
    }

    private static FileSignature signature(Path file) {
        if (Files.isDirectory(file)) {
            if (Files.exists(file.resolve("saved_model.pb"))) {
                throw new UnsupportedModelException("this is a TensorFlow SavedModel directory, not a Keras model file");
            }
            throw new NotAModelFileException("a directory is not a model file");
        }
        FileSignature signature = FileSignature.of(file);
        switch (signature) {
            case HDF5, ZIP -> {
                return signature;
            }
            case LFS_POINTER -> throw new NotAModelFileException("the file is a Git LFS pointer, not the model it "
                    + "stands for: fetch it with git lfs pull");
            default -> {
                throw new NotAModelFileException(describeOther(file));
            }
        }
    }

    private static String describeOther(Path file) {
        try {
            if (Files.size(file) == 0) {
                return "the file is empty";
            }
            byte[] head = new byte[(int) Math.min(16, Files.size(file))];
            try (var in = Files.newInputStream(file)) {
                int n = in.readNBytes(head, 0, head.length);
                String start = new String(head, 0, n, java.nio.charset.StandardCharsets.ISO_8859_1).stripLeading();
                if (start.startsWith("{")) {
                    return "the file is JSON, not a model: an architecture JSON is read together with its weights file";
                }
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot read " + file, e);
        }
        return "the file is neither HDF5 nor a ZIP archive (.keras)";
    }
}
