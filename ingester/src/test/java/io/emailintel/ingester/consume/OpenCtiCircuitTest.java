package io.emailintel.ingester.consume;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.emailintel.ingester.opencti.OpenCtiException;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class OpenCtiCircuitTest {

    private final AtomicBoolean healthy = new AtomicBoolean(false);
    private final AtomicInteger probes = new AtomicInteger();
    private final AtomicInteger sleeps = new AtomicInteger();
    private final ConsumerGate gate = new ConsumerGate();
    // sleeping takes no time: an hour of probing passes in milliseconds
    private final OpenCtiCircuit circuit = new OpenCtiCircuit(() -> {
        probes.incrementAndGet();
        if (!healthy.get()) {
            throw OpenCtiException.unavailable("opencti-http-503", "down", null);
        }
    }, d -> sleeps.incrementAndGet(), Duration.ofSeconds(15), gate);

    @AfterEach
    void close() {
        circuit.close();
    }

    private void fail() {
        assertThatThrownBy(() -> circuit.call(() -> {
            throw OpenCtiException.unavailable("opencti-http-500", "500", null);
        })).isInstanceOf(OpenCtiException.class);
    }

    @Test
    void repeatedPlatformFailuresOpenTheCircuitAndShutTheGate() {
        for (int i = 0; i < 4; i++) {
            fail();
        }
        assertThat(circuit.isOpen()).isTrue();
        assertThat(gate.isOpen()).isFalse();
        assertThat(gate.reasons()).containsExactly(ConsumerGate.OPENCTI_DOWN);
        assertThatThrownBy(() -> circuit.call(() -> "x")).isInstanceOf(CallNotPermittedException.class);
    }

    @Test
    void theCircuitStaysOpenThroughALongOutageAndClosesOnTheFirstHealthyProbe() {
        for (int i = 0; i < 4; i++) {
            fail();
        }
        // 240 probes at 15 s = an hour-long outage
        await().until(() -> probes.get() >= 240);
        assertThat(circuit.isOpen()).isTrue();
        assertThat(gate.isOpen()).isFalse();
        healthy.set(true);
        await().until(gate::isOpen);
        assertThat(circuit.isOpen()).isFalse();
        assertThat(sleeps.get()).isGreaterThanOrEqualTo(probes.get());
    }

    @Test
    void rejectionsAreAnswersAndDoNotOpenTheCircuit() {
        for (int i = 0; i < 10; i++) {
            assertThatThrownBy(() -> circuit.call(() -> {
                throw OpenCtiException.rejected("opencti-rejected", "bad bundle");
            })).isInstanceOf(OpenCtiException.class);
        }
        assertThat(circuit.isOpen()).isFalse();
        assertThat(gate.isOpen()).isTrue();
    }

    @Test
    void occasionalFailuresAmongSuccessesDoNotOpenTheCircuit() throws Exception {
        for (int i = 0; i < 10; i++) {
            if (i % 4 == 0) {
                fail();
            } else {
                circuit.call(() -> "ok");
            }
        }
        assertThat(circuit.isOpen()).isFalse();
    }
}
