package io.roster.deployment;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class PlaceholdersTest {

    @Test
    void readsNamesAndDefaultsIncludingNestedOnes() {
        assertThat(Placeholders.in("${SERVER_PORT:8081}")).containsExactly(new Placeholders.Placeholder("SERVER_PORT", "8081"));
        assertThat(Placeholders.in("${ROSTER_SIGNING_KEY_PEM:}")).containsExactly(new Placeholders.Placeholder("ROSTER_SIGNING_KEY_PEM", ""));
        assertThat(Placeholders.in("${REQUIRED}")).containsExactly(new Placeholders.Placeholder("REQUIRED", null));
        assertThat(Placeholders.in("mongodb://${HOST:${FALLBACK:127.0.0.1}}:${PORT:27017}"))
                .extracting(Placeholders.Placeholder::name).containsExactly("HOST", "FALLBACK", "PORT");
        assertThat(Placeholders.in("${spring.application.name}").get(0).isEnvironmentVariable()).isFalse();
        assertThat(Placeholders.in("http://127.0.0.1:8081/x")).isEmpty();
        assertThat(Placeholders.in("${ROSTER_LINK_INVITATION:/invite/{token}}"))
                .containsExactly(new Placeholders.Placeholder("ROSTER_LINK_INVITATION", "/invite/{token}"));
    }

    @Test
    void resolvesToDefaults() {
        assertThat(Placeholders.withDefaults("${SERVER_PORT:8081}")).isEqualTo("8081");
        assertThat(Placeholders.withDefaults("http://${H:${F:localhost}}:${P:80}/x")).isEqualTo("http://localhost:80/x");
        assertThat(Placeholders.withDefaults("${NONE}")).isEmpty();
        assertThat(Placeholders.withDefaults("${L:/verify-email?token={token}}")).isEqualTo("/verify-email?token={token}");
    }

    @Test
    void composeInterpolationGivesDefaultsAndMarksRequiredVariables() {
        assertThat(ComposeFile.interpolate("roster/x:${TAG:-1.0}")).isEqualTo("roster/x:1.0");
        assertThat(ComposeFile.interpolate("${KEY:?set it}")).isEqualTo("<KEY>");
        assertThat(ComposeFile.interpolate("a $$HOME ${B}")).isEqualTo("a $HOME ");
        assertThat(ComposeFile.requiredVariables("${A:?x} ${B:-y} ${C?z}")).isEqualTo(List.of("A", "C"));
        assertThat(ComposeFile.isTakenFromVariable("${ROSTER_X:?set}", "ROSTER_X")).isTrue();
        assertThat(ComposeFile.isTakenFromVariable("literal", "ROSTER_X")).isFalse();
    }
}
