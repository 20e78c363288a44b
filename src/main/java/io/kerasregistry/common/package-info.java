/**
 * What every module shares: the problem types the API answers with, the exception they travel in,
 * and opaque paging cursors. Depends on nothing else in the registry.
 */
@NullMarked
package io.kerasregistry.common;

import org.jspecify.annotations.NullMarked;
