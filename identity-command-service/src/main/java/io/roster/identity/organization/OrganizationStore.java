package io.roster.identity.organization;

import io.roster.identity.config.IdentityProperties;
import io.roster.identity.config.RecentAggregatesCache;
import org.axonframework.common.caching.Cache;
import org.axonframework.common.transaction.TransactionManager;
import org.axonframework.config.Configuration;
import org.axonframework.eventsourcing.EventCountSnapshotTriggerDefinition;
import org.axonframework.eventsourcing.SnapshotTriggerDefinition;
import org.axonframework.eventsourcing.Snapshotter;
import org.axonframework.eventsourcing.SnapshotterSpanFactory;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.axonframework.messaging.annotation.HandlerDefinition;
import org.axonframework.messaging.annotation.ParameterResolverFactory;
import org.axonframework.spring.eventsourcing.SpringAggregateSnapshotter;
import org.springframework.context.annotation.Bean;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * How organizations are kept fast at ten thousand members: the recently used ones stay in memory between
 * commands (an organization receives commands in bursts, and one JVM serializes them on the aggregate's
 * lock anyway), and every {@code roster.identity.organizations.snapshot-threshold} events (500) a snapshot
 * is stored, so that loading one that is not in memory reads the snapshot and at most that many events
 * instead of its whole history. Snapshots are made on a thread of their own, not by the command that
 * crossed the threshold while it still holds the organization's lock.
 * A cached copy never hides another process's change: the event store's unique (aggregate, sequence) index
 * refuses the append of a stale copy with a ConcurrencyException, which evicts it and retries the command.
 */
@org.springframework.context.annotation.Configuration
class OrganizationStore {

    static final String SNAPSHOT_TRIGGER = "organizationSnapshotTrigger";
    static final String CACHE = "organizationCache";

    @Bean(SNAPSHOT_TRIGGER)
    SnapshotTriggerDefinition organizationSnapshotTrigger(Snapshotter snapshotter, IdentityProperties properties) {
        return new EventCountSnapshotTriggerDefinition(snapshotter, properties.organizations().snapshotThreshold());
    }

    @Bean(CACHE)
    Cache organizationCache(IdentityProperties properties) {
        return new RecentAggregatesCache(properties.organizations().cacheSize());
    }

    /** The snapshots' thread; not an Executor bean, which would displace Spring Boot's task executor. */
    static final class SnapshotThread implements AutoCloseable {
        private final ExecutorService executor = Executors.newSingleThreadExecutor(runnable -> {
            Thread thread = new Thread(runnable, "aggregate-snapshotter");
            thread.setDaemon(true);
            return thread;
        });

        @Override
        public void close() {
            executor.shutdown();
        }
    }

    @Bean
    SnapshotThread snapshotThread() {
        return new SnapshotThread();
    }

    /** Axon's own snapshotter (as its auto-configuration makes it), on the snapshot thread. */
    @Bean
    SpringAggregateSnapshotter aggregateSnapshotter(Configuration configuration, HandlerDefinition handlerDefinition,
                                                    ParameterResolverFactory parameterResolverFactory, EventStore eventStore,
                                                    TransactionManager transactionManager, SnapshotterSpanFactory spanFactory,
                                                    SnapshotThread snapshotThread) {
        return SpringAggregateSnapshotter.builder()
                .repositoryProvider(configuration::repository)
                .transactionManager(transactionManager)
                .eventStore(eventStore)
                .parameterResolverFactory(parameterResolverFactory)
                .handlerDefinition(handlerDefinition)
                .spanFactory(spanFactory)
                .executor(snapshotThread.executor)
                .build();
    }
}
