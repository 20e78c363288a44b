package io.kerasregistry.keras;

/**
 * An output tensor of a layer within its network.
 *
 * @param layer  the producing layer's name
 * @param call   which call of that layer (its node index within the enclosing network)
 * @param tensor which output of that call
 */
public record TensorRef(String layer, int call, int tensor) {
}
