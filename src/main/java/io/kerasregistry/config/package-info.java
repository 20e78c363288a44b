/**
 * Wiring: the embedded default database, web and JSON settings, the single place where exceptions
 * become problem details, and (later) security. May use every other module.
 */
@NullMarked
package io.kerasregistry.config;

import org.jspecify.annotations.NullMarked;
