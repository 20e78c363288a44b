package io.kerasregistry.common;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.regex.Pattern;

/**
 * An opaque keyset-paging cursor: the sort key of the last item of a page, tagged with what is being
 * paged so a cursor from one listing cannot be replayed against another. Opaque to clients, so its
 * encoding may change; keyset (not OFFSET) paging keeps deep pages as cheap as the first.
 */
public final class Cursor {

    private static final Pattern SEPARATOR = Pattern.compile("\u001f");

    private Cursor() {
    }

    public static String encode(String listing, String... keys) {
        String raw = listing + "\u001f" + String.join("\u001f", keys);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(StandardCharsets.UTF_8));
    }

    /** The keys of a cursor made by {@link #encode} for {@code listing}; a 400 problem otherwise. */
    public static List<String> decode(String listing, String cursor, int keyCount) {
        String raw;
        try {
            raw = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw RegistryException.invalid("cursor is not one this service issued");
        }
        String[] parts = SEPARATOR.split(raw, -1);
        if (parts.length != keyCount + 1 || !parts[0].equals(listing)) {
            throw RegistryException.invalid("cursor is not one this service issued for this listing");
        }
        return List.of(parts).subList(1, parts.length);
    }

    public static long decodeLong(String listing, String cursor) {
        try {
            return Long.parseLong(decode(listing, cursor, 1).get(0));
        } catch (NumberFormatException e) {
            throw RegistryException.invalid("cursor is not one this service issued for this listing");
        }
    }
}
