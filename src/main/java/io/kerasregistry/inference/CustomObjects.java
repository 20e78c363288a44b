package io.kerasregistry.inference;

import java.util.Optional;

/**
 * Where the engine looks up the objects a model names but Keras does not ship, as Keras does
 * through {@code custom_objects}. The custom-object catalogue implements it.
 */
public interface CustomObjects {

    /** A custom activation by the name the file uses ({@code my_softplus}). */
    default Optional<CustomActivation> activation(String name) {
        return Optional.empty();
    }

    /** A custom layer by registered name or class name ({@code MyDense}, {@code pkg>MyDense}). */
    default Optional<CustomLayer> layer(String name) {
        return Optional.empty();
    }

    /** A custom regularizer by registered name, class name or function name. */
    default Optional<CustomRegularizer> regularizer(String name) {
        return Optional.empty();
    }

    /** No custom objects at all. */
    static CustomObjects none() {
        return new CustomObjects() {
        };
    }
}
