/**
 * Reading Keras model files into an immutable {@link io.kerasregistry.keras.KerasModel}.
 *
 * <p>Knows nothing of Spring or JPA: jhdf, Jackson and {@code java.util.zip} only. Uploaded files
 * are untrusted, so every reader works within {@link io.kerasregistry.keras.KerasReadLimits} and
 * never executes anything a file contains (Lambda bytecode and pickled {@code .npz} data are
 * reported as {@link io.kerasregistry.keras.Finding findings}, never decoded).
 */
@NullMarked
package io.kerasregistry.keras;

import org.jspecify.annotations.NullMarked;
