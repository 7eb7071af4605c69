package io.emailintel.ingester;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.emailintel.ingester.consume.Sleeper;
import io.emailintel.ops.Health;
import io.emailintel.testing.RabbitBrokerExtension;
import io.emailintel.testing.TestBroker;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The connector state the platform stores, through a real ingester: pings send back what registration returned
 * and adopt a reset, as pycti's ping loop does (pycti/connector/opencti_connector_helper.py PingAlive).
 */
@ExtendWith(RabbitBrokerExtension.class)
class ConnectorStateIT {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String PYTHON_STATE = "{\"last_email_ingestion\": \"2025-05-01T10:00:00+00:00\"}";

    @Test
    void aMigratedPythonConnectorsStateSurvivesEveryPingAndAResetIsAdopted(TestBroker broker) throws Exception {
        try (FakeOpenCti openCti = new FakeOpenCti(broker, "state")) {
            openCti.connectorState = PYTHON_STATE;
            Pipeline p = new Pipeline(broker, openCti, broker.prefix("state"));
            p.declare();
            try (Ingester ingester = Ingester.start(p.config(Map.of("INGESTER_PING_INTERVAL", "PT0.1S",
                    "CONNECTOR_QUEUE_THRESHOLD", "0.5")), Clock.systemUTC(), Sleeper.SYSTEM, () -> false,
                    new SimpleMeterRegistry(), new Health())) {
                await().atMost(WAIT).until(() -> openCti.pingedStates.size() >= 3);
                assertThat(openCti.pingedStates).extracting(JsonNode::asText).containsOnly(PYTHON_STATE);
                assertThat(openCti.connectorState).isEqualTo(PYTHON_STATE);
                JsonNode info = openCti.pingedInfos.get(openCti.pingedInfos.size() - 1);
                assertThat(info.path("queue_threshold").asDouble()).isEqualTo(0.5);
                assertThat(info.path("queue_messages_size").asDouble()).isEqualTo(0.0);
                assertThat(info.path("buffering").asBoolean()).isFalse();

                openCti.resetState();
                int before = openCti.pingedStates.size();
                await().atMost(WAIT).until(() -> openCti.pingedStates.size() >= before + 3);
                List<JsonNode> after = openCti.pingedStates.subList(before + 1, openCti.pingedStates.size());
                assertThat(after).extracting(JsonNode::asText).containsOnly("null");
                assertThat(openCti.connectorState).isEqualTo("null");
            }
        }
    }
}
