/**
 * The append-only audit log: who changed what, when. Each event carries the hash of the previous
 * one, so editing or deleting a row in the database is detected by {@link io.kerasregistry.audit.AuditLog#verify()}.
 */
@NullMarked
package io.kerasregistry.audit;

import org.jspecify.annotations.NullMarked;
