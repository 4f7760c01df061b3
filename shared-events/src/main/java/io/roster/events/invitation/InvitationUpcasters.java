package io.roster.events.invitation;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.roster.events.EventUpcaster;

import java.util.List;

/**
 * The upcasters of the invitation events that gained membership terms in revision 2 (issue 17 item 10). Before it
 * no invitation or link had terms and no join had an end date, so each v1 record reads with the new fields null.
 */
public final class InvitationUpcasters {

    private static final List<String> TERMS = List.of("membershipExpiresAt", "membershipDays");
    private static final List<String> END = List.of("membershipExpiresAt");

    public static final EventUpcaster ISSUED_V1_ADDS_MEMBERSHIP_TERMS = addsNulls("InvitationIssued", TERMS);
    public static final EventUpcaster UPDATED_V1_ADDS_MEMBERSHIP_TERMS = addsNulls("InvitationUpdated", TERMS);
    public static final EventUpcaster LINK_CREATED_V1_ADDS_MEMBERSHIP_TERMS = addsNulls("InvitationLinkCreated", TERMS);
    public static final EventUpcaster LINK_UPDATED_V1_ADDS_MEMBERSHIP_TERMS = addsNulls("InvitationLinkUpdated", TERMS);
    public static final EventUpcaster ACCEPTED_V1_ADDS_MEMBERSHIP_END = addsNulls("InvitationAccepted", END);
    public static final EventUpcaster LINK_USED_V1_ADDS_MEMBERSHIP_END = addsNulls("InvitationLinkUsed", END);

    /** All of them, for the catalogue. */
    public static final List<EventUpcaster> ALL = List.of(ISSUED_V1_ADDS_MEMBERSHIP_TERMS, UPDATED_V1_ADDS_MEMBERSHIP_TERMS,
            LINK_CREATED_V1_ADDS_MEMBERSHIP_TERMS, LINK_UPDATED_V1_ADDS_MEMBERSHIP_TERMS, ACCEPTED_V1_ADDS_MEMBERSHIP_END,
            LINK_USED_V1_ADDS_MEMBERSHIP_END);

    private InvitationUpcasters() {
    }

    /** v1 → v2 of {@code eventName}: the fields it lacks are added as null; a field already there is kept. */
    private static EventUpcaster addsNulls(String eventName, List<String> fields) {
        return new EventUpcaster() {
            @Override
            public String context() {
                return "invitation";
            }

            @Override
            public String eventName() {
                return eventName;
            }

            @Override
            public int fromRevision() {
                return 1;
            }

            @Override
            public ObjectNode upcast(ObjectNode event) {
                for (String field : fields) {
                    if (!event.has(field)) {
                        event.putNull(field);
                    }
                }
                return event;
            }
        };
    }
}
