package io.emailintel.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class TopologyTest {

    private final Topology topology = new Topology("email-intel",
            List.of(Duration.ofSeconds(10), Duration.ofMinutes(1), Duration.ofMinutes(10)));

    @Test
    void everyNameCarriesThePrefix() {
        assertThat(topology.exchange()).isEqualTo("email-intel.pipeline");
        assertThat(topology.queues()).containsExactly("email-intel.work", "email-intel.retry.10s",
                "email-intel.retry.1m", "email-intel.retry.10m", "email-intel.dead");
    }

    @Test
    void retriesPastTheLastTierStayOnIt() {
        assertThat(topology.tierForRetry(0).delay()).isEqualTo(Duration.ofSeconds(10));
        assertThat(topology.tierForRetry(2).delay()).isEqualTo(Duration.ofMinutes(10));
        assertThat(topology.tierForRetry(7).delay()).isEqualTo(Duration.ofMinutes(10));
    }

    @Test
    void labelsAreShortAndExact() {
        assertThat(RetryTier.label(Duration.ofMillis(250))).isEqualTo("250ms");
        assertThat(RetryTier.label(Duration.ofSeconds(90))).isEqualTo("1m30s");
        assertThat(RetryTier.label(Duration.ofHours(2))).isEqualTo("2h");
    }

    @Test
    void queueArgumentsAreQuorumWithDeadLettering() {
        assertThat(topology.workQueueArguments())
                .containsEntry("x-queue-type", "quorum")
                .containsEntry("x-dead-letter-exchange", "email-intel.pipeline")
                .containsEntry("x-dead-letter-routing-key", "dead")
                .containsEntry("x-delivery-limit", 20);
        assertThat(topology.retryQueueArguments(topology.retryTiers().get(1)))
                .containsEntry("x-message-ttl", 60_000)
                .containsEntry("x-dead-letter-routing-key", "work");
        assertThat(topology.deadLetterQueueArguments()).doesNotContainKey("x-dead-letter-exchange");
    }

    /**
     * The replica count is the broker's default (3), not an argument: RabbitMQ compares x-quorum-initial-group-size
     * on every re-declaration, so adding it would make the queues of every existing deployment inequivalent.
     * ClusterFailoverIT checks the 3 replicas on a real 3-node cluster.
     */
    @Test
    void replicaCountIsLeftToTheBrokerSoQueuesOfEarlierReleasesStayEquivalent() {
        List<java.util.Map<String, Object>> all = List.of(topology.workQueueArguments(),
                topology.retryQueueArguments(topology.retryTiers().get(0)), topology.deadLetterQueueArguments());
        assertThat(all).allSatisfy(args -> assertThat(args).doesNotContainKey("x-quorum-initial-group-size"));
        assertThat(Topology.REPLICAS).isEqualTo(3);
    }

    @Test
    void rejectsBadPrefixesAndDuplicateDelays() {
        assertThatThrownBy(() -> new Topology("has space", List.of())).hasMessageContaining("has space");
        assertThatThrownBy(() -> new Topology("p", List.of(Duration.ofSeconds(1), Duration.ofSeconds(1))))
                .hasMessageContaining("twice");
        assertThatThrownBy(() -> new Topology("p", List.of(Duration.ZERO))).hasMessageContaining("positive");
    }
}
