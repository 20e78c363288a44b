/**
 * Who may do what: API tokens (stored as hashes), the bootstrap admin token, roles, and the
 * HTTP security rules of every endpoint.
 */
@NullMarked
package io.kerasregistry.access;

import org.jspecify.annotations.NullMarked;
