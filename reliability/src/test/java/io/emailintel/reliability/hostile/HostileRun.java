package io.emailintel.reliability.hostile;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.GetResponse;
import io.emailintel.fetcher.FetcherCommand;
import io.emailintel.ingester.IngesterCommand;
import io.emailintel.model.Envelope;
import io.emailintel.model.EnvelopeCodec;
import io.emailintel.model.PoisonEnvelopeException;
import io.emailintel.testing.TestBroker;
import io.emailintel.topology.Topology;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The real path, in process: the fetcher's {@code run --once} (Graph or eml-dir) → the broker → the ingester's
 * {@code run --exit-when-idle} writing each report to a directory ({@code INGESTER_OUTPUT=dir:…}, the same
 * bundle and push messages it would send to OpenCTI). What arrived where is collected for the assertions.
 */
final class HostileRun {

    /** Allowed attachment types: the defaults plus attached e-mails, so the nested case is carried. */
    static final String MIME_TYPES = "application/pdf,text/csv,text/plain,message/rfc822";

    private static final ObjectMapper JSON = new ObjectMapper();

    /** A dead letter: its headers (as strings) and body. */
    record DeadLetter(String messageId, Map<String, String> headers, byte[] body) {
        String reason() {
            return headers.get(io.emailintel.topology.Headers.FAILURE_REASON);
        }
    }

    /** A report as the ingester wrote it: the report object and its whole bundle. */
    record Report(JsonNode report, JsonNode bundle) {
    }

    final TestBroker broker;
    final Topology topology;
    final Path dir;

    HostileRun(TestBroker broker, Topology topology, Path dir) {
        this.broker = broker;
        this.topology = topology;
        this.dir = dir;
    }

    /** The fetcher's settings shared by both sources, as YAML lines under their sections. */
    String pipelineYaml() {
        return String.join("\n",
                "connector:",
                "  log_level: info",
                "pipeline:",
                "  rabbitmq_uri: \"" + broker.uri() + "\"",
                "  queue_prefix: " + topology.prefix(),
                "  retry_delays: PT1S",
                "");
    }

    int fetch(String sourceYaml) throws IOException {
        Path yml = dir.resolve("fetcher.yml");
        Files.writeString(yml, pipelineYaml() + sourceYaml);
        return FetcherCommand.execute("run", "--once", "--config", yml.toString());
    }

    int ingest(Path out) throws IOException {
        Path yml = dir.resolve("ingester.yml");
        // the Message-ID as an external reference too (not the default): reports() finds the e-mails by it
        Files.writeString(yml, pipelineYaml() + "ingester:\n  output: \"dir:" + out + "\"\n"
                + "email_intel_microsoft:\n  message_id_reference: true\n");
        return IngesterCommand.execute("run", "--exit-when-idle", "PT2S", "--config", yml.toString());
    }

    /**
     * Reads every envelope on the work queue without taking it: the messages are left unacknowledged and go
     * back to the queue when the channel closes.
     */
    Map<String, Envelope> peekEnvelopes() throws Exception {
        EnvelopeCodec codec = new EnvelopeCodec();
        Map<String, Envelope> out = new HashMap<>();
        Connection connection = broker.connect();
        try (Channel ch = connection.createChannel()) {
            GetResponse r;
            while ((r = ch.basicGet(topology.workQueue(), false)) != null) {
                try {
                    Envelope e = codec.decode(r.getBody());
                    out.put(e.source().internetMessageId(), e);
                } catch (PoisonEnvelopeException e) {
                    // not an envelope (the foreign JSON): the ingester's business, checked by its dead letter
                }
            }
        }
        return out;
    }

    /** Every report the ingester wrote, by the e-mail's Message-ID (its external reference). */
    static Map<String, Report> reports(Path out) throws IOException {
        Map<String, Report> reports = new HashMap<>();
        try (Stream<Path> files = Files.walk(out)) {
            for (Path f : files.filter(p -> p.getFileName().toString().equals("bundle.json")).toList()) {
                JsonNode bundle = JSON.readTree(f.toFile());
                for (JsonNode o : bundle.path("objects")) {
                    if (o.path("type").asText().equals("report")) {
                        String id = o.path("external_references").path(0).path("external_id").asText();
                        reports.put(id, new Report(o, bundle));
                    }
                }
            }
        }
        return reports;
    }

    List<DeadLetter> deadLetters() throws Exception {
        List<DeadLetter> out = new ArrayList<>();
        try (Channel ch = broker.connect().createChannel()) {
            GetResponse r;
            while ((r = ch.basicGet(topology.deadLetterQueue(), true)) != null) {
                Map<String, String> headers = new HashMap<>();
                if (r.getProps().getHeaders() != null) {
                    r.getProps().getHeaders().forEach((k, v) -> headers.put(k, String.valueOf(v)));
                }
                out.add(new DeadLetter(r.getProps().getMessageId(), headers, r.getBody()));
            }
        }
        return out;
    }

    /** Messages left in the work queue and every retry tier: must be none. */
    long stuck() {
        return topology.queues().stream().filter(q -> !q.equals(topology.deadLetterQueue()))
                .mapToLong(broker::messageCount).sum();
    }
}
