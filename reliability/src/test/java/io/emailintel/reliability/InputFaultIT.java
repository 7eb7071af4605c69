package io.emailintel.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import io.emailintel.testing.RabbitBrokerExtension;
import io.emailintel.testing.TestBroker;
import io.emailintel.topology.Topology;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Graph misbehaving while the fetcher runs, and envelopes on the work queue that are not ours. */
@ExtendWith(RabbitBrokerExtension.class)
class InputFaultIT {

    private static final int EMAILS = Rig.sizeFromProperty(300);
    private static final Duration DRAIN = Duration.ofSeconds(Math.max(120, EMAILS / 5));

    @Test
    void graphFaultsAndExpiredDeltaTokenPlusGarbageOnTheWorkQueue(TestBroker broker) throws Exception {
        try (Rig rig = new Rig(broker, "graphgarbage", EMAILS)) {
            Instant from = Instant.now();
            // one after the other, once the first 3 requests passed: a 429 storm with Retry-After: 1; 503s, one
            // more than the fetcher's 6 retries, so a cycle fails and the next one resumes; then the first request
            // that follows a next link fails (500, not retried: the cycle fails half-way through the pages); then
            // two pages arrive cut in the middle of their JSON (HTTP 200)
            rig.graph.throttleNext(10, "1", 3);
            rig.graph.failNext(7, 503, "1");
            rig.graph.failNextLinks(1, 500);
            rig.graph.truncateNextPages(2);
            rig.startIngester();
            rig.startFetcher();
            Channel ch = broker.connect().createChannel();
            AMQP.BasicProperties persistent = new AMQP.BasicProperties.Builder().deliveryMode(2).build();
            for (byte[] garbage : List.of(new byte[] {0, (byte) 0xff, 0x13, 0x37, (byte) 0xc3, 0x28},
                    "{\"hello\":\"world\",\"items\":[1,2,3]}".getBytes(StandardCharsets.UTF_8),
                    "{\"schemaVersion\":\"99.0\",\"envelopeId\":\"x\"}".getBytes(StandardCharsets.UTF_8))) {
                ch.basicPublish(rig.topology.exchange(), Topology.ROUTING_WORK, persistent, garbage);
            }
            Thread.sleep(6_000);
            rig.graph.expireDeltaTokens(); // the next delta call answers 410: the fetcher must resync, not skip
            assertThat(rig.awaitDrained(EMAILS + 3, DRAIN)).as("drained").isTrue();
            Tally t = rig.tally("Graph faults: 429 ×10, 503 ×7, a next link failing (500), 2 truncated pages, "
                    + "expired delta token; 3 garbage envelopes on the work queue", from);
            System.out.println("reliability: " + t);
            ReliabilityTable.record(t);
            assertThat(t.ingested()).as(t.toString()).isEqualTo(EMAILS);
            assertThat(t.deadLettered()).as("exactly the 3 garbage envelopes: " + t).isEqualTo(3);
            assertThat(t.deadLetterReasons().keySet()).as("each with a reason").doesNotContain("null");
            assertThat(t.duplicated()).isZero();
        }
    }
}
