package io.roster.identity.organization;

import io.roster.kit.command.Commands;
import io.roster.kit.command.GroupCommit;
import org.springframework.stereotype.Component;

/**
 * Admins adding members, as a group commit ({@link GroupCommit}): the additions into one organization that arrive while
 * one is being stored go together as the next {@link AddMembersCommand}, one load and one append for up to
 * {@value #MAX_GROUP}. Without it, 16 admins adding into one organization queue one by one on its lock, each waiting
 * for the others' appends (README "Hot aggregates").
 */
@Component
class MemberAdditions {

    static final int MAX_GROUP = 100;

    private final GroupCommit<AddMemberCommand, AddMembersCommand.Outcome> additions;

    MemberAdditions(Commands commands) {
        this.additions = new GroupCommit<>(commands, MAX_GROUP,
                group -> new AddMembersCommand(group.get(0).command().organizationId(), group.stream()
                        .map(item -> new AddMembersCommand.Addition(item.command(), item.eventMetaData())).toList()));
    }

    /** Adds the member, or throws the rule's refusal as {@link AddMemberCommand} alone would have. */
    void add(AddMemberCommand command) {
        additions.send(command.organizationId(), command).throwIfRefused();
    }
}
