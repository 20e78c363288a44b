package io.kerasregistry.registry;

import io.kerasregistry.common.RegistryException;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import org.jspecify.annotations.Nullable;

/** The {@code ?wait=PT30S} parameter: how long a request may wait for validation to finish. */
public final class Waiting {

    public static final Duration LONGEST = Duration.ofMinutes(5);

    private Waiting() {
    }

    public static Duration parse(@Nullable String wait) {
        if (wait == null || wait.isBlank()) {
            return Duration.ZERO;
        }
        try {
            Duration duration = Duration.parse(wait);
            if (duration.isNegative() || duration.compareTo(LONGEST) > 0) {
                throw RegistryException.invalid("wait must be between PT0S and " + LONGEST + ", not " + wait);
            }
            return duration;
        } catch (DateTimeParseException e) {
            throw RegistryException.invalid("wait must be an ISO-8601 duration such as PT30S, not '" + wait + "'");
        }
    }
}
