package io.roster.localstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.common.ConsumerGroupState;
import org.apache.kafka.common.TopicPartition;
import org.assertj.core.api.SoftAssertions;
import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Issue 13's scale-out fault, the services as separate processes: the query service and the notification service each
 * run as two processes that share one consumer group (per consumer) and one MongoDB database. While 200 invitations
 * are issued and members are added, re-roled and removed, the second process of each is killed with SIGKILL, at a
 * moment the second notification process holds claimed deliveries, and neither is started again. The second hundred
 * invitations wait for the kill, so the survivors take over under load whatever the machine's speed.
 *
 * <p>The survivors must take over: each group of the pair down to one member holding all its partitions within 10 s
 * of the kill (the consumers' session timeout, service-kit's {@code roster-kit.yml}, decides when the broker drops a
 * member that never says goodbye); the dead process's claimed emails sent by the survivor within 30 s (its 20 s leases
 * stop being renewed with it); nothing skipped (projections equal a rebuild, consumers caught up, no dead letter);
 * every owed email once, only one whose SMTP transaction the kill cut may be {@code unknown}; and the surviving query
 * process answers every read of the burst organization's members meanwhile.
 *
 * <p>The figures go to the log and {@code target/scale-out-kill-report.txt}; the data folder is
 * {@code local-stack/target/scale-out-data}, kept for its logs ({@code query-service-2.log},
 * {@code notification-service-2.log} are the killed processes').
 */
@TimedFault
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ScaleOutKillEndToEndIT {

    private static final Logger log = LoggerFactory.getLogger(ScaleOutKillEndToEndIT.class);
    private static final Ports PORTS = TestPorts.block(13);
    private static final int SECOND_QUERY_PORT = 13085;
    private static final int SECOND_NOTIFICATION_PORT = 13086;
    private static final String IDENTITY = "http://127.0.0.1:" + PORTS.identity();
    private static final String INVITATION = "http://127.0.0.1:" + PORTS.invitation();
    /** The query process that survives: the stack's own, on its usual port. */
    private static final String QUERY = "http://127.0.0.1:" + PORTS.query();
    private static final String DOMAIN = "@scale.test";
    private static final String PASSWORD = "correct horse battery staple";
    private static final int INVITATIONS = 200;
    private static final int PER_REQUEST = 10;
    private static final int MEMBERS = 12;
    /** Sent before the kill: emails are going out, and much of the burst is still to come. */
    private static final int SENT_BEFORE_KILL = 30;
    private static final Duration TAKEOVER_LIMIT = Duration.ofSeconds(10);
    private static final Duration CLAIMS_LIMIT = Duration.ofSeconds(30);
    private static final Duration READ_INTERVAL = Duration.ofMillis(200);

    private final StackHttp http = new StackHttp();
    private RunningStack stack;
    private MongoClient mongo;
    private Admin kafka;
    private StackInvariants invariants;
    private MongoCollection<Document> deliveries;
    private ChildProcess secondQuery;
    private ChildProcess secondNotification;
    /** The consumer groups each pair shares, and the partitions each group holds (both members together). */
    private final Map<String, Set<TopicPartition>> sharedGroups = new TreeMap<>();
    private final Map<String, String> assignmentsBeforeKill = new TreeMap<>();

    @BeforeAll
    void startTheStackAndASecondProcessOfQueryAndNotification() throws Exception {
        LocalStackConfig config = RunningStack.onWipedDataFolder("scale-out-data", PORTS);
        stack = RunningStack.start(config);
        mongo = MongoClients.create("mongodb://127.0.0.1:" + PORTS.mongo());
        kafka = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:" + PORTS.kafka()));
        invariants = new StackInvariants(PORTS, http, mongo);
        deliveries = mongo.getDatabase(RosterService.NOTIFICATION.database()).getCollection("deliveries-v1");

        secondQuery = startSecondProcess(config, RosterService.QUERY, SECOND_QUERY_PORT);
        secondNotification = startSecondProcess(config, RosterService.NOTIFICATION, SECOND_NOTIFICATION_PORT);
        await("the second query and notification processes ready").atMost(Duration.ofSeconds(180))
                .pollInterval(Duration.ofSeconds(1)).until(() -> {
                    assertThat(secondQuery.isAlive()).as("%s runs; see %s", secondQuery, secondQuery.logFile()).isTrue();
                    assertThat(secondNotification.isAlive()).as("%s runs; see %s", secondNotification,
                            secondNotification.logFile()).isTrue();
                    return ready(SECOND_QUERY_PORT) && ready(SECOND_NOTIFICATION_PORT);
                });
        // each pair's groups: the projections' (or the notification trigger's) and the token revocations'
        await("every group of the pairs rebalanced over both processes").atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(500)).ignoreExceptions().until(this::everySharedGroupHasTwoMembersWithPartitions);
        log.info("== two processes each of query-service (ports {}, {}) and notification-service (ports {}, {}); groups {}",
                PORTS.query(), SECOND_QUERY_PORT, PORTS.notification(), SECOND_NOTIFICATION_PORT, assignmentsBeforeKill);
    }

    @AfterAll
    void stop() throws InterruptedException {
        for (ChildProcess child : new ChildProcess[] {secondQuery, secondNotification}) {
            if (child != null) {
                child.awaitStop(Duration.ofSeconds(30));
            }
        }
        if (kafka != null) {
            kafka.close();
        }
        if (mongo != null) {
            mongo.close();
        }
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void theSurvivorsTakeOverWithinTenSecondsAndNothingIsSkippedOrSentTwice() throws Exception {
        String admin = http.login(IDENTITY, "admin@roster.local", "roster-admin");
        HttpResponse<String> created = http.post(IDENTITY + "/api/v1/organizations", admin, "{\"name\":\"Scale Co\"}");
        String organization = http.created(created, "organizationId");
        String members = QUERY + "/api/v1/organizations/" + organization + "/members?limit=200";
        // the reads measure the takeover, not how soon the projection first sees a new organization (once, on a busy
        // machine, the first read came before it and answered 404): they start when the organization is readable
        String consistency = created.headers().firstValue("Consistency-Token").orElseThrow();
        await("the new organization readable").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                .until(() -> http.get(members, admin, Map.of("Consistency-Token", consistency)).statusCode() == 200);
        Reads reads = new Reads(members, admin);
        Thread reader = daemon("members-reader", reads::run);

        List<String> refused = new CopyOnWriteArrayList<>();
        AtomicInteger invited = new AtomicInteger();
        AtomicInteger membershipChanges = new AtomicInteger();
        List<String> invitationIds = new CopyOnWriteArrayList<>();
        // the second half of the invitations waits for the kill: on a busy machine the first 30 emails went out only
        // after the whole burst was in, and the kill came after it instead of during it
        CountDownLatch secondHalf = new CountDownLatch(1);
        Thread invitations = daemon("invitation-burst",
                () -> invite(admin, organization, invited, invitationIds, refused, secondHalf));
        Thread memberships = daemon("membership-burst", () -> changeMemberships(admin, organization, membershipChanges, refused));

        // the kill comes when emails are going out and the second notification process holds one it has not started sending
        String deadOwner = "^" + secondNotification.pid() + "@";
        await("the second notification process holding a claimed email mid-burst").atMost(Duration.ofSeconds(120))
                .pollInterval(Duration.ofMillis(5))
                .until(() -> deliveries.countDocuments(Filters.eq("status", "sent")) >= SENT_BEFORE_KILL
                        && deliveries.find(Filters.and(Filters.eq("status", "claimed"), Filters.regex("leaseOwner", deadOwner)))
                        .first() != null);
        secondNotification.kill();
        Instant killed = Instant.now();
        secondQuery.kill();
        Instant queryKilled = Instant.now();
        secondHalf.countDown();
        // the dead process's deliveries are frozen in MongoDB as it left them (the survivor may take them only once
        // their leases ran out, seconds from now)
        Set<String> deadClaims = ids(deliveries.find(Filters.and(Filters.eq("status", "claimed"),
                Filters.regex("leaseOwner", deadOwner))).into(new ArrayList<>()));
        Set<String> inFlightAtKill = ids(deliveries.find(Filters.and(Filters.eq("status", "sending"),
                Filters.regex("leaseOwner", deadOwner))).into(new ArrayList<>()));
        Map<String, Long> atKill = countByStatus();
        int invitedAtKill = invited.get();
        int changesAtKill = membershipChanges.get();
        log.info("== killed (SIGKILL) {} and {} after {} invitations and {} membership changes; deliveries {}",
                secondNotification, secondQuery, invitedAtKill, changesAtKill, atKill);

        Map<String, Duration> takeovers = awaitTakeovers(killed);
        invitations.join(Duration.ofMinutes(3).toMillis());
        memberships.join(Duration.ofMinutes(3).toMillis());
        reads.stop();
        reader.join(Duration.ofSeconds(35).toMillis());
        log.info("== takeovers after the kill {}; reads {}", takeovers, reads);

        Map<String, Long> lag = invariants.awaitConsumersCaughtUp(Duration.ofSeconds(120));
        List<StackInvariants.TriggeredEmail> triggered = invariants.triggeredEmails(address -> address.endsWith(DOMAIN));
        try {
            await("every owed email has an outcome").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(1))
                    .until(() -> deliveries.countDocuments(Filters.in("status", "sent", "unknown", "failed")) >= triggered.size());
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            log.warn("deliveries without an outcome yet: {}", countByStatus());
        }
        StackInvariants.EmailCheck[] emails = {null};
        try {
            await("every email that went out is in its inbox").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(2))
                    .until(() -> {
                        emails[0] = invariants.emailsExactlyOnce(triggered, List.of());
                        return emails[0].missing().size() <= inFlightAtKill.size();
                    });
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            log.warn("emails still missing: {}", emails[0]);
        }
        Map<String, Long> deadLetters = invariants.deadLetterCounts();
        List<String> deadLetterSamples = invariants.deadLetterSamples(5);
        StackInvariants.ProjectionCheck projections = invariants.projectionsAgainstRebuild(admin);
        // I1 and I2: the command services were not killed, but the burst they served must be whole on the topics
        List<String> notStored = invariants.acknowledgedWithoutEvents(RosterService.INVITATION, invitationIds);
        List<String> notOnTopic = invariants.awaitStoredEventsOnTopics(Duration.ofSeconds(60));

        Map<String, Duration> deadClaimsSentAfterKill = new TreeMap<>();
        Set<String> unknown = new HashSet<>();
        for (Document delivery : deliveries.find().into(new ArrayList<>())) {
            String id = delivery.getString("_id");
            if ("unknown".equals(delivery.getString("status"))) {
                unknown.add(id);
            }
            if (deadClaims.contains(id) && delivery.getDate("sentAt") != null) {
                deadClaimsSentAfterKill.put(id, Duration.between(killed, delivery.getDate("sentAt").toInstant()));
            }
        }
        Set<String> missingIds = emails[0].missing().stream().map(StackInvariants.TriggeredEmail::notificationId)
                .collect(Collectors.toSet());

        String report = String.join("\n",
                "groups before the kill (member: partitions): " + assignmentsBeforeKill,
                "invitations issued: " + invited.get() + " of " + INVITATIONS + "; membership changes: " + membershipChanges.get()
                        + "; refused requests: " + refused,
                "killed " + secondNotification + " and, " + Duration.between(killed, queryKilled).toMillis() + " ms later, "
                        + secondQuery + " after " + invitedAtKill + " invitations and " + changesAtKill
                        + " membership changes; deliveries at the kill: " + atKill,
                "takeover (one member holding all partitions) after the kill: " + millis(takeovers) + " (limit "
                        + TAKEOVER_LIMIT.toSeconds() + " s)",
                "claimed by the dead notification process: " + deadClaims.size() + ", sent after the kill: "
                        + deadClaimsSentAfterKill.values().stream().map(Duration::toMillis).sorted().map(ms -> ms + " ms").toList()
                        + " (lease 20 s, limit " + CLAIMS_LIMIT.toSeconds() + " s)",
                "sending (in flight) in the dead process at the kill: " + inFlightAtKill.size() + "; unknown now: " + unknown.size(),
                "emails: " + emails[0],
                "reads of the surviving query process: " + reads,
                "consumer lag after the burst: " + lag,
                "dead letters: " + deadLetters + (deadLetterSamples.isEmpty() ? "" : " e.g. " + deadLetterSamples),
                "I1 invitations answered 201: " + invitationIds.size() + ", not in the event store: " + notStored,
                "I2 stored events not on their topic: " + notOnTopic,
                "projections: rebuild " + projections.rebuild().path("state").asText() + ", differing " + projections.differences()
                        + "\n  live    " + projections.liveSummary() + "\n  rebuilt " + projections.rebuiltSummary());
        log.info("== scale-out kill report\n{}", report);
        Files.writeString(Path.of("target", "scale-out-kill-report.txt"), report + "\n");

        SoftAssertions softly = new SoftAssertions();
        softly.assertThat(refused).as("every burst request was accepted").isEmpty();
        softly.assertThat(invited.get()).as("invitations issued").isEqualTo(INVITATIONS);
        softly.assertThat(invitedAtKill).as("the kill came mid-burst").isLessThan(INVITATIONS);
        softly.assertThat(takeovers.keySet()).as("groups whose survivor took over").isEqualTo(sharedGroups.keySet());
        takeovers.forEach((group, after) -> softly.assertThat(after).as("%s: the survivor holds every partition within %s s "
                + "of the kill (took %s ms)", group, TAKEOVER_LIMIT.toSeconds(), after.toMillis()).isLessThanOrEqualTo(TAKEOVER_LIMIT));
        // whether the kill catches a claimed delivery not yet being sent is a race (a worker turns a claim into a send
        // within milliseconds; in one full build the one seen had moved to sending by the kill): when it catches none,
        // this run says nothing about leases, and the report says so; LeaseHeartbeatTest proves them without the race
        if (deadClaims.isEmpty()) {
            log.warn("== the kill caught no claimed delivery of the dead process: leases not exercised in this run");
        }
        softly.assertThat(deadClaimsSentAfterKill.keySet()).as("each claimed delivery of the dead process was sent")
                .isEqualTo(deadClaims);
        softly.assertThat(deadClaimsSentAfterKill.values()).as("…within %s s of the kill: %s", CLAIMS_LIMIT.toSeconds(),
                millis(deadClaimsSentAfterKill)).allMatch(after -> after.compareTo(CLAIMS_LIMIT) <= 0);
        softly.assertThat(triggered).as("emails owed to the burst's addresses").hasSizeGreaterThanOrEqualTo(INVITATIONS);
        softly.assertThat(emails[0].duplicated()).as("no email twice").isEmpty();
        softly.assertThat(emails[0].unexpected()).as("no email without a trigger").isEmpty();
        softly.assertThat(unknown).as("only a send in flight at the kill may be unknown").isSubsetOf(inFlightAtKill);
        softly.assertThat(missingIds).as("only an unknown outcome may lack its email").isSubsetOf(unknown);
        softly.assertThat(lag).as("every consumer caught up").isEmpty();
        softly.assertThat(deadLetters.values()).as("no dead letter: %s", deadLetterSamples).allMatch(count -> count == 0);
        softly.assertThat(notStored).as("I1 answered invitations not in the event store").isEmpty();
        softly.assertThat(notOnTopic).as("I2 stored events not on their topic").isEmpty();
        softly.assertThat(projections.rebuild().path("state").asText()).as("the rebuild %s", projections.rebuild())
                .isEqualTo("completed");
        softly.assertThat(projections.differences()).as("read models that differ from a rebuild: %s",
                projections.differingRows(3)).isEmpty();
        softly.assertThat(reads.count()).as("reads during the burst and the kill").isGreaterThan(20);
        softly.assertThat(reads.failures()).as("reads of the surviving query process that did not answer 200").isEmpty();
        softly.assertAll();
    }

    // --- the second processes and their groups ----------------------------------------------------------------------

    /** Another process of the service, with the stack's environment for it but its own HTTP port. */
    private ChildProcess startSecondProcess(LocalStackConfig config, RosterService service, int port) throws Exception {
        Map<String, String> environment = new HashMap<>(stack.environmentOf(service));
        environment.put("SERVER_PORT", Integer.toString(port));
        List<String> command = stack.serviceCommand(service);
        String name = service.module() + "-2";
        return ChildProcess.start(name, command, environment, config.dataDir().resolve(name), stack.logFile(name));
    }

    /** Every group of the query and notification services stable, with two members that each hold partitions. */
    private boolean everySharedGroupHasTwoMembersWithPartitions() throws Exception {
        Map<String, ConsumerGroupDescription> groups = describeSharedGroups();
        if (groups.size() < 4) {
            return false;
        }
        for (ConsumerGroupDescription group : groups.values()) {
            if (group.state() != ConsumerGroupState.STABLE || group.members().size() != 2
                    || group.members().stream().anyMatch(member -> member.assignment().topicPartitions().isEmpty())) {
                return false;
            }
        }
        groups.forEach((name, group) -> {
            Set<TopicPartition> partitions = new HashSet<>();
            group.members().forEach(member -> partitions.addAll(member.assignment().topicPartitions()));
            sharedGroups.put(name, partitions);
            assignmentsBeforeKill.put(name, group.members().stream()
                    .map(member -> member.consumerId().substring(member.consumerId().length() - 8) + ": "
                            + member.assignment().topicPartitions().size())
                    .sorted().toList().toString());
        });
        return true;
    }

    /** The consumer groups of the query and notification services (the pairs), by id. */
    private Map<String, ConsumerGroupDescription> describeSharedGroups() throws Exception {
        List<String> ids = kafka.listConsumerGroups().all().get().stream().map(listing -> listing.groupId())
                .filter(id -> id.startsWith("query-service") || id.startsWith("notification-service")).toList();
        return new TreeMap<>(kafka.describeConsumerGroups(ids).all().get());
    }

    /**
     * Polls the pairs' groups until each is down to one member holding all the partitions both held: how long after
     * the kill each got there.
     */
    private Map<String, Duration> awaitTakeovers(Instant killed) {
        Map<String, Duration> takeovers = new TreeMap<>();
        try {
            await("the survivors hold every partition").atMost(Duration.ofSeconds(60)).pollDelay(Duration.ZERO)
                    .pollInterval(Duration.ofMillis(100)).ignoreExceptions().until(() -> {
                        Map<String, ConsumerGroupDescription> groups = kafka.describeConsumerGroups(sharedGroups.keySet()).all().get();
                        Instant now = Instant.now();
                        groups.forEach((name, group) -> {
                            if (!takeovers.containsKey(name) && group.state() == ConsumerGroupState.STABLE
                                    && group.members().size() == 1 && heldByOne(group).containsAll(sharedGroups.get(name))) {
                                takeovers.put(name, Duration.between(killed, now));
                            }
                        });
                        return takeovers.size() == sharedGroups.size();
                    });
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            log.warn("groups not taken over within 60 s: {}", sharedGroups.keySet().stream()
                    .filter(group -> !takeovers.containsKey(group)).toList());
        }
        return takeovers;
    }

    private static Set<TopicPartition> heldByOne(ConsumerGroupDescription group) {
        MemberDescription member = group.members().iterator().next();
        return member.assignment().topicPartitions();
    }

    private boolean ready(int port) {
        try {
            return http.page("http://127.0.0.1:" + port + "/actuator/health/readiness").statusCode() == 200;
        } catch (Exception e) {
            return false;
        }
    }

    // --- the burst ----------------------------------------------------------------------------------------------

    /** Requests of ten invitations, one after another, as fast as the invitation service answers. */
    private void invite(String admin, String organization, AtomicInteger invited, List<String> invitationIds,
                        List<String> refused, CountDownLatch secondHalf) {
        for (int from = 0; from < INVITATIONS; from += PER_REQUEST) {
            if (from == INVITATIONS / 2 && !awaitKill(secondHalf)) {
                refused.add("the kill never came; invitations from " + from + " not issued");
                return;
            }
            List<String> batch = new ArrayList<>();
            for (int i = from; i < Math.min(INVITATIONS, from + PER_REQUEST); i++) {
                batch.add("invitee-" + i + "-" + UUID.randomUUID().toString().substring(0, 8) + DOMAIN);
            }
            String body = "{\"emails\":[" + batch.stream().map(e -> "\"" + e + "\"").collect(Collectors.joining(","))
                    + "],\"roles\":[\"member\"]}";
            try {
                // the invitation service learns of the new organization from Kafka: a moment
                HttpResponse<String> response = await("the invitation service knows the organization")
                        .atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                        .until(() -> http.post(INVITATION + "/api/v1/organizations/" + organization + "/invitations", admin, body),
                                r -> r.statusCode() != 403 && r.statusCode() != 404);
                if (response.statusCode() == 201 && http.body(response).path("rejected").isEmpty()) {
                    invited.addAndGet(batch.size());
                    http.body(response).path("invitations").forEach(invitation -> invitationIds.add(invitation.path("invitationId").asText()));
                } else {
                    refused.add(StackHttp.describe(response));
                }
            } catch (Exception e) {
                refused.add("invitations " + from + ": " + e);
            }
        }
    }

    private static boolean awaitKill(CountDownLatch kill) {
        try {
            return kill.await(3, TimeUnit.MINUTES);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Users created and added as members, every third made admin, every fifth removed again: identity's events. */
    private void changeMemberships(String admin, String organization, AtomicInteger changes, List<String> refused) {
        String members = IDENTITY + "/api/v1/organizations/" + organization + "/members";
        for (int i = 0; i < MEMBERS; i++) {
            String email = "member-" + i + "-" + UUID.randomUUID().toString().substring(0, 8) + DOMAIN;
            try {
                String userId = http.created(http.post(IDENTITY + "/api/v1/users", admin, "{\"firstName\":\"Member\",\"lastName\":\""
                        + i + "\",\"email\":\"" + email + "\",\"password\":\"" + PASSWORD + "\"}"), "userId");
                StackHttp.expect(201, http.post(members, admin, "{\"userId\":\"" + userId + "\",\"roles\":[\"member\"]}"));
                changes.incrementAndGet();
                if (i % 3 == 0) {
                    StackHttp.expect(200, http.put(members + "/" + userId + "/roles", admin, "{\"roles\":[\"admin\"]}"));
                    changes.incrementAndGet();
                }
                if (i % 5 == 0) {
                    StackHttp.expect(200, http.delete(members + "/" + userId, admin));
                    changes.incrementAndGet();
                }
            } catch (Exception | AssertionError e) {
                refused.add("member " + i + ": " + e);
            }
        }
    }

    /** The reader: the burst organization's members from the surviving query process, every 200 ms until stopped. */
    private final class Reads {
        private final String url;
        private final String token;
        private final AtomicInteger count = new AtomicInteger();
        private final AtomicLong longestMillis = new AtomicLong();
        private final List<String> failures = new CopyOnWriteArrayList<>();
        private volatile boolean stopped;

        Reads(String url, String token) {
            this.url = url;
            this.token = token;
        }

        void run() {
            while (!stopped) {
                long started = System.nanoTime();
                try {
                    HttpResponse<String> response = http.get(url, token);
                    if (response.statusCode() != 200) {
                        failures.add(Instant.now() + " " + StackHttp.describe(response));
                    }
                } catch (Exception e) {
                    failures.add(Instant.now() + " " + e);
                }
                longestMillis.accumulateAndGet(Duration.ofNanos(System.nanoTime() - started).toMillis(), Math::max);
                count.incrementAndGet();
                await().pollDelay(READ_INTERVAL).atMost(READ_INTERVAL.multipliedBy(5)).until(() -> true);
            }
        }

        void stop() {
            stopped = true;
        }

        int count() {
            return count.get();
        }

        List<String> failures() {
            return failures;
        }

        @Override
        public String toString() {
            return count.get() + " reads, longest " + longestMillis.get() + " ms, not 200: " + failures.size()
                    + (failures.isEmpty() ? "" : " " + failures.subList(0, Math.min(5, failures.size())));
        }
    }

    // ---------------------------------------------------------------------------------------------------------

    private static Thread daemon(String name, Runnable body) {
        Thread thread = new Thread(body, name);
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    private static Map<String, Long> millis(Map<String, Duration> durations) {
        Map<String, Long> millis = new TreeMap<>();
        durations.forEach((key, duration) -> millis.put(key, duration.toMillis()));
        return millis;
    }

    private Map<String, Long> countByStatus() {
        Map<String, Long> counts = new TreeMap<>();
        deliveries.find().forEach(d -> counts.merge(d.getString("status"), 1L, Long::sum));
        return counts;
    }

    private static Set<String> ids(List<Document> documents) {
        return documents.stream().map(d -> d.getString("_id")).collect(Collectors.toSet());
    }
}
