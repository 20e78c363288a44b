/**
 * A forward pass of a {@link io.kerasregistry.keras.KerasModel} on ND4J, with the model's stored
 * weights, computing what Keras computes.
 *
 * <p>The entry point is {@link io.kerasregistry.inference.InferenceEngine}. Only
 * {@link io.kerasregistry.inference.Capabilities}, the exceptions and the custom-object interfaces
 * may be loaded by a process that must not initialise ND4J natives (the HTTP API): they import
 * nothing from {@code org.nd4j} except {@code INDArray} in interface signatures, which the JVM only
 * resolves when such a method is called.
 */
@NullMarked
package io.kerasregistry.inference;

import org.jspecify.annotations.NullMarked;
