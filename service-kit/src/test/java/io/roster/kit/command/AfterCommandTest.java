package io.roster.kit.command;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A lookup's changes after a command (or through a repair batch) reach its writer together, in order, once. */
class AfterCommandTest {

    private final List<String> written = new ArrayList<>();
    private final Commands.LookupWriter<String> memberships = changes -> written.add("memberships " + changes);
    private final Commands.LookupWriter<String> expiries = changes -> written.add("expiries " + changes);

    @AfterEach
    void stopHolding() {
        Commands.dropHeld();
    }

    @Test
    void outsideACommandEachChangeIsWrittenAtOnce() {
        Commands.afterCommand(memberships, "a");
        Commands.afterCommand(memberships, "b");
        assertThat(written).containsExactly("memberships [a]", "memberships [b]");
    }

    @Test
    void heldChangesGoToEachWriterTogetherInTheOrderTheirFirstChangeCame() {
        Commands.holdAfterwards();
        Commands.afterCommand(memberships, "a");
        Commands.afterCommand(expiries, "x");
        Commands.afterCommand(() -> written.add("confirmation"));
        Commands.afterCommand(memberships, "b");
        Commands.afterCommand(expiries, "y");
        assertThat(written).isEmpty();

        Commands.writeHeld();

        assertThat(written).containsExactly("memberships [a, b]", "expiries [x, y]", "confirmation");
        Commands.afterCommand(memberships, "c"); // no longer held
        assertThat(written).endsWith("memberships [c]");
    }

    @Test
    void aHeldWriteThatFailsIsThrownSoThatTheBatchIsAppliedAgain() {
        Commands.holdAfterwards();
        Commands.afterCommand(changes -> {
            throw new IllegalStateException("the lookup's store is down");
        }, "a");
        assertThatThrownBy(Commands::writeHeld).hasMessage("the lookup's store is down");
    }

    @Test
    void droppedChangesAreNotWritten() {
        Commands.holdAfterwards();
        Commands.afterCommand(memberships, "a");
        Commands.dropHeld();
        Commands.writeHeld();
        assertThat(written).isEmpty();
    }
}
