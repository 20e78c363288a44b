package io.kerasregistry.keras;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A model input or output.
 *
 * @param name  the input or output layer's name
 * @param shape the shape including the batch dimension; {@code null} entries are unknown sizes
 * @param dtype {@code float32}, {@code int32}, ... when recorded
 */
public record TensorSpec(String name, List<@Nullable Long> shape, @Nullable String dtype) {
}
