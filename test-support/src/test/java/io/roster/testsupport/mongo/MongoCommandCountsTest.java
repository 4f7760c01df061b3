package io.roster.testsupport.mongo;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class MongoCommandCountsTest {

    /** The lines a service's /actuator/prometheus page has for the driver's command timer (one per tag set). */
    @Test
    void aPrometheusPageIsCountedByCommandAcrossItsTagSets() {
        String page = """
                # HELP mongodb_driver_commands_seconds Timer of mongodb commands
                # TYPE mongodb_driver_commands_seconds summary
                mongodb_driver_commands_seconds_count{cluster_id="1",collection="members-v1",command="find",server_address="127.0.0.1:27017",status="SUCCESS"} 40.0
                mongodb_driver_commands_seconds_sum{cluster_id="1",collection="members-v1",command="find",server_address="127.0.0.1:27017",status="SUCCESS"} 0.5
                mongodb_driver_commands_seconds_count{cluster_id="1",collection="users-v1",command="find",server_address="127.0.0.1:27017",status="SUCCESS"} 2.0
                mongodb_driver_commands_seconds_count{cluster_id="1",collection="users-v1",command="update",server_address="127.0.0.1:27017",status="FAILED"} 3.0
                mongodb_driver_commands_seconds_max{cluster_id="1",collection="users-v1",command="update",server_address="127.0.0.1:27017",status="FAILED"} 0.01
                kafka_consumer_fetch_manager_records_consumed_total{client_id="c"} 99.0
                """;

        MongoCommandCounts counts = MongoCommandCounts.ofPrometheus(page);

        assertThat(counts.byCommand()).isEqualTo(Map.of("find", 42L, "update", 3L));
        assertThat(counts.byCollection()).isEqualTo(Map.of("find members-v1", 40L, "find users-v1", 2L, "update users-v1", 3L));
        assertThat(counts.perOperationByCollection(2)).isEqualTo("find members-v1 20.00, update users-v1 1.50, find users-v1 1.00");
        assertThat(counts.since(new MongoCommandCounts(Map.of("find", 40L))).perOperation(2))
                .isEqualTo("2.50 per operation (find 1.00, update 1.50)");
    }
}
