package io.roster.invitation.config;

import io.roster.events.ProblemCode;
import io.roster.kit.web.RuleViolation;
import org.axonframework.modelling.command.AggregateNotFoundException;
import org.axonframework.modelling.command.ConcurrencyException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Axon gives up on a command when the failure or any of its causes is final: a lost race must not look final. */
class CommandRetriesTest {

    @Test
    void aLostRaceAndItsDuplicateKeyCauseAreTransientARuleRefusalIsFinal() {
        IllegalStateException duplicateKey = new IllegalStateException("E11000 duplicate key error");
        ConcurrencyException lostRace = new ConcurrencyException("sequence 4 already taken", duplicateKey);

        assertThat(CommandRetries.isFinal(lostRace)).isFalse();
        assertThat(CommandRetries.isFinal(duplicateKey)).isFalse();
        assertThat(CommandRetries.isFinal(new RuleViolation(ProblemCode.QUOTA_EXHAUSTED, "used up"))).isTrue();
        assertThat(CommandRetries.isFinal(new AggregateNotFoundException("x", "no such link"))).isTrue();
    }
}
