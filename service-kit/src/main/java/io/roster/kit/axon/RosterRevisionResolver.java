package io.roster.kit.axon;

import io.roster.events.Revision;
import org.axonframework.serialization.RevisionResolver;

/** Axon stores each event with the revision of the contract's own {@link Revision} annotation. */
class RosterRevisionResolver implements RevisionResolver {
    @Override
    public String revisionOf(Class<?> payloadType) {
        Revision revision = payloadType.getAnnotation(Revision.class);
        return revision == null ? null : Integer.toString(revision.value());
    }
}
