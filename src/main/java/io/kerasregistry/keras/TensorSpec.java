package io.kerasregistry.keras;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A model input or output.
 *
 * @param name  the input or output layer's name
 * @param shape the shape including the batch dimension; {@code null} entries are unknown sizes. An
 *              output whose shape the reader cannot infer from the config (a custom or Lambda layer)
 *              has an empty list: no real shape is empty, since the batch dimension is always there
 * @param dtype {@code float32}, {@code int32}, ... when recorded
 */
public record TensorSpec(String name, List<@Nullable Long> shape, @Nullable String dtype) {
}
