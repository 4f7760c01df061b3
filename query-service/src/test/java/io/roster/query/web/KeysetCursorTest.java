package io.roster.query.web;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class KeysetCursorTest {

    @Test
    void aCursorIsTheKeyAndTheIdOfTheLastRow() {
        String text = KeysetCursor.of("ann@example.io", "org:user");
        assertThat(KeysetCursor.parse(text)).contains(new KeysetCursor("ann@example.io", "org:user"));
        // an empty key (a row whose profile is not known yet) is a key like any other
        assertThat(KeysetCursor.parse(KeysetCursor.of("", "org:user"))).contains(new KeysetCursor("", "org:user"));
    }

    @Test
    void anythingElseIsNotACursor() {
        assertThat(KeysetCursor.parse("no separator")).isEmpty();
        assertThat(KeysetCursor.parse("key\n")).isEmpty();
        assertThat(KeysetCursor.parse("a\nb\nc")).isEmpty();
        assertThat(KeysetCursor.parse("k\n" + "x".repeat(2000))).isEmpty();
        assertThat(KeysetCursor.parse(null)).isEmpty();
    }
}
