package io.kerasregistry.inference;

/**
 * One regularization penalty, as one entry of Keras's {@code model.losses}.
 *
 * @param layerPath   the layer's path ({@code model_1/dense})
 * @param attribute   {@code kernel_regularizer}, {@code bias_regularizer}, {@code activity_regularizer}, ...
 * @param regularizer the regularizer's name as written ({@code L1L2}, {@code l2}, {@code MyL1Regularizer})
 * @param value       the penalty, accumulated in float64
 */
public record PenaltyTerm(String layerPath, String attribute, String regularizer, double value) {
}
