package io.kerasregistry.audit;

import org.jspecify.annotations.Nullable;

/**
 * The outcome of re-computing the audit chain.
 *
 * @param eventsChecked  how many events were read
 * @param intact         every hash matched
 * @param firstBrokenId  the first event whose hash or link does not match, when not intact
 * @param problem        what does not match
 */
public record ChainVerification(long eventsChecked, boolean intact, @Nullable Long firstBrokenId,
        @Nullable String problem) {
}
