package io.kerasregistry.keras;

import io.jhdf.api.Dataset;
import io.jhdf.api.Group;
import io.jhdf.api.Node;
import io.kerasregistry.keras.ParsedModel.WalkedLayer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The weights layout of Keras 1, Keras 2, tf.keras and Keras 3's legacy {@code .h5} writer: a group
 * (the file root for {@code save_weights}, {@code /model_weights} in a full model) whose attribute
 * {@code layer_names} lists one subgroup per layer, each with an attribute {@code weight_names} naming
 * its datasets in the layer's weight order. Defined by {@code save_weights_to_hdf5_group},
 * {@code save_attributes_to_hdf5_group} (the {@code layer_names0}, {@code layer_names1}, ... chunks)
 * and {@code load_weights_from_hdf5_group} in tf-keras {@code tf_keras/saving/legacy/hdf5_format.py}
 * and Keras 3 {@code keras/src/legacy/saving/legacy_h5_format.py}.
 *
 * <p>Keras pairs groups with layers by order, skipping layers without weights; groups are matched by
 * name here, which is the same for a full model, and by order only when the names differ (a
 * {@code save_weights} file from another Python session). A nested model's group holds the weights of
 * all its inner layers, trainable ones first; they are attributed to the inner layers by the layer
 * name in each weight's name ({@code Conv1/kernel:0}, {@code sequential/dense/kernel:0}), which keeps
 * each inner layer's weights in its own order.
 */
final class Keras2Weights {

    record Result(List<LayerWeights> layers, List<Finding> findings) {
    }

    private record FileGroup(String name, List<WeightRef> weights) {
    }

    private Keras2Weights() {
    }

    static Result read(Hdf5File h5, Group group, String groupPath, ParsedModel model, KerasReadLimits limits,
            WeightBudget budget) {
        List<String> layerNames = h5.stringListAttribute(group, "layer_names", limits.maxLayers());
        if (layerNames == null) {
            throw new CorruptModelException(h5.description() + ": " + (groupPath.isEmpty() ? "the file" : groupPath)
                    + " has no layer_names attribute");
        }
        List<FileGroup> groups = new ArrayList<>();
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (String name : layerNames) {
            // Keras matches layer_names to layers one to one and refuses a count mismatch
            if (!seen.add(name)) {
                throw new CorruptModelException(h5.description() + ": layer_names lists layer " + name
                        + " more than once");
            }
            Node node = h5.child(group, name);
            if (!(node instanceof Group layerGroup)) {
                throw new CorruptModelException(h5.description() + ": layer group " + name
                        + " listed in layer_names is missing");
            }
            List<String> weightNames = h5.stringListAttribute(layerGroup, "weight_names", limits.maxWeights());
            List<WeightRef> weights = new ArrayList<>();
            for (String weightName : weightNames == null ? List.<String>of() : weightNames) {
                Node weight = h5.byPath(layerGroup, weightName);
                if (!(weight instanceof Dataset dataset)) {
                    throw new CorruptModelException(h5.description() + ": weight " + weightName + " of layer " + name
                            + " is listed in weight_names but missing");
                }
                weights.add(budget.weight(h5, dataset, weightName, groupPath + "/" + name + "/" + weightName));
            }
            if (!weights.isEmpty()) {
                groups.add(new FileGroup(name, weights));
            }
        }
        List<Finding> findings = new ArrayList<>();
        Node topLevel = h5.child(group, "top_level_model_weights");
        if (topLevel instanceof Group top) {
            List<String> names = h5.stringListAttribute(top, "weight_names", limits.maxWeights());
            if (names != null && !names.isEmpty()) {
                findings.add(new Finding("TOP_LEVEL_WEIGHTS", Finding.Severity.INFO, names.size()
                        + " model-level weights (top_level_model_weights) belong to no layer and are not listed",
                        null));
            }
        }
        Map<String, List<WeightRef>> byPath = assign(groups, model, findings, h5.description());
        return new Result(ordered(byPath, model), findings);
    }

    private static Map<String, List<WeightRef>> assign(List<FileGroup> groups, ParsedModel model,
            List<Finding> findings, String description) {
        Map<String, List<WeightRef>> byPath = new LinkedHashMap<>();
        Network network = model.network();
        if (network == null) {
            // no graph to match against (a subclassed architecture): the file's own names
            for (FileGroup group : groups) {
                byPath.put(group.name(), group.weights());
            }
            return byPath;
        }
        Map<String, Layer> topLevel = new HashMap<>();
        for (Layer layer : network.layers()) {
            topLevel.put(layer.name(), layer);
        }
        Map<String, List<String>> walkedByName = new HashMap<>();
        for (WalkedLayer layer : model.layers()) {
            if (!layer.wrapped()) {
                walkedByName.computeIfAbsent(layer.name(), k -> new ArrayList<>()).add(layer.path());
            }
        }
        Map<FileGroup, Layer> toLayer = new LinkedHashMap<>();
        Map<FileGroup, String> toPath = new LinkedHashMap<>();
        List<FileGroup> unmatched = new ArrayList<>();
        Set<String> taken = new HashSet<>();
        for (FileGroup group : groups) {
            Layer layer = topLevel.get(group.name());
            List<String> paths = walkedByName.get(group.name());
            if (layer != null) {
                toLayer.put(group, layer);
                taken.add(layer.name());
            } else if (paths != null && paths.size() == 1) {
                toPath.put(group, paths.get(0));
            } else {
                unmatched.add(group);
            }
        }
        if (!unmatched.isEmpty()) {
            List<Layer> candidates = new ArrayList<>();
            for (Layer layer : network.layers()) {
                if (!taken.contains(layer.name()) && !BuiltIns.WEIGHTLESS_LAYERS.contains(layer.className())) {
                    candidates.add(layer);
                }
            }
            if (candidates.size() != unmatched.size()) {
                throw new CorruptModelException(description + ": the weights of layers "
                        + unmatched.stream().map(FileGroup::name).limit(10).toList()
                        + " match no layer of the architecture by name, and the architecture has "
                        + candidates.size() + " other layers that could hold weights, not " + unmatched.size());
            }
            List<String> pairs = new ArrayList<>();
            for (int i = 0; i < unmatched.size(); i++) {
                toLayer.put(unmatched.get(i), candidates.get(i));
                pairs.add(unmatched.get(i).name() + "->" + candidates.get(i).name());
            }
            findings.add(new Finding("WEIGHTS_MATCHED_BY_ORDER", Finding.Severity.INFO,
                    "the file's layer names differ from the architecture's; weights were paired with layers in order, "
                            + "as Keras's load_weights does: " + String.join(", ", pairs.subList(0,
                            Math.min(pairs.size(), 20))), null));
        }
        for (FileGroup group : groups) {
            Layer layer = toLayer.get(group);
            if (layer == null) {
                byPath.computeIfAbsent(toPath.get(group), k -> new ArrayList<>()).addAll(group.weights());
                continue;
            }
            if (layer.nested() == null) {
                byPath.computeIfAbsent(layer.path(), k -> new ArrayList<>()).addAll(group.weights());
                continue;
            }
            Map<String, List<WeightRef>> split = splitNested(layer.nested(), group.weights());
            if (split == null) {
                byPath.computeIfAbsent(layer.path(), k -> new ArrayList<>()).addAll(group.weights());
                findings.add(new Finding("NESTED_WEIGHTS_UNSPLIT", Finding.Severity.INFO, "the weights of nested model "
                        + layer.path() + " could not be attributed to its inner layers by name; they are listed, in "
                        + "the model's weight order, under the nested model", layer.path()));
            } else {
                split.forEach((path, weights) -> byPath.computeIfAbsent(path, k -> new ArrayList<>()).addAll(weights));
            }
        }
        return byPath;
    }

    /**
     * Attributes each weight of a nested model's group to the innermost layer named in the weight's
     * name ({@code block_1/conv/kernel:0}: {@code conv}, else {@code block_1}); {@code null} when a
     * weight names no inner layer or an ambiguous one.
     */
    private static @Nullable Map<String, List<WeightRef>> splitNested(Network nested, List<WeightRef> weights) {
        Map<String, List<String>> leaves = new HashMap<>();
        collectLeaves(nested, leaves, false);
        Map<String, List<WeightRef>> exact = split(weights, leaves, false);
        if (exact != null) {
            return exact;
        }
        // names from another Python session differ in their counters only (inner_dense_2 for inner_dense)
        Map<String, List<String>> bases = new HashMap<>();
        collectLeaves(nested, bases, true);
        return split(weights, bases, true);
    }

    private static @Nullable Map<String, List<WeightRef>> split(List<WeightRef> weights,
            Map<String, List<String>> leaves, boolean byBase) {
        Map<String, List<WeightRef>> byPath = new LinkedHashMap<>();
        for (WeightRef weight : weights) {
            String name = weight.name();
            int colon = name.lastIndexOf(':');
            if (colon > 0 && name.substring(colon + 1).chars().allMatch(Character::isDigit)) {
                name = name.substring(0, colon);
            }
            String[] segments = name.split("/");
            String target = null;
            for (int i = segments.length - 2; i >= 0 && target == null; i--) {
                List<String> paths = leaves.get(byBase ? base(segments[i]) : segments[i]);
                if (paths != null) {
                    if (paths.size() != 1) {
                        return null;
                    }
                    target = paths.get(0);
                }
            }
            if (target == null) {
                return null;
            }
            byPath.computeIfAbsent(target, k -> new ArrayList<>()).add(weight);
        }
        return byPath;
    }

    private static void collectLeaves(Network network, Map<String, List<String>> leaves, boolean byBase) {
        for (Layer layer : network.layers()) {
            if (layer.nested() != null) {
                collectLeaves(layer.nested(), leaves, byBase);
            } else if (!layer.className().equals("InputLayer")) {
                leaves.computeIfAbsent(byBase ? base(layer.name()) : layer.name(), k -> new ArrayList<>())
                        .add(layer.path());
            }
        }
    }

    /** A layer name without Keras's uniquifying counter: {@code dense_12} to {@code dense}. */
    private static String base(String name) {
        int underscore = name.lastIndexOf('_');
        if (underscore > 0 && underscore < name.length() - 1
                && name.substring(underscore + 1).chars().allMatch(Character::isDigit)) {
            return name.substring(0, underscore);
        }
        return name;
    }

    /** Manifest entries in model order (the order of {@link ParsedModel#layers()}). */
    static List<LayerWeights> ordered(Map<String, List<WeightRef>> byPath, ParsedModel model) {
        List<LayerWeights> out = new ArrayList<>();
        Set<String> done = new HashSet<>();
        for (WalkedLayer layer : model.layers()) {
            List<WeightRef> weights = byPath.get(layer.path());
            if (weights != null && !weights.isEmpty() && done.add(layer.path())) {
                out.add(new LayerWeights(layer.path(), weights));
            }
        }
        byPath.forEach((path, weights) -> {
            if (!weights.isEmpty() && done.add(path)) {
                out.add(new LayerWeights(path, weights));
            }
        });
        return out;
    }
}
