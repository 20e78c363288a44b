package io.kerasregistry.common;

/**
 * Matching {@code If-Match} / {@code If-None-Match} header values (RFC 9110 §13.1) against an
 * entity tag: a list of tags or {@code *}.
 */
public final class EntityTags {

    private EntityTags() {
    }

    /** Strong comparison, for {@code If-Match}: a weak tag never matches. */
    public static boolean matchesStrongly(String header, String etag) {
        for (String tag : header.split(",")) {
            String t = tag.trim();
            if (t.equals("*") || t.equals(etag)) {
                return true;
            }
        }
        return false;
    }

    /** Weak comparison, for {@code If-None-Match}: {@code W/"x"} matches {@code "x"}. */
    public static boolean matchesWeakly(String header, String etag) {
        String bare = etag.startsWith("W/") ? etag.substring(2) : etag;
        for (String tag : header.split(",")) {
            String t = tag.trim();
            if (t.equals("*") || (t.startsWith("W/") ? t.substring(2) : t).equals(bare)) {
                return true;
            }
        }
        return false;
    }
}
