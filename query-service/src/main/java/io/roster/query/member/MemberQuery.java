package io.roster.query.member;

import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Projections;
import com.mongodb.client.model.Sorts;
import io.roster.query.consumer.VersionedCollection;
import org.bson.conversions.Bson;
import org.springframework.stereotype.Component;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static io.roster.query.member.MemberRow.*;

/** Reads of {@code members} (of the active read-model version); each is one query on one of the indexes {@link MemberRows} creates. */
@Component
public class MemberQuery {

    /** The row's internals a reader never sees are left on the server. */
    private static final Bson VISIBLE = Projections.exclude(SEARCH_TERMS, PROFILE_VERSION, TEAM_IDS);
    /** The member list's order: lower-cased email, then the row id, which is unique. */
    public static final Bson LIST_ORDER = Sorts.ascending(EMAIL_LOWER, ID);

    private final VersionedCollection collection;

    MemberQuery(MemberRows rows) {
        this.collection = rows.collection();
    }

    /** Up to {@code limit} rows matching the filter, after its cursor, in list order. */
    public List<MemberRow> page(MemberFilter filter, int limit) {
        return collection.get().find(filter.toBson()).projection(VISIBLE).sort(LIST_ORDER).limit(limit)
                .map(MemberRow::from).into(new ArrayList<>(limit));
    }

    /** The user's active memberships in organization id order, after {@code afterOrganizationId} when given. */
    List<MemberRow> activeOf(UUID userId, UUID afterOrganizationId, int limit) {
        Bson filter = Filters.and(Filters.eq(USER_ID, userId.toString()), Filters.eq(STATUS, MemberStatus.ACTIVE.wireName()));
        if (afterOrganizationId != null) {
            filter = Filters.and(filter, Filters.gt(ORGANIZATION_ID, afterOrganizationId.toString()));
        }
        return collection.get().find(filter).projection(VISIBLE).sort(Sorts.ascending(ORGANIZATION_ID)).limit(limit)
                .map(MemberRow::from).into(new ArrayList<>(limit));
    }
}
