package io.kerasregistry.inference;

import io.kerasregistry.keras.Call;
import io.kerasregistry.keras.Layer;
import io.kerasregistry.keras.Network;
import io.kerasregistry.keras.TensorRef;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A network as a list of layer calls in an order where every input is computed before it is used,
 * whatever order the config lists the layers in.
 */
final class CompiledGraph {

    /** One call of one layer. */
    record Node(Layer layer, int call, LayerOp op) {
        String key() {
            return layer.name() + "#" + call;
        }
    }

    private final Network net;
    private final List<Node> order;
    private final Map<String, Integer> callOffset;
    private final Map<String, Integer> remainingUses;
    private final Compilation comp;

    private CompiledGraph(Network net, List<Node> order, Map<String, Integer> callOffset,
            Map<String, Integer> remainingUses, Compilation comp) {
        this.net = net;
        this.order = order;
        this.callOffset = callOffset;
        this.remainingUses = remainingUses;
        this.comp = comp;
    }

    Network network() {
        return net;
    }

    static CompiledGraph build(Network net, Map<String, LayerOp> ops, Compilation comp) {
        Map<String, Layer> byName = new LinkedHashMap<>();
        for (Layer l : net.layers()) {
            if (byName.put(l.name(), l) != null) {
                comp.errors.add("network '" + net.name() + "' has two layers named '" + l.name() + "'");
            }
        }
        Map<String, Integer> offsets = callOffsets(net, byName);
        // which node produces each referenced tensor; network inputs are produced by no node
        List<Node> nodes = new ArrayList<>();
        Map<String, Node> nodeByKey = new HashMap<>();
        for (Layer l : net.layers()) {
            for (int c = 0; c < l.calls().size(); c++) {
                if (CallArgs.hasExplicitMask(l.calls().get(c))) {
                    // masks travel with their tensors here; a mask passed as a separate tensor is not taken in
                    comp.issues.add(new UnsupportedModelFeaturesException.Issue(
                            UnsupportedModelFeaturesException.Kind.OPTION, l.path(), l.className(),
                            "mask passed as an explicit tensor argument"));
                }
                LayerOp op = ops.get(l.name());
                Node n = new Node(l, c, op);
                nodes.add(n);
                nodeByKey.put(n.key(), n);
            }
        }
        Set<String> inputLayers = new HashSet<>();
        for (TensorRef in : net.inputs()) {
            inputLayers.add(in.layer());
            if (!byName.containsKey(in.layer())) {
                comp.errors.add("network '" + net.name() + "' input refers to unknown layer '" + in.layer() + "'");
            }
        }
        // only what the outputs depend on is computed, like Keras's functional call
        Map<String, List<String>> deps = new HashMap<>();
        boolean refsOk = true;
        for (Node n : nodes) {
            List<String> d = new ArrayList<>();
            for (TensorRef r : n.layer().calls().get(n.call()).inputs()) {
                String producer = producerKey(r, byName, offsets, inputLayers);
                if (producer == null) {
                    if (!inputLayers.contains(r.layer())) {
                        comp.errors.add("layer '" + n.layer().path() + "' is called on " + describe(r)
                                + ", which no layer of network '" + net.name() + "' produces");
                        refsOk = false;
                    }
                } else if (!nodeByKey.containsKey(producer)) {
                    comp.errors.add("layer '" + n.layer().path() + "' is called on " + describe(r)
                            + ", which does not exist");
                    refsOk = false;
                } else {
                    d.add(producer);
                }
            }
            deps.put(n.key(), d);
        }
        Set<String> needed = new HashSet<>();
        ArrayDeque<String> todo = new ArrayDeque<>();
        for (TensorRef out : net.outputs()) {
            String p = producerKey(out, byName, offsets, inputLayers);
            if (p != null) {
                if (nodeByKey.containsKey(p)) {
                    todo.add(p);
                } else {
                    comp.errors.add("network '" + net.name() + "' output " + describe(out) + " does not exist");
                    refsOk = false;
                }
            } else if (!inputLayers.contains(out.layer())) {
                comp.errors.add("network '" + net.name() + "' output " + describe(out) + " does not exist");
                refsOk = false;
            }
        }
        while (!todo.isEmpty()) {
            String k = todo.pop();
            if (needed.add(k)) {
                todo.addAll(deps.getOrDefault(k, List.of()));
            }
        }
        if (!refsOk) {
            return new CompiledGraph(net, List.of(), offsets, Map.of(), comp);
        }
        // Kahn's algorithm, taking ready nodes in config order so runs are reproducible
        Map<String, Integer> indegree = new HashMap<>();
        Map<String, List<String>> dependents = new HashMap<>();
        for (Node n : nodes) {
            if (!needed.contains(n.key())) {
                continue;
            }
            List<String> d = deps.get(n.key());
            indegree.put(n.key(), d.size());
            for (String p : d) {
                dependents.computeIfAbsent(p, k -> new ArrayList<>()).add(n.key());
            }
        }
        List<Node> order = new ArrayList<>();
        Set<String> done = new HashSet<>();
        boolean progress = true;
        while (progress) {
            progress = false;
            for (Node n : nodes) {
                String k = n.key();
                if (needed.contains(k) && !done.contains(k) && indegree.get(k) == 0) {
                    order.add(n);
                    done.add(k);
                    progress = true;
                    for (String dep : dependents.getOrDefault(k, List.of())) {
                        indegree.merge(dep, -1, Integer::sum);
                    }
                }
            }
        }
        if (done.size() != needed.size()) {
            String cyc = nodes.stream().filter(n -> needed.contains(n.key()) && !done.contains(n.key()))
                    .map(n -> n.layer().name()).distinct().collect(Collectors.joining(", "));
            comp.errors.add("network '" + net.name() + "' has a cycle among layers: " + cyc);
            return new CompiledGraph(net, List.of(), offsets, Map.of(), comp);
        }
        // how often each tensor is read, to drop intermediates as soon as they are no longer needed
        Map<String, Integer> uses = new HashMap<>();
        for (Node n : order) {
            for (TensorRef r : n.layer().calls().get(n.call()).inputs()) {
                uses.merge(valueKey(r, offsets), 1, Integer::sum);
            }
        }
        for (TensorRef out : net.outputs()) {
            uses.merge(valueKey(out, offsets), 1, Integer::sum);
        }
        return new CompiledGraph(net, order, offsets, uses, comp);
    }

    /**
     * Keras 2 and Keras 3 write the node index of a nested Functional model counting its own
     * internal first node, which is not among its calls here; detect that per layer.
     */
    private static Map<String, Integer> callOffsets(Network net, Map<String, Layer> byName) {
        Map<String, Integer> maxRef = new HashMap<>();
        List<TensorRef> refs = new ArrayList<>(net.outputs());
        for (Layer l : net.layers()) {
            for (Call c : l.calls()) {
                refs.addAll(c.inputs());
            }
        }
        for (TensorRef r : refs) {
            maxRef.merge(r.layer(), r.call(), Math::max);
        }
        Map<String, Integer> offsets = new HashMap<>();
        for (var e : maxRef.entrySet()) {
            Layer l = byName.get(e.getKey());
            if (l != null && l.nested() != null && !l.calls().isEmpty() && e.getValue() == l.calls().size()) {
                offsets.put(l.name(), 1);
            }
        }
        return offsets;
    }

    private static String producerKey(TensorRef r, Map<String, Layer> byName, Map<String, Integer> offsets,
            Set<String> inputLayers) {
        Layer l = byName.get(r.layer());
        if (l == null || (l.calls().isEmpty() && inputLayers.contains(r.layer()))) {
            return null;
        }
        return l.name() + "#" + (r.call() - offsets.getOrDefault(l.name(), 0));
    }

    private static String valueKey(TensorRef r, Map<String, Integer> offsets) {
        return r.layer() + "#" + (r.call() - offsets.getOrDefault(r.layer(), 0)) + "#" + r.tensor();
    }

    private static String describe(TensorRef r) {
        return "'" + r.layer() + "' (call " + r.call() + ", output " + r.tensor() + ")";
    }

    /** Runs the network on its input tensors (in {@link Network#inputs()} order); returns its outputs. */
    List<Tensor> run(List<Tensor> inputs, RunState rs) {
        if (inputs.size() != net.inputs().size()) {
            throw new InferenceException("network '" + net.name() + "' takes " + net.inputs().size()
                    + " inputs, got " + inputs.size());
        }
        Map<String, Tensor> values = new HashMap<>();
        for (int i = 0; i < inputs.size(); i++) {
            TensorRef r = net.inputs().get(i);
            values.put(r.layer() + "#" + r.call() + "#" + r.tensor(), inputs.get(i));
            // an input layer's only output, however it is referenced
            values.put(r.layer() + "#0#0", inputs.get(i));
        }
        Map<String, Integer> uses = new HashMap<>(remainingUses);
        for (Node n : order) {
            Call call = n.layer().calls().get(n.call());
            List<Tensor> in = new ArrayList<>(call.inputs().size());
            for (TensorRef r : call.inputs()) {
                String k = valueKey(r, callOffset);
                Tensor t = values.get(k);
                if (t == null) {
                    throw new InferenceException("layer '" + n.layer().path() + "': input " + describe(r)
                            + " was not computed");
                }
                in.add(t);
                if (!rs.keepLayerOutputs && uses.merge(k, -1, Integer::sum) <= 0) {
                    values.remove(k);
                }
            }
            List<Tensor> out;
            try {
                out = n.op().forward(in, call, rs);
            } catch (InferenceException e) {
                throw e;
            } catch (RuntimeException e) {
                throw new InferenceException("layer '" + n.layer().path() + "' (" + n.layer().className()
                        + ") failed: " + e.getMessage(), e);
            }
            for (int t = 0; t < out.size(); t++) {
                values.put(n.layer().name() + "#" + n.call() + "#" + t, out.get(t));
            }
            comp.afterCall(n.layer().path(), n.layer().className(), n.call(), out, rs);
        }
        List<Tensor> result = new ArrayList<>();
        for (TensorRef r : net.outputs()) {
            Tensor t = values.get(valueKey(r, callOffset));
            if (t == null) {
                throw new InferenceException("network '" + net.name() + "' output " + describe(r)
                        + " was not computed");
            }
            result.add(t);
        }
        return result;
    }
}
