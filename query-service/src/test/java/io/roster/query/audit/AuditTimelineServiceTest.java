package io.roster.query.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.roster.events.EncryptedSecret;
import io.roster.events.EventEnvelope;
import io.roster.events.identity.AccountSetupRequested;
import io.roster.events.identity.JoinPath;
import io.roster.events.identity.MemberAdded;
import io.roster.events.identity.MemberExpired;
import io.roster.events.identity.MembershipExpiryChanged;
import io.roster.events.identity.MemberRolesChanged;
import io.roster.events.identity.OrganizationCreated;
import io.roster.events.identity.OrganizationRenamed;
import io.roster.events.identity.RegistrationSource;
import io.roster.events.identity.TeamCreated;
import io.roster.events.identity.UserRegistered;
import io.roster.events.invitation.InvitationIssued;
import io.roster.events.invitation.InvitationLinkCreated;
import io.roster.events.invitation.InvitationResent;
import io.roster.events.notification.NotificationKind;
import io.roster.events.notification.NotificationSent;
import io.roster.query.AbstractServiceTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The audit timeline, its NDJSON stream and the export over HTTP, fed through Kafka: every event of the
 * organization from all three topics in the order it happened, filtered and paged, secret-free, for admins only.
 */
class AuditTimelineServiceTest extends AbstractServiceTest {

    private static final MediaType NDJSON = MediaType.parseMediaType("application/x-ndjson");
    private static final String EVENTS = "/api/v1/organizations/{org}/events";
    private static final String RAW_TOKEN = "raw-invitation-token-QmFzZTY0VG9rZW5WYWx1ZQ";
    private static final String SEALED = "c2VhbGVkIGludml0YXRpb24gdG9rZW4=";

    private final ObjectMapper json = new ObjectMapper();
    private final UUID org = UUID.randomUUID();
    private final UUID admin = UUID.randomUUID();
    private final UUID member = UUID.randomUUID();
    private final UUID provider = UUID.randomUUID();
    private final UUID team = UUID.randomUUID();
    private final UUID invitation = UUID.randomUUID();
    private final UUID link = UUID.randomUUID();
    private final Instant t = Instant.now().minus(1, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS);
    private final String tokenHash = sha256(RAW_TOKEN);
    /** The organization's events in the order they happened, by short name. */
    private final List<String> timeline = List.of("OrganizationCreated", "MemberAdded", "TeamCreated", "MemberAdded",
            "AccountSetupRequested", "InvitationIssued", "NotificationSent", "MemberRolesChanged", "InvitationResent",
            "InvitationLinkCreated");
    private String adminToken;
    private String consistency;

    @BeforeEach
    void history() {
        adminToken = tokenOf(admin);
        EventEnvelope created = log.next(new OrganizationCreated(UUID.randomUUID(), t, org, admin, "Audit Co"));
        EventEnvelope adminJoined = log.next(added(t.plusSeconds(1), admin, "admin"));
        // a sign-up's account has no organization: kept in the log, in no organization's timeline
        EventEnvelope signUp = log.next(new UserRegistered(UUID.randomUUID(), t.plusMillis(1500), null, null, member,
                "mia@example.io", "Mia", "Member", RegistrationSource.SIGN_UP, true, tokenHash));
        EventEnvelope teamCreated = log.next(new TeamCreated(UUID.randomUUID(), t.plusSeconds(2), org, admin, team, "Core", null));
        EventEnvelope memberJoined = log.next(added(t.plusSeconds(3), member, "member"));
        EventEnvelope setup = log.next(new AccountSetupRequested(UUID.randomUUID(), t.plusMillis(3500), org, admin, member,
                "mia@example.io", "Mia", new EncryptedSecret("key-1", SEALED), t.plusSeconds(86400)));
        EventEnvelope issued = log.next(new InvitationIssued(UUID.randomUUID(), t.plusSeconds(4), org, admin, invitation,
                "ivy@example.io", "Ivy", null, List.of("member"), List.of(team), t.plusSeconds(3 * 86400), tokenHash,
                new EncryptedSecret("key-1", SEALED), null));
        EventEnvelope sent = log.next(new NotificationSent(UUID.randomUUID(), t.plusSeconds(5), org, null, UUID.randomUUID(),
                issued.event().eventId(), NotificationKind.INVITATION, "ivy@example.io", invitation, 1, true));
        EventEnvelope promoted = log.next(new MemberRolesChanged(UUID.randomUUID(), t.plusSeconds(6), org, provider, member,
                List.of("billing-manager")));
        EventEnvelope resent = log.next(new InvitationResent(UUID.randomUUID(), t.plusSeconds(7), org, admin, invitation,
                "ivy@example.io", t.plusSeconds(4 * 86400), tokenHash, new EncryptedSecret("key-1", SEALED), 1));
        EventEnvelope linkCreated = log.next(new InvitationLinkCreated(UUID.randomUUID(), t.plusSeconds(8), org, admin, link,
                "Everyone", null, List.of(), null, null, List.of("member"), List.of(), tokenHash,
                new EncryptedSecret("key-1", SEALED)));
        // published out of timeline order, as three topics and their partitions deliver them
        publish(linkCreated, issued, resent, sent, signUp, setup);
        consistency = publish(withCorrelation(created, "corr-create"), adminJoined, teamCreated, memberJoined, promoted);
    }

    @Test
    void theTimelineListsEveryEventOfTheOrganizationInTheOrderItHappenedWithItsActor() throws IOException {
        JsonNode page = page(adminToken, consistency, EVENTS, org);

        List<JsonNode> items = list(page.path("items"));
        assertThat(items).extracting(item -> item.path("name").asText()).containsExactlyElementsOf(timeline);
        assertThat(page.path("nextCursor").isNull()).isTrue();
        assertThat(items).extracting(item -> item.path("occurredAt").asText())
                .isSortedAccordingTo((a, b) -> Instant.parse(a).compareTo(Instant.parse(b)));
        assertThat(items).extracting(item -> item.path("actorId").asText(null))
                .containsExactly(admin.toString(), admin.toString(), admin.toString(), admin.toString(), admin.toString(),
                        admin.toString(), null, provider.toString(), admin.toString(), admin.toString());

        JsonNode first = items.get(0);
        assertThat(first.path("type").asText()).isEqualTo("roster.identity.OrganizationCreated.v1");
        assertThat(first.path("organizationId").asText()).isEqualTo(org.toString());
        assertThat(first.path("aggregateId").asText()).isEqualTo(org.toString());
        assertThat(first.path("sequence").asLong()).isZero();
        assertThat(first.path("occurredAt").asText()).isEqualTo(t.toString());
        assertThat(first.path("correlationId").asText()).isEqualTo("corr-create");
        assertThat(first.path("eventId").asText()).isNotBlank();
        assertThat(first.path("payload").path("name").asText()).isEqualTo("Audit Co");
        JsonNode promotion = items.get(7);
        assertThat(promotion.path("payload").path("roles").get(0).asText()).isEqualTo("billing-manager");
        assertThat(promotion.path("payload").path("userId").asText()).isEqualTo(member.toString());
        assertThat(promotion.path("sequence").asLong()).isEqualTo(4);
    }

    @Test
    void aMembershipsEndDateAndItsExpiryAreInTheTimelineTheExpiryWithoutActor() throws IOException {
        Instant end = t.plusSeconds(10);
        consistency = publish(
                log.next(new MembershipExpiryChanged(UUID.randomUUID(), t.plusSeconds(9), org, admin, member, end, null)),
                log.next(new MemberExpired(UUID.randomUUID(), end, org, null, member, end)));

        assertThat(names(EVENTS + "?type=MembershipExpiryChanged")).containsExactly("MembershipExpiryChanged");
        List<JsonNode> expired = list(page(adminToken, consistency, EVENTS + "?type=roster.identity.MemberExpired.v1", org).path("items"));
        assertThat(expired).singleElement().satisfies(item -> {
            assertThat(item.path("actorId").isNull()).as("nobody asked").isTrue();
            assertThat(item.path("payload").path("userId").asText()).isEqualTo(member.toString());
            assertThat(item.path("payload").path("expiresAt").asText()).isEqualTo(end.toString());
        });
        assertThat(names(EVENTS + "?from=" + t.plusSeconds(8))).containsExactly("InvitationLinkCreated", "MembershipExpiryChanged", "MemberExpired");
    }

    @Test
    void typeActorAndTimeFiltersNarrowTheTimeline() throws IOException {
        assertThat(names(EVENTS + "?type=MemberAdded")).containsExactly("MemberAdded", "MemberAdded");
        assertThat(names(EVENTS + "?type=roster.identity.MemberRolesChanged.v1")).containsExactly("MemberRolesChanged");
        assertThat(names(EVENTS + "?type=NotificationSent")).containsExactly("NotificationSent");
        assertThat(names(EVENTS + "?actor=" + provider)).containsExactly("MemberRolesChanged");
        assertThat(names(EVENTS + "?actor=" + admin + "&type=InvitationResent")).containsExactly("InvitationResent");
        // from is inclusive, to exclusive; an offset is honoured
        assertThat(names(EVENTS + "?from=" + t.plusSeconds(3) + "&to=" + t.plusSeconds(6)))
                .containsExactly("MemberAdded", "AccountSetupRequested", "InvitationIssued", "NotificationSent");
        String fromWithOffset = t.plusSeconds(7).atOffset(java.time.ZoneOffset.ofHours(2)).toString();
        assertThat(names(EVENTS + "?from={from}", fromWithOffset)).containsExactly("InvitationResent", "InvitationLinkCreated");
        assertThat(names(EVENTS + "?to=" + t.plusMillis(1))).containsExactly("OrganizationCreated");
        assertThat(names(EVENTS + "?type=UserRegistered")).as("an event without organization is in no timeline").isEmpty();
    }

    @Test
    void badFiltersAreRefusedWithTheFieldNamed() {
        assertInvalid(EVENTS + "?type=MemberJoined", "type");
        assertInvalid(EVENTS + "?type=roster.identity.MemberAdded.v9", "type");
        assertInvalid(EVENTS + "?from=yesterday", "from");
        assertInvalid(EVENTS + "?to=2025-03-01T09:30:00", "to");
        assertInvalid(EVENTS + "?from=" + t.plusSeconds(5) + "&to=" + t.plusSeconds(5), "to");
        assertInvalid(EVENTS + "?actor=someone", "actor");
        assertInvalid(EVENTS + "?limit=201", "limit");
        String membersCursor = java.util.Base64.getUrlEncoder().withoutPadding()
                .encodeToString(("ann@example.io\n" + UUID.randomUUID()).getBytes(StandardCharsets.UTF_8));
        assertInvalid(EVENTS + "?cursor=" + membersCursor, "cursor");
    }

    @Test
    void pagesFollowEachOtherWithoutGapOrRepeat() throws IOException {
        List<String> walked = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            JsonNode page = cursor == null ? page(adminToken, consistency, EVENTS + "?limit=3", org)
                    : page(adminToken, null, EVENTS + "?limit=3&cursor={cursor}", org, cursor);
            assertThat(page.path("items").size()).isLessThanOrEqualTo(3);
            list(page.path("items")).forEach(item -> walked.add(item.path("name").asText()));
            cursor = page.path("nextCursor").isNull() ? null : page.path("nextCursor").asText();
            pages++;
        } while (cursor != null);

        assertThat(walked).containsExactlyElementsOf(timeline);
        assertThat(pages).isEqualTo(4);
    }

    @Test
    void ndjsonStreamsTheSameFilteredTimelineOneEventPerLine() throws IOException {
        String body = ndjson(adminToken, EVENTS).expectStatus().isOk()
                .expectHeader().contentTypeCompatibleWith(NDJSON)
                .expectBody(String.class).returnResult().getResponseBody();

        List<JsonNode> lines = parseLines(body);
        assertThat(lines).extracting(line -> line.path("name").asText()).containsExactlyElementsOf(timeline);
        assertThat(lines.get(0)).isEqualTo(list(page(adminToken, null, EVENTS, org).path("items")).get(0));

        String filtered = ndjson(adminToken, EVENTS + "?type=MemberAdded&from=" + t.plusSeconds(2)).expectStatus().isOk()
                .expectBody(String.class).returnResult().getResponseBody();
        assertThat(parseLines(filtered)).extracting(line -> line.path("payload").path("userId").asText())
                .containsExactly(member.toString());

        ndjson(adminToken, EVENTS + "?limit=10").expectStatus().isBadRequest()
                .expectBody().jsonPath("$.errors[0].field").isEqualTo("limit");
        ndjson(tokenOf(member), EVENTS).expectStatus().isForbidden().expectBody().jsonPath("$.code").isEqualTo("forbidden");
    }

    @Test
    void withoutAnAcceptHeaderOrWithAnyTypeTheAnswerIsThePagedJson() {
        for (String accept : new String[]{null, "*/*", "application/json"}) {
            web.get().uri(EVENTS, org).headers(h -> {
                        h.setBearerAuth(adminToken);
                        h.set("Consistency-Token", consistency);
                        if (accept != null) {
                            h.set("Accept", accept);
                        }
                    }).exchange()
                    .expectStatus().isOk().expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_JSON)
                    .expectBody().jsonPath("$.items.length()").isEqualTo(timeline.size());
        }
    }

    @Test
    void onlyTheOrganizationsAdminsAndProviderAdminsReadIt() {
        get(tokenOf(member), consistency, EVENTS, org).expectStatus().isForbidden()
                .expectBody().jsonPath("$.code").isEqualTo("forbidden");
        get(tokenOf(member), null, EVENTS + "/export", org).expectStatus().isForbidden();
        get(tokenOf(UUID.randomUUID()), null, EVENTS, org).expectStatus().isNotFound()
                .expectBody().jsonPath("$.code").isEqualTo("not_found");
        get(providerAdminToken(), null, EVENTS, org).expectStatus().isOk()
                .expectBody().jsonPath("$.items.length()").isEqualTo(timeline.size());
        get(providerAdminToken(), null, EVENTS, UUID.randomUUID()).expectStatus().isNotFound();
        web.get().uri(EVENTS, org).exchange().expectStatus().isUnauthorized();
    }

    @Test
    void noRawTokenSealedTokenOrTokenHashAppearsAnywhere() throws IOException {
        String paged = get(adminToken, consistency, EVENTS + "?limit=200", org).expectStatus().isOk()
                .expectBody(String.class).returnResult().getResponseBody();
        String streamed = ndjson(adminToken, EVENTS).expectStatus().isOk().expectBody(String.class).returnResult().getResponseBody();
        String exported = export(adminToken);

        for (String body : List.of(paged, streamed, exported)) {
            assertThat(body).contains("InvitationIssued", "InvitationResent", "InvitationLinkCreated", "AccountSetupRequested")
                    .doesNotContain(RAW_TOKEN).doesNotContain(tokenHash).doesNotContain(SEALED)
                    // the names of removed fields are listed in "redacted", their values and keys are gone
                    .doesNotContain("ciphertext").doesNotContain("keyId").doesNotContain("\"tokenHash\":")
                    .doesNotContain("\"token\":").doesNotContain("\"setupToken\":").doesNotContain("\"invitationTokenHash\":");
        }
        List<JsonNode> items = list(json.readTree(paged).path("items"));
        assertThat(items.get(5).path("redacted")).extracting(JsonNode::asText).containsExactly("tokenHash", "token");
        assertThat(items.get(4).path("redacted")).extracting(JsonNode::asText).containsExactly("setupToken");
        assertThat(items.get(5).path("payload").path("email").asText()).isEqualTo("ivy@example.io");
    }

    @Test
    void theExportVerifiesAndAnyEditToItDoesNot() throws IOException {
        String exported = export(adminToken);
        assertThat(exported).endsWith("\n");
        List<String> lines = List.of(exported.split("\n"));

        ExportVerifier.Result result = ExportVerifier.verify(lines);
        assertThat(result.ok()).as(result.toString()).isTrue();
        assertThat(result.events()).isEqualTo(timeline.size());
        assertThat(lines).hasSize(timeline.size() + 1);
        assertThat(lines.subList(0, timeline.size())).extracting(line -> json.readTree(line).path("name").asText())
                .containsExactlyElementsOf(timeline);
        JsonNode end = json.readTree(lines.get(lines.size() - 1));
        assertThat(end.path("end").asBoolean()).isTrue();
        assertThat(end.path("organizationId").asText()).isEqualTo(org.toString());
        assertThat(end.path("events").asLong()).isEqualTo(timeline.size());

        List<String> edited = new ArrayList<>(lines);
        edited.set(7, lines.get(7).replace("billing-manager", "admin"));
        assertThat(edited.get(7)).isNotEqualTo(lines.get(7));
        assertThat(ExportVerifier.verify(edited).badLine()).isEqualTo(8);

        List<String> actorChanged = new ArrayList<>(lines);
        actorChanged.set(1, lines.get(1).replace(admin.toString(), provider.toString()));
        assertThat(ExportVerifier.verify(actorChanged).badLine()).isEqualTo(2);

        List<String> deleted = new ArrayList<>(lines);
        deleted.remove(3);
        assertThat(ExportVerifier.verify(deleted).badLine()).isEqualTo(4);

        List<String> reordered = new ArrayList<>(lines);
        reordered.set(2, lines.get(3));
        reordered.set(3, lines.get(2));
        assertThat(ExportVerifier.verify(reordered).badLine()).isEqualTo(3);

        // the same events export to the same lines, but for the end line's time
        List<String> again = List.of(export(adminToken).split("\n"));
        assertThat(again.subList(0, timeline.size())).isEqualTo(lines.subList(0, timeline.size()));
    }

    @Test
    void aLongHistoryStreamsAndExportsAcrossManyCursorBatches() throws IOException {
        UUID big = UUID.randomUUID();
        List<EventEnvelope> events = new ArrayList<>();
        events.add(log.next(new OrganizationCreated(UUID.randomUUID(), t, big, admin, "Big Co")));
        events.add(log.next(new MemberAdded(UUID.randomUUID(), t, big, admin, admin, List.of("admin"), List.of(), JoinPath.DIRECT, null)));
        int renames = 1_200;
        for (int i = 1; i <= renames; i++) {
            events.add(log.next(new OrganizationRenamed(UUID.randomUUID(), t.plusMillis(i), big, admin,
                    "Big Co " + i)));
        }
        String published = publish(events.toArray(EventEnvelope[]::new));

        String streamed = web.get().uri(EVENTS, big).accept(NDJSON).headers(h -> h.setBearerAuth(adminToken))
                .header("Consistency-Token", published).exchange().expectStatus().isOk()
                .expectBody(String.class).returnResult().getResponseBody();
        List<JsonNode> lines = parseLines(streamed);
        assertThat(lines).hasSize(renames + 2);
        assertThat(lines.get(lines.size() - 1).path("payload").path("name").asText()).isEqualTo("Big Co " + renames);
        assertThat(lines).extracting(line -> line.path("sequence").asLong()).isSorted();

        String exported = web.get().uri(EVENTS + "/export", big).accept(NDJSON).headers(h -> h.setBearerAuth(adminToken))
                .exchange().expectStatus().isOk().expectBody(String.class).returnResult().getResponseBody();
        ExportVerifier.Result result = ExportVerifier.verify(List.of(exported.split("\n")));
        assertThat(result.ok()).as(result.toString()).isTrue();
        assertThat(result.events()).isEqualTo(renames + 2);
    }

    // ---------------------------------------------------------------------------------------------------------

    private MemberAdded added(Instant at, UUID user, String role) {
        return new MemberAdded(UUID.randomUUID(), at, org, admin, user, List.of(role),
                role.equals("member") ? List.of(team) : List.of(), JoinPath.DIRECT, null);
    }

    private static EventEnvelope withCorrelation(EventEnvelope envelope, String correlationId) {
        return new EventEnvelope(envelope.event(), envelope.aggregateId(), envelope.sequenceNumber(), correlationId, null);
    }

    private JsonNode page(String bearer, String consistencyToken, String uri, Object... variables) throws IOException {
        return json.readTree(get(bearer, consistencyToken, uri, variables).expectStatus().isOk()
                .expectBody(String.class).returnResult().getResponseBody());
    }

    private List<String> names(String uri, Object... variables) throws IOException {
        Object[] all = new Object[variables.length + 1];
        all[0] = org;
        System.arraycopy(variables, 0, all, 1, variables.length);
        return list(page(adminToken, consistency, uri, all).path("items")).stream().map(i -> i.path("name").asText()).toList();
    }

    private void assertInvalid(String uri, String field) {
        get(adminToken, null, uri, org).expectStatus().isBadRequest().expectBody()
                .jsonPath("$.code").isEqualTo("validation_failed")
                .jsonPath("$.errors[0].field").isEqualTo(field);
    }

    private WebTestClient.ResponseSpec ndjson(String bearer, String uri) {
        return web.get().uri(uri, org).accept(NDJSON).headers(h -> h.setBearerAuth(bearer))
                .header("Consistency-Token", consistency).exchange();
    }

    private String export(String bearer) {
        return web.get().uri(EVENTS + "/export", org).accept(NDJSON).headers(h -> h.setBearerAuth(bearer))
                .header("Consistency-Token", consistency).exchange()
                .expectStatus().isOk()
                .expectHeader().contentTypeCompatibleWith(NDJSON)
                .expectHeader().valueMatches("Content-Disposition", "attachment; filename=\"roster-audit-" + org + "\\.ndjson\"")
                .expectBody(String.class).returnResult().getResponseBody();
    }

    private List<JsonNode> parseLines(String body) {
        return Arrays.stream(body.split("\n")).map(line -> {
            try {
                return json.readTree(line);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }).toList();
    }

    private static List<JsonNode> list(JsonNode array) {
        List<JsonNode> items = new ArrayList<>();
        array.forEach(items::add);
        return items;
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
