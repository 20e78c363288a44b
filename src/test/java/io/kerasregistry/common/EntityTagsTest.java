package io.kerasregistry.common;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class EntityTagsTest {

    @Test
    void ifMatchComparesStronglyAndAcceptsListsAndAStar() {
        assertThat(EntityTags.matchesStrongly("\"3\"", "\"3\"")).isTrue();
        assertThat(EntityTags.matchesStrongly("\"1\", \"3\"", "\"3\"")).isTrue();
        assertThat(EntityTags.matchesStrongly("*", "\"3\"")).isTrue();
        assertThat(EntityTags.matchesStrongly("W/\"3\"", "\"3\"")).isFalse();
        assertThat(EntityTags.matchesStrongly("\"2\"", "\"3\"")).isFalse();
    }

    @Test
    void ifNoneMatchComparesWeakly() {
        assertThat(EntityTags.matchesWeakly("W/\"abc\"", "\"abc\"")).isTrue();
        assertThat(EntityTags.matchesWeakly("\"x\", W/\"abc\"", "\"abc\"")).isTrue();
        assertThat(EntityTags.matchesWeakly("\"abd\"", "\"abc\"")).isFalse();
    }
}
