package io.roster.localstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import io.roster.testsupport.fault.TcpProxy;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Issue 11's and 13's MongoDB fault, the services as separate processes: each reaches the Mongo-wire server through a
 * {@link TcpProxy} of its own; while a few clients keep sending commands (organizations, teams, users, members,
 * invitations, sign-ups through the emailed links), every proxy first slows MongoDB down (500 ms per packet, for
 * 20 s), then each takes it away for 60 s (invitation 70 s) and heals: for 30 s a black hole (nothing flows, nothing is closed: a
 * network partition; operations in flight hang), then 30 s of resets (every connection cut, new ones refused: a
 * MongoDB that is down; operations fail at once). The partitions are staggered (query and notification first, then
 * identity, then invitation) so that every service's consumers have events to apply while their MongoDB is gone: were
 * all cut at the same instant, nothing new would reach Kafka (the event stores are in MongoDB too) and the consumers
 * would have nothing to fail on. Afterwards: every command refused during the fault was refused cleanly (503 {@code
 * service_unavailable}, never a 500); no record on any {@code .DLT}; each service's readiness component {@code
 * consumers} went DOWN during the outage and came back UP; every query projection equals a rebuild from the topics;
 * every stored event is on its topic; every acknowledged acceptance has its member in the query API; every triggered
 * email arrived exactly once; no command left a half-done change.
 *
 * <p>Every check is made and reported (log and {@code target/mongo-outage-report.txt}) before the test fails on
 * any of them. The data folder is {@code local-stack/target/mongo-outage-data}, kept for its logs.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MongoOutageEndToEndIT {

    private static final Logger log = LoggerFactory.getLogger(MongoOutageEndToEndIT.class);
    private static final Ports PORTS = TestPorts.block(18);
    /** Before the partitions, every service's MongoDB answers slowly for this long: each packet held 500 ms. */
    private static final Duration SLOW = Duration.ofSeconds(20);
    private static final Duration PER_PACKET_DELAY = Duration.ofMillis(500);
    /**
     * When each service loses MongoDB, counted from the start of the first partition: each for 60 s (invitation 70 s); the command
     * side keeps producing events for 15 s (identity) and 30 s (invitation) while the others cannot apply them, and
     * identity's invitation consumer and invitation's directory have each other's events to fail on. A service stays
     * slow until its partition begins. Invitation's lasts 25 s past identity's heal (70 s): its consumers read only
     * identity's events, which reach Kafka again only once identity's relay has caught up after its own heal (about 11 s
     * measured); with 15 s left, its consumers were once DOWN for under 4 s and the readiness poll never saw it.
     */
    private static final List<Partition> PARTITIONS = List.of(
            new Partition(RosterService.QUERY, 0, 60),
            new Partition(RosterService.NOTIFICATION, 0, 60),
            new Partition(RosterService.IDENTITY, 15, 75),
            new Partition(RosterService.INVITATION, 30, 100));
    private static final String IDENTITY = "http://127.0.0.1:" + PORTS.identity();
    private static final String INVITATION = "http://127.0.0.1:" + PORTS.invitation();
    /**
     * How long each partition is a black hole before its connections are cut and refused (30 of its 60 s; {@code
     * -Doutage.blackhole-seconds=0} for a MongoDB that is simply down the whole time, 60 for a pure partition).
     */
    private static final int BLACKHOLE_SECONDS = Integer.getInteger("outage.blackhole-seconds", 30);
    private static final Duration TRAFFIC_AFTER_HEAL = Duration.ofSeconds(15);
    /** Readiness must be back this long after the heal at the latest. */
    private static final Duration RECOVERY = Duration.ofSeconds(60);
    private static final int CLIENTS = 3;
    private static final String DOMAIN = "@outage.test";
    private static final String PASSWORD = "correct horse battery staple";
    private static final int SIGN_UP_ATTEMPTS = 30;

    private final StackHttp http = new StackHttp();
    private final Map<RosterService, TcpProxy> proxies = new java.util.EnumMap<>(RosterService.class);
    private final Map<RosterService, Instant> cutAt = new ConcurrentHashMap<>();
    private final Map<RosterService, Instant> healedAt = new ConcurrentHashMap<>();
    private RunningStack stack;
    private MongoClient mongo;
    private StackInvariants invariants;
    private String adminToken;

    /** When MongoDB became slow for every service: the fault's start, for the commands' windows. */
    private volatile Instant outageStart = Instant.MAX;
    /** When the first partition began: the partitions' schedule counts from here. */
    private volatile Instant partitionStart = Instant.MAX;
    private volatile Instant outageEnd = Instant.MAX;
    private volatile boolean stopTraffic;
    private volatile boolean stopPolling;
    private final List<Command> commands = new CopyOnWriteArrayList<>();
    private final ConcurrentLinkedQueue<Invitee> invitees = new ConcurrentLinkedQueue<>();
    private final Map<String, Set<String>> acceptedByOrganization = new ConcurrentHashMap<>();
    private final AtomicInteger acceptances = new AtomicInteger();
    private final List<Readiness> readiness = new CopyOnWriteArrayList<>();

    /** One command as a client saw it: -1 is no answer (timeout, connection refused or reset). */
    record Command(String kind, String subject, Instant sent, Instant answered, int status, String detail) {
        String window(Instant outageStart, Instant outageEnd) {
            if (answered.isBefore(outageStart)) {
                return "before";
            }
            return sent.isAfter(outageEnd) ? "after" : "during";
        }

        boolean acknowledged() {
            return status >= 200 && status < 300;
        }
    }

    /**
     * One service's MongoDB gone from {@code from} to {@code to} seconds after the first partition began: black-holed
     * in the first half, connections cut and refused in the second.
     */
    record Partition(RosterService service, int from, int to) {
        int refusingFrom() {
            return Math.min(to, from + BLACKHOLE_SECONDS);
        }
    }

    /** An address invited to an organization, waiting for its email to sign up through the link. */
    record Invitee(String organizationId, String email, int attempts) {
    }

    /**
     * One readiness probe of one service: the group's status, its {@code consumers} component's ("absent": none, or
     * components hidden), and the sum of the {@code roster_consumer_stalled} gauges (-1: no such metric).
     */
    record Readiness(RosterService service, Instant at, String overall, String consumers, double stalled) {
    }

    @BeforeAll
    void startTheStackBehindAProxy() throws Exception {
        LocalStackConfig config = RunningStack.onWipedDataFolder("mongo-outage-data", PORTS);
        for (RosterService service : RosterService.values()) {
            // in the same block as the stack: 18018–18021, next to the Mongo-wire server's 18017
            TcpProxy proxy = TcpProxy.start(PORTS.mongo() + 1 + service.ordinal(), "127.0.0.1", PORTS.mongo());
            proxies.put(service, proxy);
            config = config.withServiceMongoUri(service, "mongodb://127.0.0.1:" + proxy.port());
        }
        stack = RunningStack.start(config);
        mongo = MongoClients.create("mongodb://127.0.0.1:" + PORTS.mongo());
        invariants = new StackInvariants(PORTS, http, mongo);
    }

    @AfterAll
    void stop() {
        stopTraffic = true;
        stopPolling = true;
        proxies.values().forEach(TcpProxy::heal);
        if (mongo != null) {
            mongo.close();
        }
        if (stack != null) {
            stack.close();
        }
        proxies.values().forEach(TcpProxy::close);
    }

    @Test
    void aSlowThenPartitionedMongoRefusesCleanlyDeadLettersNothingAndLosesNothing() throws Exception {
        proxies.forEach((service, proxy) -> assertThat(proxy.connectionsAccepted())
                .as("%s reaches MongoDB through its proxy", service.shortName()).isPositive());
        adminToken = http.login(IDENTITY, "admin@roster.local", "roster-admin");
        List<Thread> pollers = new ArrayList<>();
        for (RosterService service : RosterService.values()) {
            pollers.add(daemon("readiness-" + service.shortName(), () -> pollReadiness(service)));
        }
        List<Thread> clients = new ArrayList<>();
        for (int i = 0; i < CLIENTS; i++) {
            int client = i;
            clients.add(daemon("client-" + client, () -> sendCommands(client)));
        }

        await("two invitations accepted before the outage: the whole chain works").atMost(Duration.ofSeconds(90))
                .pollInterval(Duration.ofMillis(500)).until(() -> acceptances.get() >= 2);
        log.info("== MongoDB slow ({} per packet) for every service for {} s, after {} commands", PER_PACKET_DELAY,
                SLOW.toSeconds(), commands.size());
        outageStart = Instant.now();
        proxies.values().forEach(proxy -> proxy.delay(PER_PACKET_DELAY));
        await("the slow MongoDB").pollDelay(SLOW).atMost(SLOW.plusSeconds(1)).until(() -> true);
        log.info("== partitions {} after {} commands", PARTITIONS, commands.size());
        partitionStart = Instant.now();
        runThePartitions();
        outageEnd = Instant.now();
        log.info("== MongoDB reachable again for every service after {} s", Duration.between(outageStart, outageEnd).toSeconds());
        await("traffic after the heal").pollDelay(TRAFFIC_AFTER_HEAL).atMost(TRAFFIC_AFTER_HEAL.plusSeconds(1)).until(() -> true);
        stopTraffic = true;
        for (Thread client : clients) {
            client.join(Duration.ofSeconds(45).toMillis());
        }
        Instant trafficStopped = Instant.now();

        // the invitees whose email came: they sign up now (a client would); bounded
        try {
            await("the invited addresses signed up").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1))
                    .until(() -> {
                        for (int i = invitees.size(); i > 0; i--) {
                            acceptOneArrivedInvitation();
                        }
                        return invitees.isEmpty();
                    });
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            log.warn("{} invitee(s) could not sign up: {}", invitees.size(), invitees);
        }
        Map<String, Long> lag = invariants.awaitConsumersCaughtUp(Duration.ofSeconds(120));
        // the triggering events are read again at every look: a command answered 503 whose events were stored anyway reaches
        // its topic when the relay sweeps, possibly after the consumers caught up, and its email is then expected too
        StackInvariants.EmailCheck[] emails = {null};
        try {
            await("every triggered email arrived").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(2))
                    .until(() -> {
                        emails[0] = invariants.emailsExactlyOnce(invariants.triggeredEmails(address -> address.endsWith(DOMAIN)),
                                addressesUsed());
                        return emails[0].missing().isEmpty();
                    });
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            log.warn("emails still missing: {}", emails[0]);
        }
        Map<String, Long> deadLetters = invariants.deadLetterCounts();
        List<String> deadLetterSamples = invariants.deadLetterSamples(8);
        StackInvariants.ProjectionCheck projections = invariants.projectionsAgainstRebuild(adminToken);
        List<String> membersMissing = invariants.acceptedWithoutMember(adminToken, acceptedByOrganization);
        emails[0] = invariants.emailsExactlyOnce(invariants.triggeredEmails(address -> address.endsWith(DOMAIN)), addressesUsed());
        List<String> halfDone = halfDoneChanges();
        List<String> notificationsFailed = invariants.notificationsFailed();
        Map<String, List<String>> notPublished = new TreeMap<>();
        notPublished.put("identity", invariants.storedEventsNotOnTopic(RosterService.IDENTITY, "roster.identity.v1"));
        notPublished.put("invitation", invariants.storedEventsNotOnTopic(RosterService.INVITATION, "roster.invitation.v1"));
        stopPolling = true;
        for (Thread poller : pollers) {
            poller.join(10_000);
        }
        Map<RosterService, String> readinessFindings = readinessFindings();

        String report = report(trafficStopped, lag, deadLetters, deadLetterSamples, projections, membersMissing, emails[0],
                halfDone, notificationsFailed, readinessFindings, notPublished);
        log.info("\n{}", report);
        Files.writeString(Path.of("target", "mongo-outage-report.txt"), report);

        SoftAssertions softly = new SoftAssertions();
        softly.assertThat(deadLetters.values().stream().mapToLong(Long::longValue).sum())
                .as("records on the .DLT topics %s, e.g. %s", deadLetters, deadLetterSamples).isZero();
        readinessFindings.forEach((service, finding) -> softly.assertThat(finding)
                .as("%s readiness component 'consumers'", service.shortName()).startsWith("went DOWN"));
        softly.assertThat(lag).as("consumer groups behind after the recovery").isEmpty();
        softly.assertThat(projections.rebuild().path("state").asText()).as("the rebuild %s", projections.rebuild()).isEqualTo("completed");
        softly.assertThat(projections.differences()).as("read models that differ from a rebuild: %s",
                projections.differingRows(3)).isEmpty();
        notPublished.forEach((service, events) -> softly.assertThat(events)
                .as("events in %s's event store that never reached its topic", service).isEmpty());
        softly.assertThat(membersMissing).as("accepted invitees not listed as active members").isEmpty();
        softly.assertThat(emails[0].missing()).as("triggered emails never received").isEmpty();
        softly.assertThat(emails[0].duplicated()).as("emails received more than once").isEmpty();
        softly.assertThat(emails[0].unexpected()).as("emails without a triggering event").isEmpty();
        softly.assertThat(halfDone).as("users created (answer lost) without the verification link asked for in the same "
                + "command").isEmpty();
        softly.assertThat(uncleanRefusals()).as("commands refused during the fault otherwise than with 503 "
                + "service_unavailable (a 4xx of the rules, or no answer within the client's 30 s, are reported above)").isEmpty();
        softly.assertAll();
    }

    /**
     * The commands a service answered with a server error during the fault that is not a clean refusal: a 503 must
     * carry the code {@code service_unavailable}; any other 5xx (a 500 above all) is a bug.
     */
    private List<String> uncleanRefusals() {
        return commands.stream()
                .filter(c -> c.status() >= 500 && !(c.status() == 503 && c.detail().equals("service_unavailable")))
                .map(c -> c.kind() + " " + c.subject() + " answered " + c.status() + " " + c.detail() + " ("
                        + c.window(outageStart, outageEnd) + ")")
                .toList();
    }

    /** Black-holes and heals each service's MongoDB on the schedule of {@link #PARTITIONS}. */
    private void runThePartitions() {
        record Step(int at, RosterService service, TcpProxy.Mode mode) {
        }
        List<Step> steps = new ArrayList<>();
        PARTITIONS.forEach(p -> {
            if (p.refusingFrom() > p.from()) {
                steps.add(new Step(p.from(), p.service(), TcpProxy.Mode.BLACKHOLE));
            }
            if (p.refusingFrom() < p.to()) {
                steps.add(new Step(p.refusingFrom(), p.service(), TcpProxy.Mode.CUT));
            }
            steps.add(new Step(p.to(), p.service(), TcpProxy.Mode.PASS));
        });
        steps.sort(java.util.Comparator.comparingInt(Step::at));
        for (Step step : steps) {
            Instant due = partitionStart.plusSeconds(step.at());
            await("second " + step.at() + " of the outage").atMost(Duration.ofSeconds(step.at() + 5)).pollInterval(Duration.ofMillis(100))
                    .until(() -> !Instant.now().isBefore(due));
            TcpProxy proxy = proxies.get(step.service());
            switch (step.mode()) {
                case BLACKHOLE -> {
                    proxy.blackhole();
                    cutAt.put(step.service(), Instant.now());
                }
                case CUT -> {
                    proxy.cutAll();
                    cutAt.putIfAbsent(step.service(), Instant.now());
                }
                default -> {
                    threadDump(step.service(), step.at());
                    proxy.heal();
                    healedAt.put(step.service(), Instant.now());
                }
            }
            log.info("== second {}: {}'s MongoDB {}", step.at(), step.service().shortName(), step.mode());
        }
    }

    /**
     * The service's threads right before its MongoDB comes back, in {@code target/mongo-outage-data/thread-dumps}: where
     * a consumer that never reported a stall was waiting (a diagnosis aid, nothing is asserted on it).
     */
    private void threadDump(RosterService service, int second) {
        try {
            Path folder = Files.createDirectories(stack.config().dataDir().resolve("thread-dumps"));
            Path file = folder.resolve(service.shortName() + "-second-" + second + ".txt");
            String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
            Process dump = new ProcessBuilder(jcmd, Long.toString(stack.processOf(service).pid()), "Thread.print")
                    .redirectErrorStream(true).redirectOutput(file.toFile()).start();
            if (!dump.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
                dump.destroyForcibly();
            }
        } catch (Exception e) {
            log.warn("no thread dump of {}: {}", service.shortName(), e.toString());
        }
    }

    // --- the clients ---------------------------------------------------------------------------------------------

    private void sendCommands(int client) {
        for (int round = 0; !stopTraffic; round++) {
            try {
                acceptOneArrivedInvitation();
                round(client + "-" + round + "-" + UUID.randomUUID().toString().substring(0, 6));
            } catch (Exception e) {
                log.warn("client {} round {}: {}", client, round, e.toString());
            }
        }
    }

    /** One organization with a team, a user added as a member, and an invitation for a new address. */
    private void round(String tag) throws Exception {
        Answer organization = call("create organization", "Outage " + tag,
                () -> http.post(IDENTITY + "/api/v1/organizations", adminToken, "{\"name\":\"Outage " + tag + "\"}"), "organizationId");
        if (!organization.acknowledged()) {
            return;
        }
        String organizationId = organization.id();
        String organizationUrl = IDENTITY + "/api/v1/organizations/" + organizationId;
        Answer team = call("create team", organizationId,
                () -> http.post(organizationUrl + "/teams", adminToken, "{\"name\":\"Team " + tag + "\"}"), "teamId");
        String teamIds = team.acknowledged() ? ",\"teamIds\":[\"" + team.id() + "\"]" : "";
        String userEmail = "user-" + tag + DOMAIN;
        Answer user = call("create user", userEmail, () -> http.post(IDENTITY + "/api/v1/users", adminToken,
                "{\"firstName\":\"User\",\"lastName\":\"" + tag + "\",\"email\":\"" + userEmail + "\",\"password\":\"" + PASSWORD + "\"}"),
                "userId");
        if (user.acknowledged()) {
            call("add member", userEmail, () -> http.post(organizationUrl + "/members", adminToken,
                    "{\"userId\":\"" + user.id() + "\",\"roles\":[\"member\"]" + teamIds + "}"), null);
        }
        if (stopTraffic) {
            return;
        }
        String invitee = "invitee-" + tag + DOMAIN;
        String body = "{\"emails\":[\"" + invitee + "\"],\"roles\":[\"member\"]" + teamIds + "}";
        // the invitation service learns of the organization and its team from Kafka: a moment, or the whole outage
        Instant giveUp = Instant.now().plusSeconds(15);
        HttpResponse<String>[] last = new HttpResponse[1];
        Answer invited;
        do {
            last[0] = null;
            invited = call("invite", invitee, () -> last[0] = http.post(INVITATION + "/api/v1/organizations/"
                    + organizationId + "/invitations", adminToken, body), null);
        } while (!invited.acknowledged() && notKnownYet(last[0]) && Instant.now().isBefore(giveUp) && !stopTraffic
                && pause(Duration.ofMillis(500)));
        if (invited.acknowledged()) {
            invitees.add(new Invitee(organizationId, invitee, 0));
        }
    }

    /** The invitation service's answer while it has not read the organization (or its team) yet. */
    private static boolean notKnownYet(HttpResponse<String> response) {
        return response != null && (response.statusCode() == 403 || response.statusCode() == 404
                || (response.statusCode() == 400 && response.body().contains("teamIds")));
    }

    /**
     * Takes one invitee from the queue; when its email came, signs up through the link (the acceptance) and accepts
     * again explicitly; puts it back while its email has not come or identity does not know the token yet.
     */
    private void acceptOneArrivedInvitation() throws Exception {
        Invitee invitee = invitees.poll();
        if (invitee == null) {
            return;
        }
        List<String> links = Mailbox.inviteLinks(PORTS, invitee.email());
        if (links.isEmpty()) {
            invitees.add(invitee);
            return;
        }
        String token = Mailbox.tokenOf(links.get(0));
        int signUp = call("sign up with the invitation", invitee.email(), () -> http.post(IDENTITY + "/api/v1/auth/sign-up", null,
                "{\"email\":\"" + invitee.email() + "\",\"password\":\"" + PASSWORD + "\",\"firstName\":\"In\",\"lastName\":\"Vitee\","
                        + "\"invitationToken\":\"" + token + "\"}"), null).status();
        if (signUp == 201) {
            accepted(invitee);
        }
        if (signUp == 201 || signUp == 409) {
            // 409: an earlier sign-up went through though its answer was lost; accepting is what is left to do
            HttpResponse<String> login = http.post(IDENTITY + "/api/v1/auth/token", null,
                    "{\"email\":\"" + invitee.email() + "\",\"password\":\"" + PASSWORD + "\"}");
            if (login.statusCode() == 200) {
                String userToken = http.body(login).path("accessToken").asText();
                Answer accept = call("accept invitation", invitee.email(), () -> http.post(INVITATION + "/api/v1/invitations/"
                        + token + "/accept", userToken, ""), null);
                if (accept.acknowledged()) {
                    accepted(invitee);
                } else if ((accept.status() >= 500 || accept.status() < 0) && invitee.attempts() < SIGN_UP_ATTEMPTS) {
                    invitees.add(new Invitee(invitee.organizationId(), invitee.email(), invitee.attempts() + 1));
                }
                return;
            }
        }
        if ((signUp == 404 || signUp >= 500 || signUp < 0 || signUp == 409) && invitee.attempts() < SIGN_UP_ATTEMPTS) {
            invitees.add(new Invitee(invitee.organizationId(), invitee.email(), invitee.attempts() + 1));
        }
    }

    private void accepted(Invitee invitee) {
        if (acceptedByOrganization.computeIfAbsent(invitee.organizationId(), id -> ConcurrentHashMap.newKeySet()).add(invitee.email())) {
            acceptances.incrementAndGet();
        }
    }

    private Set<String> addressesUsed() {
        return commands.stream().map(Command::subject).filter(subject -> subject.endsWith(DOMAIN)).collect(Collectors.toSet());
    }

    /** A command's answer: its status (-1: none came) and, on a 2xx, the new resource's id (or ""). */
    record Answer(int status, String id) {
        boolean acknowledged() {
            return status / 100 == 2;
        }
    }

    /** Sends a command and records its answer (or that none came). */
    private Answer call(String kind, String subject, Callable<HttpResponse<String>> command, String idField) {
        Instant sent = Instant.now();
        try {
            HttpResponse<String> response = command.call();
            String body = response.body() == null ? "" : response.body();
            JsonNode json = body.startsWith("{") ? http.readTree(body) : null;
            commands.add(new Command(kind, subject, sent, Instant.now(), response.statusCode(),
                    json == null ? "" : json.path("code").asText("")));
            return new Answer(response.statusCode(), idField == null || json == null ? "" : json.path(idField).asText());
        } catch (Exception e) {
            commands.add(new Command(kind, subject, sent, Instant.now(), -1, e.getClass().getSimpleName()));
            return new Answer(-1, "");
        }
    }

    private boolean pause(Duration duration) {
        try {
            await().pollDelay(duration).atMost(duration.plusSeconds(1)).until(() -> true);
            return true;
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            return false;
        }
    }

    // --- readiness -----------------------------------------------------------------------------------------------

    /** One service's readiness about every second (a probe that hangs is given up after 3 s). */
    private void pollReadiness(RosterService service) {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        String base = "http://127.0.0.1:" + PORTS.of(service);
        while (!stopPolling) {
            Instant at = Instant.now();
            readiness.add(new Readiness(service, at, probe(client, base + "/actuator/health/readiness"),
                    probe(client, base + "/actuator/health/readiness/consumers"),
                    stalledGauge(client, base + "/actuator/prometheus")));
            Duration left = Duration.ofSeconds(1).minus(Duration.between(at, Instant.now()));
            if (!left.isNegative() && !left.isZero()) {
                pause(left);
            }
        }
    }

    /** UP, DOWN, absent (404: no such component, or components hidden), or "no answer". */
    private String probe(HttpClient client, String url) {
        try {
            HttpResponse<String> response = client.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(3))
                    .GET().build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() == 404) {
                return "absent";
            }
            String status = response.body().startsWith("{") ? http.readTree(response.body()).path("status").asText() : "";
            return status.isEmpty() ? "HTTP " + response.statusCode() : status;
        } catch (Exception e) {
            return "no answer";
        }
    }

    /** The sum of the service's {@code roster_consumer_stalled} gauges; -1 when it has none (or did not answer). */
    private static double stalledGauge(HttpClient client, String url) {
        try {
            HttpResponse<java.util.stream.Stream<String>> response = client.send(HttpRequest.newBuilder(URI.create(url))
                    .timeout(Duration.ofSeconds(3)).GET().build(), HttpResponse.BodyHandlers.ofLines());
            try (java.util.stream.Stream<String> lines = response.body()) {
                List<Double> values = lines.filter(line -> line.startsWith("roster_consumer_stalled"))
                        .map(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1))).toList();
                return values.isEmpty() ? -1 : values.stream().mapToDouble(Double::doubleValue).sum();
            }
        } catch (Exception e) {
            return -1;
        }
    }

    /**
     * Per service: "went DOWN after Xs of outage, UP again Ys after the heal" when its consumers component did both,
     * else what it did (never DOWN, absent, still DOWN), with the group's own status for comparison.
     */
    private Map<RosterService, String> readinessFindings() {
        Map<RosterService, String> findings = new TreeMap<>();
        for (RosterService service : RosterService.values()) {
            List<Readiness> samples = readiness.stream().filter(r -> r.service() == service)
                    .sorted(java.util.Comparator.comparing(Readiness::at)).toList();
            Instant cut = cutAt.getOrDefault(service, outageStart);
            Instant healed = healedAt.getOrDefault(service, outageEnd);
            List<Readiness> during = samples.stream()
                    .filter(r -> !r.at().isBefore(cut) && !r.at().isAfter(healed.plus(Duration.ofSeconds(5)))).toList();
            Optional<Readiness> firstDown = during.stream().filter(r -> r.consumers().equals("DOWN")).findFirst();
            Optional<Readiness> firstOverallDown = during.stream().filter(r -> r.overall().equals("DOWN")).findFirst();
            Optional<Readiness> backUp = samples.stream().filter(r -> r.at().isAfter(healed) && r.consumers().equals("UP")
                    && samples.stream().noneMatch(later -> later.at().isAfter(r.at()) && !later.consumers().equals("UP"))).findFirst();
            Map<String, Long> seen = during.stream().collect(Collectors.groupingBy(Readiness::consumers, TreeMap::new, Collectors.counting()));
            Map<String, Long> seenOverall = during.stream().collect(Collectors.groupingBy(Readiness::overall, TreeMap::new, Collectors.counting()));
            String last = samples.isEmpty() ? "never probed" : samples.get(samples.size() - 1).consumers();
            Optional<Readiness> firstStalled = during.stream().filter(r -> r.stalled() > 0).findFirst();
            String overall = "; readiness group during the outage " + seenOverall
                    + firstOverallDown.map(r -> " (first DOWN after " + seconds(cut, r.at()) + ")").orElse("")
                    + "; roster_consumer_stalled " + firstStalled.map(r -> "> 0 first after " + seconds(cut, r.at()))
                    .orElse(during.stream().anyMatch(r -> r.stalled() >= 0) ? "never > 0" : "absent")
                    + ", last " + (samples.isEmpty() ? "-" : samples.get(samples.size() - 1).stalled());
            String finding;
            if (firstDown.isPresent() && backUp.isPresent() && !backUp.get().at().isAfter(healed.plus(RECOVERY))) {
                finding = "went DOWN after " + seconds(cut, firstDown.get().at()) + " of outage, UP again "
                        + seconds(healed, backUp.get().at()) + " after the heal";
            } else if (firstDown.isPresent()) {
                finding = "DOWN after " + seconds(cut, firstDown.get().at()) + " of outage but not back UP within "
                        + RECOVERY.toSeconds() + " s of the heal (last: " + last + ")";
            } else {
                finding = "never DOWN during the outage: consumers component " + seen + ", last " + last;
            }
            findings.put(service, finding + overall);
        }
        return findings;
    }

    // --- half-done changes ---------------------------------------------------------------------------------------

    /**
     * Commands not acknowledged whose effects are on the topics only in part. What a test outside can see: a user
     * created without its verification request. (A failed command whose whole effect is there is no half-done
     * change: the client just did not learn of its success; those are counted in the report.)
     */
    private List<String> halfDoneChanges() {
        Set<String> registered = new HashSet<>();
        Set<String> verificationRequested = new HashSet<>();
        for (ConsumerRecord<String, String> record : TopicRecords.all(PORTS, "roster.identity.v1")) {
            String type = StackInvariants.typeName(record);
            if (type.equals("UserRegistered")) {
                registered.add(http.readTree(record.value()).path("email").asText());
            } else if (type.equals("EmailVerificationRequested")) {
                verificationRequested.add(http.readTree(record.value()).path("email").asText());
            }
        }
        return commands.stream().filter(c -> c.kind().equals("create user") && !c.acknowledged())
                .filter(c -> registered.contains(c.subject()) != verificationRequested.contains(c.subject()))
                .map(c -> c.subject() + " answered " + c.status() + ": registered " + registered.contains(c.subject())
                        + ", verification requested " + verificationRequested.contains(c.subject()))
                .toList();
    }

    /** Per kind of command not acknowledged: how many had their effect anyway (the event is on the topics). */
    private Map<String, String> failedButDone() {
        Map<String, Set<String>> subjectsOnTopics = new TreeMap<>();
        for (String topic : List.of("roster.identity.v1", "roster.invitation.v1")) {
            for (ConsumerRecord<String, String> record : TopicRecords.all(PORTS, topic)) {
                JsonNode event = http.readTree(record.value());
                String type = StackInvariants.typeName(record);
                String subject = switch (type) {
                    case "OrganizationCreated" -> event.path("name").asText();
                    case "UserRegistered", "InvitationIssued" -> event.path("email").asText();
                    default -> null;
                };
                if (subject != null) {
                    subjectsOnTopics.computeIfAbsent(type, t -> new HashSet<>()).add(subject);
                }
            }
        }
        Map<String, String> kinds = Map.of("create organization", "OrganizationCreated", "create user", "UserRegistered",
                "invite", "InvitationIssued", "sign up with the invitation", "UserRegistered");
        Map<String, String> figures = new TreeMap<>();
        kinds.forEach((kind, event) -> {
            Set<String> acknowledged = commands.stream().filter(c -> c.kind().equals(kind) && c.acknowledged())
                    .map(Command::subject).collect(Collectors.toSet());
            Set<String> failed = commands.stream().filter(c -> c.kind().equals(kind) && !c.acknowledged()
                    && !(c.status() >= 400 && c.status() < 500) && !acknowledged.contains(c.subject()))
                    .map(Command::subject).collect(Collectors.toSet());
            long done = failed.stream().filter(subject -> subjectsOnTopics.getOrDefault(event, Set.of()).contains(subject)).count();
            figures.put(kind, done + " of " + failed.size() + " never acknowledged (5xx or no answer) had their " + event + " anyway");
        });
        return figures;
    }

    // --- the report ----------------------------------------------------------------------------------------------

    private String report(Instant trafficStopped, Map<String, Long> lag, Map<String, Long> deadLetters,
                          List<String> deadLetterSamples, StackInvariants.ProjectionCheck projections, List<String> membersMissing,
                          StackInvariants.EmailCheck emails, List<String> halfDone, List<String> notificationsFailed,
                          Map<RosterService, String> readinessFindings, Map<String, List<String>> notPublished) {
        StringBuilder text = new StringBuilder("== Mongo outage end-to-end report\n");
        text.append(String.format("slow (%s ms per packet) for %s s, then partitions %s (black hole for the first "
                        + BLACKHOLE_SECONDS + " s of each, then cut/refused; %s s from the first slow packet to the last heal), "
                        + "traffic stopped %s s after the last heal%n", PER_PACKET_DELAY.toMillis(), SLOW.toSeconds(),
                PARTITIONS, Duration.between(outageStart, outageEnd).toSeconds(),
                Duration.between(outageEnd, trafficStopped).toSeconds()));
        proxies.forEach((service, proxy) -> text.append(String.format("  proxy of %s: %d connections accepted, %d bytes%n",
                service.shortName(), proxy.connectionsAccepted(), proxy.bytesForwarded())));
        text.append("commands (kind: window → status → count; -1 = no answer):\n");
        Map<String, Map<String, Map<String, Long>>> table = new TreeMap<>();
        for (Command command : commands) {
            String status = command.status() + (command.detail().isEmpty() ? "" : " " + command.detail());
            table.computeIfAbsent(command.kind(), k -> new TreeMap<>())
                    .computeIfAbsent(command.window(outageStart, outageEnd), w -> new TreeMap<>())
                    .merge(status, 1L, Long::sum);
        }
        table.forEach((kind, windows) -> text.append("  ").append(kind).append(": ").append(windows).append('\n'));
        text.append("failed yet done: ").append(failedButDone()).append('\n');
        text.append("half-done changes: ").append(halfDone).append('\n');
        text.append("acceptances acknowledged: ").append(acceptances.get()).append(" in ").append(acceptedByOrganization.size())
                .append(" organizations; not listed as members afterwards: ").append(membersMissing).append('\n');
        text.append("invitees left without a sign-up: ").append(invitees.size()).append('\n');
        text.append("dead letters: ").append(deadLetters).append(deadLetterSamples.isEmpty() ? "" : " e.g. " + deadLetterSamples).append('\n');
        text.append("consumer lag after the recovery: ").append(lag).append('\n');
        text.append("readiness:\n");
        readinessFindings.forEach((service, finding) -> text.append("  ").append(service.shortName()).append(": ").append(finding).append('\n'));
        text.append("projections: rebuild ").append(projections.rebuild().path("state").asText()).append(" v")
                .append(projections.rebuild().path("previousVersion").asText()).append(" → v").append(projections.rebuild().path("version").asText())
                .append(", ").append(projections.rebuild().path("eventsApplied").asText()).append(" events; differing ")
                .append(projections.differences()).append("\n  live    ").append(projections.liveSummary()).append("\n  rebuilt ")
                .append(projections.rebuiltSummary()).append('\n');
        projections.differingRows(3).forEach((name, rows) -> rows.forEach(row -> text.append("  ").append(name).append(' ')
                .append(row).append('\n')));
        notPublished.forEach((service, events) -> text.append("stored in ").append(service).append("'s event store, not on its topic: ")
                .append(events.size()).append(events.isEmpty() ? "" : " e.g. " + events.subList(0, Math.min(8, events.size())))
                .append('\n'));
        text.append("emails: ").append(emails).append('\n');
        text.append("NotificationFailed: ").append(notificationsFailed.size())
                .append(notificationsFailed.isEmpty() ? "" : " e.g. " + notificationsFailed.subList(0, Math.min(5, notificationsFailed.size())))
                .append('\n');
        return text.toString();
    }

    private static String seconds(Instant from, Instant to) {
        return String.format("%.1f s", Duration.between(from, to).toMillis() / 1000.0);
    }

    private static Thread daemon(String name, Runnable work) {
        Thread thread = new Thread(work, name);
        thread.setDaemon(true);
        thread.start();
        return thread;
    }
}
