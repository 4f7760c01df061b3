package io.roster.events.invitation;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.roster.events.EventCatalog;
import io.roster.events.EventJson;
import io.roster.events.EventType;
import io.roster.events.EventUpcasters;
import io.roster.events.Fixtures;
import io.roster.events.RosterEvent;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * The six invitation events that gained membership terms in revision 2: a record written at revision 1 (its fixture)
 * still reads, through the catalogue's upcasters, as today's event with the new fields null and every other field as
 * written.
 */
class InvitationUpcastersTest {

    private static final Logger log = LoggerFactory.getLogger(InvitationUpcastersTest.class);

    private static final Map<Class<? extends RosterEvent>, List<String>> ADDED = Map.of(
            InvitationIssued.class, List.of("membershipExpiresAt", "membershipDays"),
            InvitationUpdated.class, List.of("membershipExpiresAt", "membershipDays"),
            InvitationLinkCreated.class, List.of("membershipExpiresAt", "membershipDays"),
            InvitationLinkUpdated.class, List.of("membershipExpiresAt", "membershipDays"),
            InvitationAccepted.class, List.of("membershipExpiresAt"),
            InvitationLinkUsed.class, List.of("membershipExpiresAt"));

    @Test
    void aRevisionOneRecordOfEachReadsWithTheNewFieldsNull() {
        SoftAssertions softly = new SoftAssertions();
        ADDED.forEach((eventClass, fields) -> {
            EventType type = EventCatalog.of(eventClass);
            softly.assertThat(type.revision()).as(type.name() + " revision").isEqualTo(2);
            ObjectNode v1 = EventJson.tree(Fixtures.json(type, 1).getBytes(StandardCharsets.UTF_8));
            ObjectNode written = v1.deepCopy();
            fields.forEach(field -> softly.assertThat(v1.has(field)).as(type.name() + " v1 fixture has no " + field).isFalse());

            ObjectNode upcast = EventUpcasters.CATALOGUE.upcast(type, 1, v1);
            RosterEvent event = EventJson.read(upcast, type.javaType());

            ObjectNode readBack = EventJson.tree(EventJson.write(event));
            for (String field : fields) {
                softly.assertThat(readBack.get(field).isNull()).as(type.name() + "." + field + " read from v1").isTrue();
                readBack.remove(field);
            }
            softly.assertThat(readBack).as(type.name() + ": every v1 field read as written").isEqualTo(written);
            log.info("{} v1 → v2: {} added as null, {} fields kept", type.name(), fields, written.size());
        });
        softly.assertAll();
    }

    @Test
    void aValueAlreadyThereIsKept() {
        EventType type = EventCatalog.of(InvitationAccepted.class);
        ObjectNode v1 = EventJson.tree(Fixtures.json(type, 1).getBytes(StandardCharsets.UTF_8));
        v1.put("membershipExpiresAt", "2027-01-01T00:00:00Z");

        InvitationAccepted event = (InvitationAccepted) EventJson.read(EventUpcasters.CATALOGUE.upcast(type, 1, v1), type.javaType());

        SoftAssertions softly = new SoftAssertions();
        softly.assertThat(event.membershipExpiresAt()).hasToString("2027-01-01T00:00:00Z");
        softly.assertAll();
    }
}
