package io.kerasregistry.keras;

import java.util.List;

/**
 * A Sequential or Functional model as a graph, normalised across Keras eras: a Sequential is a
 * chain of calls, Keras 1's bare layer list and Keras 3's {@code args}/{@code kwargs} nodes are
 * rewritten to the same {@link Call} form.
 *
 * @param name      the model's name
 * @param className {@code Sequential}, {@code Functional} or {@code Model}
 * @param layers    the layers in config order (nested models are layers with {@link Layer#nested()})
 * @param inputs    the graph's input tensors
 * @param outputs   the graph's output tensors
 */
public record Network(String name, String className, List<Layer> layers, List<TensorRef> inputs,
        List<TensorRef> outputs) {

    public Network {
        layers = List.copyOf(layers);
        inputs = List.copyOf(inputs);
        outputs = List.copyOf(outputs);
    }
}
