/**
 * Validation: every upload is reloaded the way Keras would, with the registered custom objects,
 * and run once. Jobs wait in a PostgreSQL queue; supervisors take them with
 * {@code FOR UPDATE SKIP LOCKED} and leases and run each one in a fresh child JVM
 * ({@link io.kerasregistry.validation.worker}), never in the process serving the API: ND4J runs
 * native code that Java cannot interrupt, and a native fault ends the whole JVM.
 */
@NullMarked
package io.kerasregistry.validation;

import org.jspecify.annotations.NullMarked;
