package io.emailintel.ingester;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.GetResponse;
import io.emailintel.cli.ConfigOptions;
import io.emailintel.config.Config;
import io.emailintel.model.Envelope;
import io.emailintel.model.EnvelopeCodec;
import io.emailintel.testing.TestBroker;
import io.emailintel.topology.Topology;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Test plumbing: an ingester configuration against the fake platform, publishing and reading messages. */
final class Pipeline {

    static final List<Duration> RETRY_DELAYS = List.of(Duration.ofMillis(200), Duration.ofMillis(500));
    private static final ObjectMapper JSON = JsonMapper.builder().build();
    private static final EnvelopeCodec CODEC = new EnvelopeCodec();

    /** One message OpenCTI's worker would read: the envelope JSON, the decoded single-object bundle, its object. */
    record Pushed(JsonNode message, JsonNode bundle, JsonNode object, AMQP.BasicProperties props) {
        String type() {
            return object.path("type").asText();
        }

        String id() {
            return object.path("id").asText();
        }
    }

    final TestBroker broker;
    final FakeOpenCti openCti;
    final Topology topology;
    final String connectorId = UUID.randomUUID().toString();
    private final Channel channel;

    Pipeline(TestBroker broker, FakeOpenCti openCti, String prefix) throws IOException {
        this.broker = broker;
        this.openCti = openCti;
        this.topology = new Topology(prefix, RETRY_DELAYS);
        broker.deleteAfterwards(topology);
        this.channel = broker.connect().createChannel();
    }

    Map<String, String> environment(Map<String, String> extra) {
        Map<String, String> env = new HashMap<>();
        env.put("OPENCTI_URL", openCti.url().toString());
        env.put("OPENCTI_TOKEN", "test-token");
        env.put("CONNECTOR_ID", connectorId);
        env.put("CONNECTOR_LOG_LEVEL", "info");
        env.put("PIPELINE_RABBITMQ_URI", broker.uri());
        env.put("PIPELINE_QUEUE_PREFIX", topology.prefix());
        env.put("PIPELINE_RETRY_DELAYS", "PT0.2S,PT0.5S");
        env.put("INGESTER_QUICK_RETRY_BACKOFF", "PT0.01S");
        env.put("INGESTER_CIRCUIT_PROBE_INTERVAL", "PT0.2S");
        env.put("INGESTER_WORK_QUIET_PERIOD", "PT0.5S");
        env.put("INGESTER_PING_INTERVAL", "PT1S");
        env.put("INGESTER_PUSH_TIMEOUT", "PT5S");
        env.put("INGESTER_SHUTDOWN_GRACE", "PT5S");
        env.putAll(extra);
        return env;
    }

    Config config(Map<String, String> extra) {
        return new ConfigOptions().load(IngesterSettings.schema(), environment(extra));
    }

    /** Declares the pipeline ahead of the ingester, so envelopes can be published before it starts. */
    void declare() throws Exception {
        topology.declare(broker.connect());
    }

    void publish(Envelope envelope) throws IOException {
        publish(CODEC.encode(envelope));
    }

    void publish(byte[] body) throws IOException {
        channel.basicPublish(topology.exchange(), Topology.ROUTING_WORK,
                new AMQP.BasicProperties.Builder().deliveryMode(2).build(), body);
    }

    /** Takes everything currently in the platform's push queue. */
    List<Pushed> takePushed() throws IOException {
        List<Pushed> out = new ArrayList<>();
        GetResponse r;
        while ((r = channel.basicGet(openCti.pushQueue(), true)) != null) {
            JsonNode message = JSON.readTree(r.getBody());
            JsonNode bundle = JSON.readTree(Base64.getDecoder().decode(message.path("content").asText()));
            out.add(new Pushed(message, bundle, bundle.path("objects").get(0), r.getProps()));
        }
        return out;
    }

    /** Takes everything in the dead-letter queue. */
    List<GetResponse> takeDeadLetters() throws IOException {
        List<GetResponse> out = new ArrayList<>();
        GetResponse r;
        while ((r = channel.basicGet(topology.deadLetterQueue(), true)) != null) {
            out.add(r);
        }
        return out;
    }

    static String header(GetResponse r, String name) {
        Object v = r.getProps().getHeaders() == null ? null : r.getProps().getHeaders().get(name);
        return v == null ? null : v.toString();
    }

    static String utf8(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }
}
