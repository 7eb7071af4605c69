package io.emailintel.ingester.consume;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConsumerGateTest {

    @Test
    void theGateOpensOnlyWhenEveryReasonIsGone() {
        ConsumerGate gate = new ConsumerGate();
        List<Boolean> changes = new ArrayList<>();
        gate.onChange(changes::add);
        gate.shut(ConsumerGate.OPENCTI_DOWN);
        gate.shut(ConsumerGate.OPENCTI_OVERLOADED);
        gate.open(ConsumerGate.OPENCTI_DOWN);
        assertThat(gate.isOpen()).isFalse();
        gate.open(ConsumerGate.OPENCTI_OVERLOADED);
        assertThat(gate.isOpen()).isTrue();
        assertThat(changes).containsExactly(false, true);
    }

    @Test
    void openingForAReasonThatDidNotShutItChangesNothing() {
        ConsumerGate gate = new ConsumerGate();
        List<Boolean> changes = new ArrayList<>();
        gate.onChange(changes::add);
        gate.set(ConsumerGate.OPENCTI_OVERLOADED, false);
        assertThat(changes).isEmpty();
        assertThat(gate.isOpen()).isTrue();
    }
}
