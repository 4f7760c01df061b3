package io.roster.console;

import java.time.DateTimeException;
import java.util.Map;
import org.springframework.util.MultiValueMap;

/**
 * The membership term of a link's or an invitation's edit form: how long the membership it grants lasts, either a
 * number of days from joining ({@code membershipDays}) or a last day ({@code membershipExpiresAt}), or no end. The
 * API takes them as merge-patch fields where a value replaces the other and null removes it; so a field is sent only
 * when it differs from what the form was filled with, and "no end" ticked for a term the form showed sends both as
 * null.
 */
final class MembershipTermForm {

    static final String DAYS = "membershipDays";
    static final String EXPIRES_AT = "membershipExpiresAt";

    private MembershipTermForm() {}

    /** Puts the term the form asks for into {@code patch}; the console's refusal (no call made) when it is not valid. */
    static ApiProblem into(Map<String, Object> patch, MultiValueMap<String, String> form) {
        String days = MembersController.first(form, "membershipDays");
        String date = MembersController.first(form, "membershipEndsOn");
        String shownDays = MembersController.first(form, "shownMembershipDays");
        String shownDate = MembersController.first(form, "shownMembershipEndsOn");
        boolean daysChanged = !days.isEmpty() && !days.equals(shownDays);
        boolean dateChanged = !date.isEmpty() && !date.equals(shownDate);
        if (daysChanged && dateChanged) {
            return problem(DAYS, "give the membership a number of days or a last day, not both");
        }
        // "no end" is ticked by default only when the form showed no term: ticked beside a shown term, it was chosen,
        // and a new number of days or last day beside it asks for two things at once
        boolean noEndChosen = "true".equals(MembersController.first(form, "noMembershipEnd")) && !(shownDays + shownDate).isEmpty();
        if (noEndChosen && (daysChanged || dateChanged)) {
            return problem(DAYS, "give the membership a number of days, a last day or no end, not two of them");
        }
        if (daysChanged) {
            if (!days.matches("[1-9][0-9]{0,3}") || Integer.parseInt(days) > 3650) {
                return problem(DAYS, "a whole number of days from 1 to 3650");
            }
            patch.put(DAYS, Integer.parseInt(days));
        } else if (dateChanged) {
            try {
                patch.put(EXPIRES_AT, EndOfDay.of(date, MembersController.first(form, "zone")).toString());
            } catch (DateTimeException e) {
                return problem(EXPIRES_AT, EndOfDay.notADate(date));
            }
        } else if (noEndChosen) {
            // "no end" as the form showed it (ticked when there was none) changes nothing, and is not sent
            patch.put(DAYS, null);
            patch.put(EXPIRES_AT, null);
        }
        return null;
    }

    /** The notice's words for the term sent: empty when it was left as it was. */
    static String summary(Map<String, Object> patch) {
        if (patch.get(DAYS) != null) {
            return ", membership lasts " + patch.get(DAYS) + " days from joining";
        }
        if (patch.get(EXPIRES_AT) != null) {
            return ", membership ends " + patch.get(EXPIRES_AT);
        }
        return patch.containsKey(DAYS) ? ", membership without end" : "";
    }

    /** How a row shows a term: "30 days from joining", the end instant's UTC day, or "no end". */
    static String describe(Integer days, String expiresAt) {
        if (days != null) {
            return days + (days == 1 ? " day" : " days") + " from joining";
        }
        if (expiresAt != null && !expiresAt.isBlank()) {
            return "through " + EndOfDay.utcDate(expiresAt);
        }
        return "no end";
    }

    private static ApiProblem problem(String field, String message) {
        return new ApiProblem(400, "validation_failed", "The membership term is not valid: " + message + ".", Map.of(field, message));
    }
}
