package io.roster.notification.delivery;

import io.roster.testsupport.MutableClock;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.roster.events.EventEnvelope;
import io.roster.events.Topics;
import io.roster.events.invitation.InvitationIssued;
import io.roster.events.notification.NotificationFailed;
import io.roster.events.notification.NotificationKind;
import io.roster.notification.TestEnvironment;
import io.roster.notification.email.Composition;
import io.roster.notification.email.EmailComposer;
import io.roster.notification.email.RenderedEmail;
import io.roster.notification.settings.SmtpRouting;
import io.roster.notification.smtp.MailGateway;
import io.roster.notification.smtp.SmtpFailure;
import io.roster.notification.smtp.SmtpServer;
import io.roster.notification.smtp.TlsMode;
import io.roster.testsupport.EmbeddedInfrastructure;
import io.roster.testsupport.fault.TcpProxy;
import com.mongodb.MongoException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.kafka.core.KafkaTemplate;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

/** One delivery's attempts against a real (embedded) MongoDB, with a scripted SMTP server and clock. */
class DeliveryProcessorTest {

    private final MongoClient client = MongoClients.create(EmbeddedInfrastructure.mongoUri());
    private final String database = "delivery-unit-" + UUID.randomUUID();
    private final DeliveryDocuments documents = new DeliveryDocuments(client.getDatabase(database));
    private final DeliveryQueue queue = new DeliveryQueue(documents);
    private final DeliveryLog log = new DeliveryLog(documents);
    // MongoDB keeps milliseconds, so the clock starts on one
    private final MutableClock clock = MutableClock.fixedAt(Instant.now().truncatedTo(ChronoUnit.MILLIS));
    private final DeliveryProperties properties = new DeliveryProperties(true, 1, 2, Duration.ofMillis(100), Duration.ofSeconds(30),
            Duration.ofSeconds(5), Duration.ofMinutes(5), 3, Duration.ofSeconds(10), 2, Duration.ofMinutes(1), Duration.ofMinutes(5), Duration.ofSeconds(1),
            Duration.ofSeconds(30), Duration.ofSeconds(1));
    private final List<ProducerRecord<String, byte[]>> published = java.util.Collections.synchronizedList(new ArrayList<>());
    private final SmtpRouting routing = mock(SmtpRouting.class);
    private final EmailComposer composer = mock(EmailComposer.class);
    private final ScriptedGateway gateway = new ScriptedGateway();
    private final UnsentClaims unsent = new UnsentClaims();
    private final OutcomePublisher publisher;
    private final DeliveryProcessor processor;

    @SuppressWarnings("unchecked")
    DeliveryProcessorTest() {
        KafkaTemplate<String, byte[]> kafka = mock(KafkaTemplate.class);
        when(kafka.send(any(ProducerRecord.class))).thenAnswer(call -> {
            published.add(call.getArgument(0));
            return CompletableFuture.completedFuture(null);
        });
        when(routing.serverFor(any())).thenReturn(new SmtpServer("smtp.example", 25, TlsMode.NONE, null, null, "from@x.io", "X", true));
        when(composer.compose(any(), any())).thenReturn(new Composition.Ready("ann@x.io", new RenderedEmail("Hi", "text", "<p>html</p>")));
        publisher = new OutcomePublisher(kafka, queue, new SimpleMeterRegistry());
        processor = new DeliveryProcessor(queue, routing, composer, gateway, publisher, properties, clock, new SimpleMeterRegistry(),
                unsent);
    }

    @AfterEach
    void close() {
        client.close();
    }

    @Test
    void transientFailuresRetryWithGrowingBackoffAndTheLastOneFailsWithNotificationFailedAndADeadLetter() {
        gateway.connectFailure = SmtpFailure.transientFailure("cannot reach the SMTP server: ConnectException Connection refused", null);
        InvitationIssued event = recordInvitation();

        List<Duration> waits = new ArrayList<>();
        for (int attempt = 1; attempt <= 2; attempt++) {
            Delivery claim = claim().orElseThrow();
            assertThat(processor.process(claim, true)).isEqualTo(Attempt.TRANSIENT_FAILURE);
            Delivery retrying = log.find(claim.notificationId()).orElseThrow();
            assertThat(retrying.status()).isEqualTo(DeliveryStatus.RETRYING);
            assertThat(retrying.attempts()).isEqualTo(attempt);
            assertThat(claim()).as("not due before its backoff").isEmpty();
            waits.add(Duration.between(clock.instant(), retrying.dueAt()));
            clock.set(retrying.dueAt());
        }
        assertThat(waits.get(0)).isBetween(Duration.ofSeconds(9), Duration.ofSeconds(11));
        assertThat(waits.get(1)).isBetween(Duration.ofSeconds(18), Duration.ofSeconds(22));

        Delivery last = claim().orElseThrow();
        assertThat(processor.process(last, true)).isEqualTo(Attempt.TRANSIENT_FAILURE);
        Delivery failed = log.find(last.notificationId()).orElseThrow();
        assertThat(failed.status()).isEqualTo(DeliveryStatus.FAILED);
        assertThat(failed.attempts()).isEqualTo(3);
        assertThat(failed.lastError()).isEqualTo("gave up after 3 attempts: cannot reach the SMTP server: ConnectException Connection refused");
        assertThat(failed.dueAt()).isNull();
        assertThat(claim()).isEmpty();

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(published).hasSize(2));
        assertThat(published.get(0).topic()).isEqualTo(Topics.NOTIFICATION);
        assertThat(published.get(0).key()).isEqualTo(failed.notificationId().toString());
        assertThat(TestEnvironment.decode(received(published.get(0))).event()).isInstanceOfSatisfying(NotificationFailed.class, f -> {
            assertThat(f.attempts()).isEqualTo(3);
            assertThat(f.triggeringEventId()).isEqualTo(event.eventId());
            assertThat(f.kind()).isEqualTo(NotificationKind.INVITATION);
            assertThat(f.error()).startsWith("gave up after 3 attempts");
        });
        assertThat(published.get(1).topic()).isEqualTo(Topics.deadLetter(Topics.INVITATION));
        assertThat(TestEnvironment.decode(received(published.get(1))).event()).isEqualTo(event);
    }

    @Test
    void aPermanentRefusalFailsAtTheFirstAttempt() {
        gateway.sendFailure = SmtpFailure.permanent("the SMTP server answered 550 5.1.1 no such user", null);
        recordInvitation();
        Delivery claim = claim().orElseThrow();
        assertThat(processor.process(claim, true)).isEqualTo(Attempt.PERMANENT_FAILURE);
        Delivery failed = log.find(claim.notificationId()).orElseThrow();
        assertThat(failed.status()).isEqualTo(DeliveryStatus.FAILED);
        assertThat(failed.attempts()).isEqualTo(1);
        assertThat(failed.lastError()).contains("550");
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(published).hasSize(2));
    }

    @Test
    void anEmailWaitingForAFactDoesNotUseUpAttemptsAndFailsWhenTheFactNeverComes() {
        when(composer.compose(any(), any())).thenReturn(new Composition.Waiting("waiting for the address of user u"));
        recordInvitation();
        Delivery claim = claim().orElseThrow();
        assertThat(processor.process(claim, true)).isEqualTo(Attempt.DEFERRED);
        Delivery waiting = log.find(claim.notificationId()).orElseThrow();
        assertThat(waiting.status()).isEqualTo(DeliveryStatus.PENDING);
        assertThat(waiting.attempts()).isZero();
        assertThat(waiting.lastError()).isEqualTo("waiting for the address of user u");
        assertThat(gateway.connects.get()).isZero();

        clock.set(waiting.createdAt().plus(properties.factsWait()).plusSeconds(1));
        assertThat(processor.process(claim().orElseThrow(), true)).isEqualTo(Attempt.UNSENDABLE);
        assertThat(log.find(claim.notificationId()).orElseThrow().lastError())
                .isEqualTo("gave up waiting for the address of user u after PT5M");
    }

    @Test
    void aWorkerThatLostItsLeaseNeitherSendsNorOverwritesTheNewHolder() {
        recordInvitation();
        Delivery stale = claim().orElseThrow();
        clock.advance(properties.lease().plusSeconds(1));
        Delivery current = claim().orElseThrow();
        assertThat(current.leaseToken()).isNotEqualTo(stale.leaseToken());

        assertThat(processor.process(stale, true)).isEqualTo(Attempt.LOST);
        assertThat(gateway.sent).isEmpty();
        assertThat(processor.process(current, true)).isEqualTo(Attempt.SENT);
        assertThat(gateway.sent).hasSize(1);
        Delivery sent = log.find(current.notificationId()).orElseThrow();
        assertThat(sent.status()).isEqualTo(DeliveryStatus.SENT);
        assertThat(sent.attempts()).isEqualTo(2);
    }

    @Test
    void aWorkerTakenForDeadThatDidSendCorrectsUnknownToSentWithASecondOutcomeEvent() {
        recordInvitation();
        Delivery claim = claim().orElseThrow();
        // while this worker is in the SMTP transaction, its lease runs out and another instance's recovery sees it
        gateway.duringSend = () -> {
            clock.advance(properties.lease().plusSeconds(1));
            assertThat(queue.expireOneInFlight(clock.instant())).isPresent();
        };
        assertThat(processor.process(claim, true)).isEqualTo(Attempt.SENT);

        Delivery sent = log.find(claim.notificationId()).orElseThrow();
        assertThat(sent.status()).isEqualTo(DeliveryStatus.SENT);
        assertThat(sent.outcomes()).isEqualTo(2);
        assertThat(gateway.sent).hasSize(1);
        // the unknown outcome published by the recovery is not this test's (it has no publisher); the correction is
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(published).singleElement().satisfies(record -> {
            EventEnvelope envelope = TestEnvironment.decode(received(record));
            assertThat(envelope.sequenceNumber()).isEqualTo(1);
            assertThat(envelope.event()).isInstanceOf(io.roster.events.notification.NotificationSent.class);
        }));
    }

    /**
     * The write of {@code sending} reaches MongoDB, but its answer comes after the client gave up (a slow link: each
     * chunk held 1.5 s, the client's socket timeout 1 s). No SMTP transaction started, so when the lease runs out the
     * recovery puts the email back in the queue instead of recording an unknown outcome, and it is sent once.
     */
    @Test
    void aWriteOfSendingThatTimedOutAfterMongoDbAppliedItPutsTheEmailBackInsteadOfMakingItUnknown() {
        recordInvitation();
        Delivery claim = claim().orElseThrow();
        int mongoPort = Integer.parseInt(EmbeddedInfrastructure.mongoUri().substring(EmbeddedInfrastructure.mongoUri().lastIndexOf(':') + 1));
        try (TcpProxy link = TcpProxy.start(0, "127.0.0.1", mongoPort);
             MongoClient slowClient = MongoClients.create("mongodb://127.0.0.1:" + link.port()
                     + "/?socketTimeoutMS=1000&retryWrites=false&serverSelectionTimeoutMS=5000")) {
            DeliveryQueue slowQueue = new DeliveryQueue(new DeliveryDocuments(slowClient.getDatabase(database)));
            DeliveryProcessor slowProcessor = new DeliveryProcessor(slowQueue, routing, composer, gateway, publisher, properties, clock,
                    new SimpleMeterRegistry(), unsent);
            assertThat(slowClient.getDatabase("admin").runCommand(new org.bson.Document("ping", 1))).isNotNull();
            link.delay(Duration.ofMillis(1500));

            assertThatThrownBy(() -> slowProcessor.process(claim, true)).isInstanceOf(MongoException.class);
            await("MongoDB applied the write the client gave up on").atMost(Duration.ofSeconds(10))
                    .until(() -> log.find(claim.notificationId()).orElseThrow().status() == DeliveryStatus.SENDING);
            link.heal();
        }
        assertThat(gateway.sent).isEmpty();

        clock.advance(properties.lease().plusSeconds(1));
        workers().recoverInFlight();
        Delivery requeued = log.find(claim.notificationId()).orElseThrow();
        assertThat(requeued.status()).as("%s", requeued).isEqualTo(DeliveryStatus.PENDING);
        assertThat(requeued.attempts()).as("the attempt that never reached SMTP is not counted").isZero();
        assertThat(requeued.outcomes()).as("no outcome recorded").isZero();

        assertThat(processor.process(claim().orElseThrow(), true)).isEqualTo(Attempt.SENT);
        assertThat(gateway.sent).hasSize(1);
        assertThat(log.find(claim.notificationId()).orElseThrow().status()).isEqualTo(DeliveryStatus.SENT);
    }

    /** A worker taken for dead mid-send (nothing noted as unsent) still becomes unknown: at most once. */
    @Test
    void aDeliveryWhoseWorkerStoppedMidSendStillBecomesUnknown() {
        recordInvitation();
        Delivery claim = claim().orElseThrow();
        assertThat(queue.markSending(claim, "ann@x.io", false, clock.instant(), properties.lease())).isTrue();
        clock.advance(properties.lease().plusSeconds(1));
        workers().recoverInFlight();
        assertThat(log.find(claim.notificationId()).orElseThrow().status()).isEqualTo(DeliveryStatus.UNKNOWN);
        assertThat(claim()).isEmpty();
    }

    @Test
    void anInvitationResentWhileItsEarlierEmailIsInFlightCancelsThatEmailInsteadOfRetryingIt() {
        InvitationIssued issued = recordInvitation();
        Delivery claim = claim().orElseThrow();
        assertThat(queue.cancelInvitationEmails(issued.invitationId(), clock.instant().plusMillis(1),
                "superseded: the invitation was resent with a new link", clock.instant())).as("none was waiting").isZero();

        gateway.connectFailure = SmtpFailure.transientFailure("cannot reach the SMTP server", null);
        assertThat(processor.process(claim, true)).isEqualTo(Attempt.TRANSIENT_FAILURE);
        gateway.connectFailure = null;
        clock.set(log.find(claim.notificationId()).orElseThrow().dueAt());

        assertThat(processor.process(claim().orElseThrow(), true)).isEqualTo(Attempt.CANCELLED);
        Delivery cancelled = log.find(claim.notificationId()).orElseThrow();
        assertThat(cancelled.status()).isEqualTo(DeliveryStatus.CANCELLED);
        assertThat(cancelled.lastError()).isEqualTo("superseded: the invitation was resent with a new link");
        assertThat(gateway.sent).isEmpty();
        assertThat(published).isEmpty();
    }

    @Test
    void aTransientFailurePausesItsOrganizationOnlyAndTheConcurrencyLimitHoldsTheRestBack() {
        OrganizationGate gate = new OrganizationGate(2, new RetryPolicy(properties));
        Instant now = clock.instant();
        gate.enter("org-a");
        gate.leave("org-a", Attempt.TRANSIENT_FAILURE, now);
        assertThat(gate.excluded(now)).containsExactly("org-a");
        assertThat(gate.excluded(now.plusSeconds(12))).isEmpty();

        gate.enter("org-b");
        gate.enter("org-b");
        assertThat(gate.excluded(now.plusSeconds(12))).containsExactly("org-b");
        gate.leave("org-b", Attempt.SENT, now);
        assertThat(gate.excluded(now.plusSeconds(12))).isEmpty();

        gate.enter("org-a");
        gate.leave("org-a", Attempt.SENT, now.plusSeconds(12));
        assertThat(gate.pausedUntil("org-a")).isNull();
    }

    // ---------------------------------------------------------------- a worker's turn: several emails of one route

    @Test
    void aTurnSendsItsEmailsOverOneConnectionAndRecordsEachSentOneWithTheNextOnesSending() {
        List<Delivery> claims = claimAll(recordInvitations(3));
        assertThat(claims).hasSize(3);
        List<String> commands = java.util.Collections.synchronizedList(new ArrayList<>());
        try (MongoClient counted = MongoClients.create(com.mongodb.MongoClientSettings.builder()
                .applyConnectionString(new com.mongodb.ConnectionString(EmbeddedInfrastructure.mongoUri()))
                .addCommandListener(new com.mongodb.event.CommandListener() {
                    @Override
                    public void commandStarted(com.mongodb.event.CommandStartedEvent event) {
                        commands.add(event.getCommandName());
                    }
                }).build())) {
            DeliveryQueue countedQueue = new DeliveryQueue(new DeliveryDocuments(counted.getDatabase(database)));
            DeliveryProcessor turns = new DeliveryProcessor(countedQueue, routing, composer, gateway, publisher, properties, clock,
                    new SimpleMeterRegistry(), unsent);

            assertThat(turns.processInTurn(claims, true)).isEqualTo(Attempt.SENT);
        }

        assertThat(gateway.sent).hasSize(3);
        assertThat(gateway.connects).as("one connection for the turn").hasValue(1);
        // sending of the 1st; sent of the 1st with sending of the 2nd; sent of the 2nd with sending of the 3rd; sent of the 3rd
        assertThat(commands).containsExactly("update", "update", "update", "findAndModify");
        for (Delivery claim : claims) {
            Delivery sent = log.find(claim.notificationId()).orElseThrow();
            assertThat(sent.status()).isEqualTo(DeliveryStatus.SENT);
            assertThat(sent.outcomes()).isEqualTo(1);
            assertThat(sent.sentAt()).isNotNull();
        }
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(published).hasSize(3));
        assertThat(published).allSatisfy(record -> {
            EventEnvelope envelope = TestEnvironment.decode(received(record));
            assertThat(envelope.event()).isInstanceOf(io.roster.events.notification.NotificationSent.class);
            assertThat(envelope.sequenceNumber()).isZero();
        });
        assertThat(published.stream().map(ProducerRecord::key))
                .containsExactlyInAnyOrderElementsOf(claims.stream().map(c -> c.notificationId().toString()).toList());
        await().atMost(Duration.ofSeconds(10)).until(() -> queue.unpublishedOutcomes(clock.instant().plusSeconds(1), 10).isEmpty());
    }

    @Test
    void aTurnClaimsOnlyWhatIsStillDueAndLeavesAnotherWorkersClaimAlone() {
        List<String> ids = recordInvitations(3);
        Delivery othersClaim = queue.claim(ids.get(1), clock.instant(), properties.lease(), "another worker").orElseThrow();

        List<Delivery> claims = claimAll(ids);

        assertThat(claims).extracting(c -> c.notificationId().toString()).containsExactly(ids.get(0), ids.get(2));
        assertThat(claims).allSatisfy(claim -> {
            assertThat(claim.status()).isEqualTo(DeliveryStatus.CLAIMED);
            assertThat(claim.attempts()).isEqualTo(1);
            assertThat(claim.leaseToken()).isNotNull().isNotEqualTo(othersClaim.leaseToken());
        });
        Delivery others = log.find(othersClaim.notificationId()).orElseThrow();
        assertThat(others.leaseToken()).isEqualTo(othersClaim.leaseToken());
        assertThat(others.attempts()).isEqualTo(1);
        assertThat(claimAll(ids)).as("nothing is due any more").isEmpty();
    }

    @Test
    void aTransientFailureEndsTheTurnAndItsUntriedEmailsGoBackUncountedWhileTheSentOneIsRecorded() {
        List<Delivery> claims = claimAll(recordInvitations(3));
        // the first email goes out; the server fails from the second on
        gateway.duringSend = () -> gateway.sendFailure = SmtpFailure.transientFailure("421 try again later", null);

        assertThat(processor.processInTurn(claims, true)).isEqualTo(Attempt.TRANSIENT_FAILURE);

        assertThat(gateway.sent).hasSize(1);
        assertThat(log.find(claims.get(0).notificationId()).orElseThrow().status()).isEqualTo(DeliveryStatus.SENT);
        Delivery failed = log.find(claims.get(1).notificationId()).orElseThrow();
        assertThat(failed.status()).isEqualTo(DeliveryStatus.RETRYING);
        assertThat(failed.attempts()).isEqualTo(1);
        Delivery untried = log.find(claims.get(2).notificationId()).orElseThrow();
        assertThat(untried.status()).isEqualTo(DeliveryStatus.PENDING);
        assertThat(untried.attempts()).as("the attempt never made is not counted").isZero();
        assertThat(untried.leaseToken()).isNull();
        assertThat(untried.dueAt()).isEqualTo(clock.instant());
        assertThat(claim()).as("due again at once").hasValueSatisfying(c ->
                assertThat(c.notificationId()).isEqualTo(untried.notificationId()));
    }

    @Test
    void anEmailWhoseLeasePassedToAnotherWorkerMidTurnIsNotSentAndTheOthersAreRecordedAsUsual() {
        List<Delivery> claims = claimAll(recordInvitations(3));
        clock.advance(properties.lease().plusSeconds(1));
        Delivery taken = queue.claim(claims.get(1).notificationId().toString(), clock.instant(), properties.lease(), "another worker")
                .orElseThrow();

        assertThat(processor.processInTurn(claims, true)).isEqualTo(Attempt.SENT);

        assertThat(gateway.sent).hasSize(2);
        assertThat(log.find(claims.get(0).notificationId()).orElseThrow().status()).isEqualTo(DeliveryStatus.SENT);
        assertThat(log.find(claims.get(2).notificationId()).orElseThrow().status()).isEqualTo(DeliveryStatus.SENT);
        Delivery others = log.find(taken.notificationId()).orElseThrow();
        assertThat(others.status()).isEqualTo(DeliveryStatus.CLAIMED);
        assertThat(others.leaseToken()).isEqualTo(taken.leaseToken());
    }

    @Test
    void anEarlierEmailTakenForDeadMeanwhileIsStillCorrectedToSentWhenTheNextEmailsWriteFindsItUnknown() {
        List<Delivery> claims = claimAll(recordInvitations(2));
        // during the first SMTP transaction the turn's leases run out, and another instance's recovery takes it for dead
        gateway.duringSend = () -> {
            if (gateway.sent.isEmpty()) {
                clock.advance(properties.lease().plusSeconds(1));
                assertThat(queue.expireOneInFlight(clock.instant())).isPresent();
            }
        };

        assertThat(processor.processInTurn(claims, true)).isEqualTo(Attempt.SENT);

        Delivery first = log.find(claims.get(0).notificationId()).orElseThrow();
        assertThat(first.status()).isEqualTo(DeliveryStatus.SENT);
        assertThat(first.outcomes()).as("unknown, then sent").isEqualTo(2);
        assertThat(log.find(claims.get(1).notificationId()).orElseThrow().status()).isEqualTo(DeliveryStatus.SENT);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(published).hasSize(2));
        assertThat(published).filteredOn(record -> record.key().equals(first.notificationId().toString()))
                .singleElement().satisfies(record -> assertThat(TestEnvironment.decode(received(record)).sequenceNumber()).isEqualTo(1));
    }

    /**
     * One organization's 250 emails, one slot for it, three workers, and a poll interval far longer than the sends take:
     * the idle workers keep querying while the organization's slot is taken, and find nothing of it. A worker done with
     * its turn, once the candidates run out, must query again at once (the route they left out is free now), not wait a
     * poll interval: that wait stalled a bulk upload's emails after every hundred.
     */
    @Test
    void aWorkerDoneWithItsTurnFetchesTheRestOfABacklogAtOnceThoughIdleWorkersQueriedWhileItsRouteWasFull() {
        UUID organizationId = UUID.randomUUID();
        for (int i = 0; i < 250; i++) {
            recordInvitation(organizationId);
        }
        DeliveryProperties slowPolls = new DeliveryProperties(true, 3, 1, Duration.ofSeconds(30), Duration.ofSeconds(30),
                Duration.ofSeconds(5), Duration.ofMinutes(5), 3, Duration.ofSeconds(10), 2, Duration.ofMinutes(1), Duration.ofMinutes(5),
                Duration.ofSeconds(30), Duration.ofSeconds(30), Duration.ofSeconds(1));
        DeliveryWorkers workers = new DeliveryWorkers(queue, processor, publisher, slowPolls, clock,
                new LeaseHeartbeat(queue, slowPolls, clock), unsent);
        // an SMTP server that takes 10 ms to accept an email: the one slot is taken most of the time, as in a real upload
        gateway.duringSend = () -> java.util.concurrent.locks.LockSupport.parkNanos(Duration.ofMillis(10).toNanos());
        workers.start();
        try {
            await("all 250 sent, well within one poll interval").atMost(Duration.ofSeconds(20)).until(() ->
                    documents.collection().countDocuments(com.mongodb.client.model.Filters.eq("status", "sent")) == 250);
        } finally {
            workers.stop();
        }
    }

    // ---------------------------------------------------------------- helpers

    private InvitationIssued recordInvitation() {
        return recordInvitation(UUID.randomUUID());
    }

    private InvitationIssued recordInvitation(UUID organizationId) {
        String token = "token";
        InvitationIssued event = new InvitationIssued(UUID.randomUUID(), clock.instant(), organizationId, UUID.randomUUID(),
                UUID.randomUUID(), "ann@x.io", "Ann", "A", List.of("member"), List.of(), clock.instant().plus(1, ChronoUnit.DAYS),
                "hash", TestEnvironment.SECRETS.seal(token), null);
        Delivery delivery = Delivery.pending(Delivery.notificationIdFor(event.eventId()), EventEnvelope.of(event, 0), Topics.INVITATION,
                NotificationKind.INVITATION, event.email(), null, event.invitationId(), clock.instant());
        assertThat(queue.insert(delivery, null)).isTrue();
        assertThat(queue.insert(delivery, null)).as("one delivery per triggering event").isFalse();
        return event;
    }

    private DeliveryWorkers workers() {
        return new DeliveryWorkers(queue, processor, publisher, properties, clock, new LeaseHeartbeat(queue, properties, clock), unsent);
    }

    /** Records an invitation email for each of {@code count} invitations; their notification ids, oldest first. */
    private List<String> recordInvitations(int count) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            InvitationIssued event = recordInvitation();
            ids.add(Delivery.notificationIdFor(event.eventId()).toString());
        }
        return ids;
    }

    private List<Delivery> claimAll(List<String> ids) {
        return queue.claimAll(ids, clock.instant(), properties.lease(), "test");
    }

    private Optional<Delivery> claim() {
        return queue.claimNext(Set.of(), clock.instant(), properties.lease(), "test");
    }

    private static ConsumerRecord<String, byte[]> received(ProducerRecord<String, byte[]> record) {
        return new ConsumerRecord<>(record.topic(), 0, 0L, 0L, TimestampType.CREATE_TIME, -1, -1, record.key(), record.value(),
                record.headers(), Optional.empty());
    }

    static final class ScriptedGateway implements MailGateway {
        volatile SmtpFailure connectFailure;
        volatile SmtpFailure sendFailure;
        volatile Runnable duringSend;
        final AtomicInteger connects = new AtomicInteger();
        final List<String> sent = new ArrayList<>();

        @Override
        public MailConnection connect(SmtpServer server) throws SmtpFailure {
            connects.incrementAndGet();
            if (connectFailure != null) {
                throw connectFailure;
            }
            return new MailConnection() {
                @Override
                public void send(io.roster.notification.smtp.OutgoingEmail email) throws SmtpFailure {
                    if (sendFailure != null) {
                        throw sendFailure;
                    }
                    if (duringSend != null) {
                        duringSend.run();
                    }
                    sent.add(email.to());
                }

                @Override
                public void close() {
                    // nothing held
                }
            };
        }
    }
}
