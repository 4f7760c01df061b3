package io.roster.events;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ProblemCodeTest {

    @Test
    void theWireCodesAreTheNamesInLowerCaseWithTheStatusesOfTheProductSpecification() {
        assertThat(ProblemCode.VALIDATION_FAILED.code()).isEqualTo("validation_failed");
        assertThat(ProblemCode.SERVICE_UNAVAILABLE.code()).isEqualTo("service_unavailable");
        assertThat(ProblemCode.INVALID_CREDENTIALS.status()).isEqualTo(401);
        assertThat(ProblemCode.EMAIL_MISMATCH.status()).isEqualTo(403);
        assertThat(ProblemCode.INVITATION_NOT_FOUND.status()).isEqualTo(404);
        assertThat(ProblemCode.LAST_ADMIN.status()).isEqualTo(409);
        assertThat(ProblemCode.IDEMPOTENCY_KEY_REUSED.status()).isEqualTo(409);
        assertThat(ProblemCode.QUOTA_EXHAUSTED.status()).isEqualTo(410);
        assertThat(ProblemCode.RATE_LIMITED.status()).isEqualTo(429);
    }

    @Test
    void readsAWireCodeBack() {
        assertThat(ProblemCode.of("invitation_used")).contains(ProblemCode.INVITATION_USED);
        assertThat(ProblemCode.of("no_such_code")).isEmpty();
        assertThat(ProblemCode.of(null)).isEmpty();
    }

    @Test
    void aStatusWithoutARuleGetsTheGeneralCodeOfItsClass() {
        assertThat(ProblemCode.ofStatus(404)).isEqualTo(ProblemCode.NOT_FOUND);
        assertThat(ProblemCode.ofStatus(418)).isEqualTo(ProblemCode.MALFORMED_REQUEST);
        assertThat(ProblemCode.ofStatus(502)).isEqualTo(ProblemCode.INTERNAL_ERROR);
    }
}
