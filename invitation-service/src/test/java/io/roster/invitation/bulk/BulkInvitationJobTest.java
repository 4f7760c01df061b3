package io.roster.invitation.bulk;

import io.roster.events.invitation.BulkInvitationCompleted;
import io.roster.events.invitation.FailedRow;
import io.roster.testsupport.MutableClock;
import org.axonframework.test.aggregate.AggregateTestFixture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** A bulk job records its outcome once, and only an outcome whose rows add up. */
class BulkInvitationJobTest {

    private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");

    private final UUID jobId = UUID.randomUUID();
    private final UUID organizationId = UUID.randomUUID();
    private final UUID admin = UUID.randomUUID();
    private final List<FailedRow> failed = List.of(new FailedRow(3, "x@", "invalid_email", "Not a valid email address."));
    private AggregateTestFixture<BulkInvitationJob> fixture;

    @BeforeEach
    void setUp() {
        fixture = new AggregateTestFixture<>(BulkInvitationJob.class);
        fixture.registerInjectableResource(MutableClock.fixedAt(T0));
        fixture.registerIgnoredField(BulkInvitationCompleted.class, "eventId");
    }

    @Test
    void completingAJobRecordsItsTotalsAndFailedRows() {
        fixture.givenNoPriorActivity()
                .when(new CompleteBulkInvitationCommand(jobId, organizationId, admin, 5, 4, failed))
                .expectEvents(new BulkInvitationCompleted(null, T0, organizationId, admin, jobId, 5, 4, failed));
    }

    @Test
    void aJobCompletesOnce() {
        fixture.given(new BulkInvitationCompleted(UUID.randomUUID(), T0, organizationId, admin, jobId, 1, 1, List.of()))
                .when(new CompleteBulkInvitationCommand(jobId, organizationId, admin, 1, 1, List.of()))
                .expectException(Exception.class);
    }

    @Test
    void countsThatDoNotAddUpAreRefused() {
        fixture.givenNoPriorActivity()
                .when(new CompleteBulkInvitationCommand(jobId, organizationId, admin, 5, 5, failed))
                .expectException(IllegalArgumentException.class)
                .expectNoEvents();
    }
}
