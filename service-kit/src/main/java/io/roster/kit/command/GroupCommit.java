package io.roster.kit.command;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Group commit for one aggregate: commands that requests send to the same aggregate while a command of theirs is
 * being handled there are sent next as one command, so that they share one load and one append instead of queueing
 * one by one on the aggregate's lock (a hot organization: 16 admins adding members at once).
 *
 * <p>The first request finds nothing under way and sends its command alone (a group of one); the requests that
 * arrive meanwhile wait, and when it is done one of them sends all that waited, up to {@code maxGroup}, as
 * {@code groupCommand}. A request's answer is its own element of the group command's answer (a list in the same
 * order): the aggregate judges each command by its own rules, in order, and a refusal of one answers only that one.
 * When the group command fails as a whole (the store is down, the aggregate does not exist), every request in it
 * gets that failure. Each request's events carry its own correlation id, trace and cause ({@link Item#eventMetaData}),
 * and its Consistency-Token covers the group's append.
 *
 * <p>Grouping is only ever an optimization: two groups of one aggregate sent at once (an idle group given up while
 * a request still held it) are serialized by the aggregate's lock like any two commands.
 *
 * @param <C> the command of one request
 * @param <R> one request's answer within the group command's answer
 */
public final class GroupCommit<C, R> {

    /** One request's command and the metadata its events carry instead of the group command's. */
    public record Item<C>(C command, Map<String, String> eventMetaData) {
    }

    private final Commands commands;
    private final int maxGroup;
    private final Function<List<Item<C>>, Object> groupCommand;
    private final Map<Object, Group> groups = new ConcurrentHashMap<>();

    /**
     * @param groupCommand builds the one command for a group of commands of one aggregate; its handler answers a
     *                     {@code List<R>} with one element per command, in order
     */
    public GroupCommit(Commands commands, int maxGroup, Function<List<Item<C>>, Object> groupCommand) {
        if (maxGroup < 1) {
            throw new IllegalArgumentException("A group holds at least one command");
        }
        this.commands = commands;
        this.maxGroup = maxGroup;
        this.groupCommand = groupCommand;
    }

    /**
     * Sends {@code command} to the aggregate {@code aggregateId}, with whatever other commands for it are waiting,
     * and answers its own element of the group's answer.
     *
     * @throws io.roster.kit.web.ApiProblem as {@link Commands#sendAndWait} when the group command failed as a whole
     */
    public R send(Object aggregateId, C command) {
        Commands.Work work = commands.currentWork();
        Waiting<C, R> mine = new Waiting<>(new Item<>(command, work.eventMetaData()));
        Group group = groups.computeIfAbsent(aggregateId, id -> new Group());
        boolean mineToSend;
        synchronized (group) {
            group.waiting.add(mine);
            while (!mine.done && group.sending) {
                awaitTurn(group);
            }
            mineToSend = !mine.done;
            group.sending |= mineToSend;
        }
        if (mineToSend) {
            sendGroupsUntilDone(aggregateId, group, mine);
        }
        return mine.answer(work);
    }

    /** This thread sends the waiting commands, a group at a time, until its own command was in one. */
    private void sendGroupsUntilDone(Object aggregateId, Group group, Waiting<C, R> mine) {
        try {
            while (!mine.done) {
                List<Waiting<C, R>> batch;
                synchronized (group) {
                    batch = group.take(maxGroup);
                }
                sendGroup(group, batch);
            }
        } finally {
            synchronized (group) {
                group.sending = false;
                if (group.waiting.isEmpty()) {
                    groups.remove(aggregateId, group);
                }
                group.notifyAll();
            }
        }
    }

    private void sendGroup(Group group, List<Waiting<C, R>> batch) {
        Commands.Dispatched<List<R>> sent = null;
        RuntimeException failure = null;
        Error fatal = null;
        try {
            sent = commands.currentWork().dispatchNoting(groupCommand.apply(batch.stream().map(waiting -> waiting.item).toList()));
            if (sent.result() == null || sent.result().size() != batch.size()) {
                failure = new IllegalStateException("A group command answered " + (sent.result() == null ? "nothing"
                        : sent.result().size() + " answers") + " for " + batch.size() + " commands");
            }
        } catch (RuntimeException e) {
            failure = e;
        } catch (Error e) {
            // every command taken must be answered, or its request would wait for ever
            fatal = e;
            failure = new IllegalStateException("Sending a group command failed", e);
        }
        synchronized (group) {
            for (int i = 0; i < batch.size(); i++) {
                Waiting<C, R> waiting = batch.get(i);
                if (failure == null) {
                    waiting.answered(sent.result().get(i), sent);
                } else {
                    waiting.failed(failure);
                }
            }
            group.notifyAll();
        }
        if (fatal != null) {
            throw fatal;
        }
    }

    private static void awaitTurn(Object group) {
        try {
            group.wait();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            // the command stays in the group and may still be sent; as with a client that stops waiting for an answer
            throw new IllegalStateException("Interrupted while waiting for a group command", e);
        }
    }

    /** The commands waiting for one aggregate, and whether a thread is sending a group of them. Guarded by itself. */
    private final class Group {
        private final ArrayDeque<Waiting<C, R>> waiting = new ArrayDeque<>();
        private boolean sending;

        List<Waiting<C, R>> take(int max) {
            List<Waiting<C, R>> batch = new ArrayList<>(Math.min(max, waiting.size()));
            while (batch.size() < max && !waiting.isEmpty()) {
                batch.add(waiting.poll());
            }
            return batch;
        }
    }

    /** One request's command until its answer; written and read under its group's monitor. */
    private static final class Waiting<C, R> {
        private final Item<C> item;
        private boolean done;
        private R answer;
        private RuntimeException failure;
        private Commands.Dispatched<?> sent;

        private Waiting(Item<C> item) {
            this.item = item;
        }

        void answered(R answer, Commands.Dispatched<?> sent) {
            this.answer = answer;
            this.sent = sent;
            this.done = true;
        }

        void failed(RuntimeException failure) {
            this.failure = failure;
            this.done = true;
        }

        /** On the request's own thread: its token notes the group's append. */
        R answer(Commands.Work work) {
            if (failure != null) {
                throw failure;
            }
            work.appended(sent.appended(), sent.target());
            return answer;
        }
    }
}
