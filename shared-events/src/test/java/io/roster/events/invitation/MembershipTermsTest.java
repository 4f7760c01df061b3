package io.roster.events.invitation;

import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

class MembershipTermsTest {

    private static final Instant NOW = Instant.parse("2026-12-06T12:00:00Z");

    @Test
    void theEndIsTheDateOrTheJoinPlusTheDaysOrNone() {
        Instant joined = Instant.parse("2026-12-10T08:30:00Z");
        SoftAssertions softly = new SoftAssertions();
        softly.assertThat(new MembershipTerms(null, 30).endFor(joined)).isEqualTo(Instant.parse("2027-01-09T08:30:00Z"));
        softly.assertThat(new MembershipTerms(Instant.parse("2027-03-01T00:00:00Z"), null).endFor(joined))
                .isEqualTo(Instant.parse("2027-03-01T00:00:00Z"));
        softly.assertThat(MembershipTerms.NONE.endFor(joined)).isNull();
        softly.assertThat(MembershipTerms.NONE.ends()).isFalse();
        softly.assertAll();
    }

    @Test
    void anEndDateLapsesAtItsInstant() {
        SoftAssertions softly = new SoftAssertions();
        softly.assertThat(new MembershipTerms(NOW, null).lapsedAt(NOW)).isTrue();
        softly.assertThat(new MembershipTerms(NOW.plusSeconds(1), null).lapsedAt(NOW)).isFalse();
        softly.assertThat(new MembershipTerms(null, 1).lapsedAt(NOW)).as("days never lapse before the join").isFalse();
        softly.assertAll();
    }

    @Test
    void eachBadValueNamesItsField() {
        SoftAssertions softly = new SoftAssertions();
        softly.assertThat(new MembershipTerms(NOW, null).problemAt(NOW)).get()
                .extracting(MembershipTerms.Problem::field).isEqualTo("membershipExpiresAt");
        softly.assertThat(new MembershipTerms(NOW.plus(Duration.ofDays(3651)), null).problemAt(NOW)).get()
                .extracting(MembershipTerms.Problem::field).isEqualTo("membershipExpiresAt");
        softly.assertThat(new MembershipTerms(NOW.plus(Duration.ofDays(3650)), null).problemAt(NOW)).isEmpty();
        softly.assertThat(new MembershipTerms(null, 0).problemAt(NOW)).get()
                .extracting(MembershipTerms.Problem::field).isEqualTo("membershipDays");
        softly.assertThat(new MembershipTerms(null, 3651).problemAt(NOW)).get()
                .extracting(MembershipTerms.Problem::field).isEqualTo("membershipDays");
        softly.assertThat(new MembershipTerms(null, 1).problemAt(NOW)).isEmpty();
        softly.assertThat(new MembershipTerms(null, 3650).problemAt(NOW)).isEmpty();
        softly.assertThat(new MembershipTerms(NOW.plusSeconds(60), 5).problemAt(NOW)).isPresent();
        softly.assertThat(MembershipTerms.NONE.problemAt(NOW)).isEmpty();
        softly.assertAll();
    }
}
