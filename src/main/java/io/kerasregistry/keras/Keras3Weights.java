package io.kerasregistry.keras;

import io.jhdf.api.Dataset;
import io.jhdf.api.Group;
import io.jhdf.api.Node;
import io.kerasregistry.keras.ParsedModel.WalkedLayer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The weights layout of Keras 3 ({@code model.weights.h5} in a {@code .keras} zip, and
 * {@code .weights.h5}) and of tf.keras 2.13+: a layer's variables are the datasets {@code 0}, {@code 1},
 * ... of {@code <path>/vars}, where the path is built from attribute names and, for containers such as
 * {@code model.layers}, the snake-cased class name with a per-name counter ({@code layers/dense},
 * {@code layers/dense_1}); nested models continue below ({@code layers/sequential/layers/conv2d}), and
 * a layer's sub-objects below it ({@code layers/lstm/cell/vars},
 * {@code layers/bidirectional/forward_layer/cell/vars}). Defined by {@code _save_state},
 * {@code _save_container_state}, {@code _walk_saveable} and {@code H5IOStore} in
 * {@code keras/src/saving/saving_lib.py}; the class name is snake-cased by
 * {@code keras/src/utils/naming.py} {@code to_snake_case}.
 *
 * <p>Two older variants are read too: tf.keras 2.13 ({@code tf_keras/saving/saving_lib.py} before
 * "Fixed saved file namespace") stored layers under {@code _layer_checkpoint_dependencies} with a
 * counter that skipped numbers for layers with weights ({@code dense}, {@code dense_2}), so a class's
 * groups are paired with that class's layers by the rank of their suffix; and files written on Windows
 * named groups with backslashes ({@code _layer_checkpoint_dependencies\dense}), which are read as
 * path separators. Newer Keras writes the layer's {@code name} on its {@code vars} group, which is
 * preferred when present.
 */
final class Keras3Weights {

    record Result(List<LayerWeights> layers, List<Finding> findings) {
    }

    private static final List<String> CONTAINERS = List.of("layers", "_layer_checkpoint_dependencies");
    private static final List<String> PREFERRED_CHILDREN = List.of("cell", "cells", "forward_layer", "backward_layer",
            "layer");
    private static final Pattern NOT_A_WEIGHT = Pattern.compile(
            "^(seed_generator(_\\d+)?|optimizer|metrics|compile_metrics|loss|[a-z_]*_tracker(_\\d+)?)$");
    private static final Set<String> SKIPPED_TOP = Set.of("optimizer", "metrics", "compile_metrics", "loss");
    private static final int MAX_PATH_DEPTH = 64;

    /** One group or dataset of the file, under a path with {@code /} separators only. */
    private static final class TreeNode {
        final String path;
        @Nullable Node node;
        final Set<String> children = new TreeSet<>();

        TreeNode(String path, @Nullable Node node) {
            this.path = path;
            this.node = node;
        }

        boolean dataset() {
            return node instanceof Dataset;
        }
    }

    private final Hdf5File h5;
    private final KerasReadLimits limits;
    private final WeightBudget budget;
    private final Map<String, TreeNode> tree = new HashMap<>();
    private final Set<String> used = new HashSet<>();
    private final Set<String> skipped = new HashSet<>();
    private final List<Finding> findings = new ArrayList<>();
    private boolean backslashes;

    private Keras3Weights(Hdf5File h5, KerasReadLimits limits, WeightBudget budget) {
        this.h5 = h5;
        this.limits = limits;
        this.budget = budget;
    }

    /** Whether the file looks like this layout (has a top-level {@code layers}-like group). */
    static boolean recognises(Hdf5File h5) {
        for (Node node : h5.children(h5.root())) {
            String top = node.getName().replace('\\', '/').split("/", 2)[0];
            if (CONTAINERS.contains(top) || top.equals("vars")) {
                return true;
            }
        }
        return false;
    }

    static Result read(Hdf5File h5, ParsedModel model, KerasReadLimits limits, WeightBudget budget) {
        Keras3Weights reader = new Keras3Weights(h5, limits, budget);
        reader.buildTree();
        Map<String, List<WeightRef>> byPath = new LinkedHashMap<>();
        if (model.network() != null) {
            Set<String> real = new HashSet<>();
            for (WalkedLayer layer : model.layers()) {
                real.add(layer.path());
            }
            reader.readNetwork("", model.network(), real, byPath);
            List<WeightRef> own = reader.ownVars("", "");
            if (!own.isEmpty()) {
                reader.findings.add(new Finding("TOP_LEVEL_WEIGHTS", Finding.Severity.INFO, own.size()
                        + " model-level variables (/vars) belong to no layer and are not listed", null));
            }
        } else {
            reader.readSubclassed(model, byPath);
        }
        reader.reportUnused();
        if (reader.backslashes) {
            reader.findings.add(new Finding("WINDOWS_PATHS", Finding.Severity.INFO,
                    "weight groups are named with '\\' separators (written on Windows); read as paths", null));
        }
        return new Result(Keras2Weights.ordered(byPath, model), reader.findings);
    }

    // ---------------------------------------------------------------- the tree

    private void buildTree() {
        tree.put("", new TreeNode("", h5.root()));
        ArrayDeque<TreeNode> queue = new ArrayDeque<>();
        queue.add(tree.get(""));
        Set<Long> seen = new HashSet<>();
        int maxNodes = limits.maxWeights() * 2 + limits.maxLayers() * 8 + 1024;
        while (!queue.isEmpty()) {
            TreeNode parent = queue.poll();
            if (!(parent.node instanceof Group group)) {
                continue;
            }
            long address = h5.call("reading " + group.getPath(), group::getAddress);
            if (!seen.add(address)) {
                continue;
            }
            for (Node child : h5.children(group)) {
                String name = child.getName();
                if (name.indexOf('\\') >= 0) {
                    backslashes = true;
                }
                String normalised = join(parent.path, name.replace('\\', '/'));
                String[] parts = normalised.split("/");
                if (parts.length > MAX_PATH_DEPTH) {
                    throw new ModelLimitExceededException(h5.description() + ": groups nested more than "
                            + MAX_PATH_DEPTH + " deep");
                }
                // intermediate levels that exist only through a backslash name are virtual groups
                String at = "";
                for (int i = 0; i < parts.length; i++) {
                    String next = join(at, parts[i]);
                    tree.computeIfAbsent(at, p -> new TreeNode(p, null)).children.add(parts[i]);
                    if (i == parts.length - 1) {
                        TreeNode existing = tree.get(next);
                        if (existing == null) {
                            TreeNode node = new TreeNode(next, child);
                            tree.put(next, node);
                            queue.add(node);
                        } else if (existing.node == null) {
                            // a virtual level made real by a later name: keep its children, read its own
                            existing.node = child;
                            queue.add(existing);
                        }
                    } else {
                        tree.computeIfAbsent(next, p -> new TreeNode(p, null));
                    }
                    at = next;
                }
                if (tree.size() > maxNodes) {
                    throw new ModelLimitExceededException(h5.description() + " has more than " + maxNodes
                            + " groups and datasets");
                }
            }
        }
    }

    private static String join(String parent, String child) {
        return parent.isEmpty() ? child : parent + "/" + child;
    }

    private boolean exists(String path) {
        return tree.containsKey(path);
    }

    private List<String> groupKids(String path) {
        TreeNode node = tree.get(path);
        List<String> kids = new ArrayList<>();
        if (node != null) {
            for (String kid : node.children) {
                TreeNode child = tree.get(join(path, kid));
                if (child != null && !child.dataset()) {
                    kids.add(kid);
                }
            }
        }
        return kids;
    }

    private @Nullable String nameAttribute(String groupPath) {
        TreeNode vars = tree.get(join(groupPath, "vars"));
        if (vars == null || vars.node == null || vars.dataset()) {
            return null;
        }
        return h5.stringAttribute(vars.node, "name");
    }

    // ---------------------------------------------------------------- layers

    private void readNetwork(String groupPath, Network network, Set<String> real,
            Map<String, List<WeightRef>> byPath) {
        List<Layer> layers = network.layers().stream().filter(l -> real.contains(l.path())).toList();
        String container = null;
        for (String candidate : CONTAINERS) {
            if (exists(join(groupPath, candidate))) {
                container = join(groupPath, candidate);
                break;
            }
        }
        if (container == null) {
            return;
        }
        Map<String, String> groups = matchContainer(container, layers);
        for (Layer layer : layers) {
            String group = groups.get(layer.name());
            if (group == null) {
                continue;
            }
            String stored = nameAttribute(group);
            if (stored != null && !stored.equals(layer.name())) {
                findings.add(new Finding("WEIGHT_GROUP_NAME", Finding.Severity.INFO, "weight group " + group
                        + " is named " + stored + " but was matched to layer " + layer.path(), layer.path()));
            }
            if (layer.nested() != null) {
                List<WeightRef> own = ownVars(group, "");
                if (!own.isEmpty()) {
                    byPath.computeIfAbsent(layer.path(), k -> new ArrayList<>()).addAll(own);
                }
                readNetwork(group, layer.nested(), real, byPath);
            } else {
                List<WeightRef> weights = new ArrayList<>();
                layerVars(group, "", weights, 0);
                if (!weights.isEmpty()) {
                    byPath.computeIfAbsent(layer.path(), k -> new ArrayList<>()).addAll(weights);
                }
            }
        }
    }

    private void readSubclassed(ParsedModel model, Map<String, List<WeightRef>> byPath) {
        for (String container : CONTAINERS) {
            for (String kid : groupKids(container)) {
                String group = join(container, kid);
                String name = nameAttribute(group);
                List<WeightRef> weights = new ArrayList<>();
                layerVars(group, "", weights, 0);
                if (!weights.isEmpty()) {
                    byPath.computeIfAbsent(name == null ? kid : name, k -> new ArrayList<>()).addAll(weights);
                }
            }
        }
        List<WeightRef> own = ownVars("", "");
        if (!own.isEmpty()) {
            byPath.computeIfAbsent(model.modelName() == null ? model.modelClass() : model.modelName(),
                    k -> new ArrayList<>()).addAll(own);
        }
    }

    /**
     * Pairs each layer with its group in a container: by the {@code name} stored on {@code vars} when
     * every layer of a class has one, else by snake-cased class name and counter suffix, ranked.
     */
    private Map<String, String> matchContainer(String container, List<Layer> layers) {
        List<String> kids = groupKids(container);
        Map<String, String> byStoredName = new HashMap<>();
        for (String kid : kids) {
            String stored = nameAttribute(join(container, kid));
            if (stored != null) {
                byStoredName.putIfAbsent(stored, join(container, kid));
            }
        }
        // kids by their name without the counter suffix, so that each class looks up its groups directly
        Map<String, List<Map.Entry<String, Integer>>> byBase = new HashMap<>();
        for (String kid : kids) {
            Matcher m = COUNTED.matcher(kid);
            if (m.matches() && m.group(2) != null) {
                byBase.computeIfAbsent(m.group(1), k -> new ArrayList<>()).add(Map.entry(kid, Integer.parseInt(m.group(2))));
            }
            byBase.computeIfAbsent(kid, k -> new ArrayList<>()).add(Map.entry(kid, 0));
        }
        Map<String, List<Layer>> byClass = new LinkedHashMap<>();
        for (Layer layer : layers) {
            byClass.computeIfAbsent(layer.className(), k -> new ArrayList<>()).add(layer);
        }
        Map<String, String> result = new HashMap<>();
        for (Map.Entry<String, List<Layer>> entry : byClass.entrySet()) {
            List<Layer> ofClass = entry.getValue();
            if (!byStoredName.isEmpty() && ofClass.stream().allMatch(l -> byStoredName.containsKey(l.name()))) {
                ofClass.forEach(l -> result.put(l.name(), byStoredName.get(l.name())));
                continue;
            }
            List<Map.Entry<String, Integer>> matches = List.of();
            String base = snakeCase(entry.getKey());
            for (String candidate : List.of(snakeCase(entry.getKey()), snakeCaseTfKeras(entry.getKey()))) {
                List<Map.Entry<String, Integer>> found = new ArrayList<>();
                for (Map.Entry<String, Integer> kid : byBase.getOrDefault(candidate, List.of())) {
                    Integer suffix = suffix(kid.getKey(), candidate);
                    if (suffix != null) {
                        found.add(Map.entry(kid.getKey(), suffix));
                    }
                }
                if (!found.isEmpty()) {
                    found.sort(Map.Entry.comparingByValue());
                    matches = found;
                    base = candidate;
                    break;
                }
            }
            if (matches.size() == ofClass.size()) {
                for (int i = 0; i < ofClass.size(); i++) {
                    result.put(ofClass.get(i).name(), join(container, matches.get(i).getKey()));
                }
                continue;
            }
            Set<String> present = new HashSet<>();
            matches.forEach(m -> present.add(m.getKey()));
            for (int i = 0; i < ofClass.size(); i++) {
                String kid = i == 0 ? base : base + "_" + i;
                if (present.contains(kid)) {
                    result.put(ofClass.get(i).name(), join(container, kid));
                }
            }
        }
        // last resort: a group named after the layer itself
        Set<String> taken = new HashSet<>(result.values());
        for (Layer layer : layers) {
            String own = join(container, layer.name());
            if (!result.containsKey(layer.name()) && kids.contains(layer.name()) && !taken.contains(own)) {
                result.put(layer.name(), own);
            }
        }
        return result;
    }

    private static @Nullable Integer suffix(String name, String base) {
        if (name.equals(base)) {
            return 0;
        }
        if (name.startsWith(base + "_")) {
            String rest = name.substring(base.length() + 1);
            if (!rest.isEmpty() && rest.length() < 9 && rest.chars().allMatch(Character::isDigit)) {
                return Integer.valueOf(rest);
            }
        }
        return null;
    }

    private static final Pattern NON_WORD = Pattern.compile("[^\\p{L}\\p{N}_]+");
    private static final Pattern CAPITALISED_WORD = Pattern.compile("(.)([A-Z][a-z]+)");
    private static final Pattern LOWER_UPPER = Pattern.compile("([a-z])([A-Z])");
    private static final Pattern CAPITALISED_WORD_TF = Pattern.compile("(.)([A-Z][a-z0-9]+)");

    /** {@code keras/src/utils/naming.py} {@code to_snake_case}. */
    static String snakeCase(String name) {
        String s = NON_WORD.matcher(name).replaceAll("");
        s = CAPITALISED_WORD.matcher(s).replaceAll("$1_$2");
        return LOWER_UPPER.matcher(s).replaceAll("$1_$2").toLowerCase(Locale.ROOT);
    }

    /** tf-keras {@code tf_keras/utils/generic_utils.py} {@code to_snake_case}. */
    static String snakeCaseTfKeras(String name) {
        String s = CAPITALISED_WORD_TF.matcher(name).replaceAll("$1_$2");
        s = LOWER_UPPER.matcher(s).replaceAll("$1_$2").toLowerCase(Locale.ROOT);
        return !s.isEmpty() && s.charAt(0) != '_' ? s : "private" + s;
    }

    /** The datasets of {@code <group>/vars}, in index order. */
    private List<WeightRef> ownVars(String group, String relative) {
        String vars = join(group, "vars");
        TreeNode node = tree.get(vars);
        List<WeightRef> out = new ArrayList<>();
        if (node == null || node.dataset()) {
            return out;
        }
        List<String> keys = new ArrayList<>();
        for (String kid : node.children) {
            TreeNode child = tree.get(join(vars, kid));
            if (child != null && child.dataset()) {
                keys.add(kid);
            }
        }
        keys.sort(Comparator.comparing((String k) -> k.chars().allMatch(Character::isDigit) && !k.isEmpty() && k.length() < 10
                ? Long.parseLong(k) : Long.MAX_VALUE).thenComparing(k -> k));
        for (String key : keys) {
            String path = join(vars, key);
            TreeNode dataset = tree.get(path);
            used.add(path);
            out.add(budget.weight(h5, (Dataset) dataset.node, join(relative, "vars/" + key),
                    dataset.node.getPath()));
        }
        return out;
    }

    /**
     * A layer's own variables, then its sub-objects' in Keras's weight order: an RNN's cell, a
     * Bidirectional's forward then backward layer, a wrapper's layer, then any other sub-object in the
     * order Keras saves them (alphabetical, private attributes last).
     */
    private void layerVars(String group, String relative, List<WeightRef> out, int depth) {
        if (depth > MAX_PATH_DEPTH) {
            throw new ModelLimitExceededException(h5.description() + ": sub-objects nested too deep under " + group);
        }
        out.addAll(ownVars(group, relative));
        List<String> children = new ArrayList<>(groupKids(group));
        children.remove("vars");
        List<String> ordered = new ArrayList<>();
        for (String preferred : PREFERRED_CHILDREN) {
            if (children.remove(preferred)) {
                ordered.add(preferred);
            }
        }
        children.sort(Comparator.comparing(Keras3Weights::saveOrderKey).thenComparing(Keras3Weights::counter));
        ordered.addAll(children);
        for (String child : ordered) {
            String path = join(group, child);
            if (NOT_A_WEIGHT.matcher(child).matches()) {
                skipped.add(path + "/");
                continue;
            }
            layerVars(path, join(relative, child), out, depth + 1);
        }
    }

    private static final Pattern COUNTED = Pattern.compile("^(.*?)(?:_(\\d{1,8}))?$");

    private static String saveOrderKey(String name) {
        Matcher m = COUNTED.matcher(name);
        String base = m.matches() ? m.group(1) : name;
        return base.startsWith("_") ? "~" + base : base;
    }

    private static int counter(String name) {
        Matcher m = COUNTED.matcher(name);
        return m.matches() && m.group(2) != null ? Integer.parseInt(m.group(2)) : 0;
    }

    private void reportUnused() {
        List<String> unused = new ArrayList<>();
        for (TreeNode node : tree.values()) {
            if (!node.dataset() || used.contains(node.path)) {
                continue;
            }
            String top = node.path.split("/", 2)[0];
            if (SKIPPED_TOP.contains(top) || skipped.stream().anyMatch(node.path::startsWith)) {
                continue;
            }
            if (node.path.startsWith("vars/")) {
                continue;
            }
            unused.add(node.path);
        }
        if (!unused.isEmpty()) {
            unused.sort(null);
            findings.add(new Finding("UNMATCHED_WEIGHTS", Finding.Severity.WARNING, unused.size()
                    + " weight dataset(s) match no layer of the config: " + unused.subList(0, Math.min(5, unused.size())),
                    null));
        }
    }
}
