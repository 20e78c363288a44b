/**
 * Registered models and their versions: upload, listing, download. Publishes
 * {@link io.kerasregistry.registry.ModelVersionUploaded} and never depends on validation.
 */
@NullMarked
package io.kerasregistry.registry;

import org.jspecify.annotations.NullMarked;
