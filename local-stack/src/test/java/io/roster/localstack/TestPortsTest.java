package io.roster.localstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TestPortsTest {

    @Test
    void aBlockStaysBelowTheEphemeralRange() {
        assertThat(TestPorts.block(31).byName().values()).allMatch(port -> port >= 31000 && port < 32768);
        assertThat(TestPorts.block(11).kafka()).isEqualTo(11092);
        assertThat(TestPorts.block(11).notification()).isEqualTo(11084);
    }

    @Test
    void blocksInsideTheEphemeralRangeAreRefused() {
        assertThatThrownBy(() -> TestPorts.block(32)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> TestPorts.block(49)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> TestPorts.block(9)).isInstanceOf(IllegalArgumentException.class);
    }
}
