package io.kerasregistry.keras;

import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * One call of a layer (an inbound node in Keras's terms).
 *
 * @param inputs the tensors passed, in order
 * @param kwargs keyword arguments stored with the call ({@code mask}, {@code training}, ...), as stored;
 *               tensor-valued keyword arguments ({@code initial_state}) appear in {@code inputs} too
 */
public record Call(List<TensorRef> inputs, Map<String, JsonNode> kwargs) {

    public Call {
        inputs = List.copyOf(inputs);
        kwargs = Map.copyOf(kwargs);
    }
}
