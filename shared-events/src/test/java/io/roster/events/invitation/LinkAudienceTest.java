package io.roster.events.invitation;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class LinkAudienceTest {

    @Test
    void noPatternsAdmitAnyoneADomainOnlyItsOwnAddressesAndAnAddressOnlyItself() {
        assertThat(LinkAudience.admits(List.of(), "x@y.io")).isTrue();
        assertThat(LinkAudience.admits(List.of("ann@x.io"), "ann@x.io")).isTrue();
        assertThat(LinkAudience.admits(List.of("ann@x.io"), "bob@x.io")).isFalse();
        assertThat(LinkAudience.admits(List.of("*@x.io"), "bob@x.io")).isTrue();
        assertThat(LinkAudience.admits(List.of("*@x.io"), "bob@notx.io")).as("not a suffix of another domain").isFalse();
        assertThat(LinkAudience.admits(List.of("*@x.io"), "bob@sub.x.io")).as("not a subdomain").isFalse();
        assertThat(LinkAudience.admits(List.of("*@x.io"), null)).isFalse();
    }

    @Test
    void patternsAreNormalizedAndCheckedWithTheAddressRule() {
        assertThat(LinkAudience.normalize(" *@B\u00fccher.Example ")).isEqualTo("*@xn--bcher-kva.example");
        assertThat(LinkAudience.normalize("Ann@X.io")).isEqualTo("ann@x.io");
        assertThat(LinkAudience.isValid("*@example.com")).isTrue();
        assertThat(LinkAudience.isValid("ann@example.com")).isTrue();
        assertThat(LinkAudience.isValid("*@localhost")).isFalse();
        assertThat(LinkAudience.isValid("ann@localhost")).isFalse();
        assertThat(LinkAudience.isValid("*@")).isFalse();
    }
}
