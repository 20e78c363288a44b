/**
 * The child side of validation: a plain {@code main} (no Spring, no database) that reads a
 * {@link io.kerasregistry.validation.JobSpec}, reloads the model with the catalogue's custom objects,
 * runs it with ND4J and writes a {@link io.kerasregistry.validation.WorkerReport}. The only place
 * besides the inference engine that loads ND4J, always in a process of its own.
 */
@NullMarked
package io.kerasregistry.validation.worker;

import org.jspecify.annotations.NullMarked;
