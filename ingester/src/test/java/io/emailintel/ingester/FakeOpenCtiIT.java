package io.emailintel.ingester;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import io.emailintel.ingester.opencti.OpenCtiClient;
import io.emailintel.testing.RabbitBrokerExtension;
import io.emailintel.testing.TestBroker;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The fake platform is strict where the platform is: it loses what the platform loses. If it did not, the
 * tests that count its imports could not fail.
 */
@ExtendWith(RabbitBrokerExtension.class)
class FakeOpenCtiIT {

    private static final ObjectMapper JSON = JsonMapper.builder().build();
    private static final Duration WAIT = Duration.ofSeconds(30);

    private static byte[] message(String reportName, String workId) throws Exception {
        ObjectNode report = JsonNodeFactory.instance.objectNode().put("type", "report")
                .put("id", "report--" + UUID.randomUUID()).put("name", reportName);
        ObjectNode bundle = JsonNodeFactory.instance.objectNode().put("type", "bundle")
                .put("id", "bundle--" + UUID.randomUUID());
        bundle.putArray("objects").add(report);
        ObjectNode m = JsonNodeFactory.instance.objectNode().put("bundle_type", "QUEUE_BUNDLE")
                .put("content", Base64.getEncoder().encodeToString(JSON.writeValueAsBytes(bundle)));
        if (workId == null) {
            m.putNull("work_id");
        } else {
            m.put("work_id", workId);
        }
        return JSON.writeValueAsBytes(m);
    }

    private static void push(Channel ch, FakeOpenCti openCti, byte[] body) throws Exception {
        ch.basicPublish("", openCti.pushQueue(), new AMQP.BasicProperties.Builder().deliveryMode(2).build(), body);
    }

    /** {@code workEdit { addExpectations }} over the wire, as the ingester sent it before this change. */
    private static void addExpectations(FakeOpenCti openCti, String work, int n) throws Exception {
        java.net.http.HttpResponse<String> r = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest
                .newBuilder(java.net.URI.create(openCti.url() + "/graphql"))
                .header("Authorization", "Bearer test-token")
                .header("Content-Type", "application/json").POST(java.net.http.HttpRequest.BodyPublishers.ofString(
                        JSON.writeValueAsString(JsonNodeFactory.instance.objectNode()
                                .put("query", "mutation workEdit($id: ID!, $expectations: Int) { workEdit(id: $id) "
                                        + "{ addExpectations(expectations: $expectations) } }")
                                .set("variables", JsonNodeFactory.instance.objectNode().put("id", work)
                                        .put("expectations", n))))).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
    }

    private static OpenCtiClient client(FakeOpenCti openCti) {
        return new OpenCtiClient(openCti.url(), "test-token", true, Duration.ofSeconds(5));
    }

    @Test
    void theSweepClosesTheOlderOfTwoInterleavedWorksAndItsQueuedMessagesAreDropped(TestBroker broker)
            throws Exception {
        try (FakeOpenCti openCti = new FakeOpenCti(broker, "strict")) {
            OpenCtiClient client = client(openCti);
            String older = client.workAdd("c", "cycle 1 on ingester A");
            String newer = client.workAdd("c", "cycle 1 on ingester B");
            // as today's ingesters (and pycti) do: the expectations of every message before sending it
            addExpectations(openCti, older, 3);
            addExpectations(openCti, newer, 1);
            try (Channel ch = broker.connect().createChannel()) {
                push(ch, openCti, message("older 1", older));
                push(ch, openCti, message("newer 1", newer));
                push(ch, openCti, message("older 2", older));
                push(ch, openCti, message("older 3", older));
            }
            openCti.sweepEvery(Duration.ofMillis(50));
            openCti.startWorker(1, Duration.ofMillis(400)); // the sweep runs several times per import

            await().atMost(WAIT).until(() -> openCti.imports.size() + openCti.droppedMessages.get() == 4);

            assertThat(openCti.imports).extracting(FakeOpenCti.Imported::name).containsExactly("older 1", "newer 1");
            assertThat(openCti.droppedMessages.get()).isEqualTo(2);
            assertThat(openCti.sweptWorks).containsExactly(older);
            assertThat(client.isWorkAlive(older)).isFalse();
            assertThat(client.isWorkAlive(newer)).isTrue();
        }
    }

    @Test
    void messagesThatNameNoWorkAreAllImportedWhateverTheSweepDoes(TestBroker broker) throws Exception {
        try (FakeOpenCti openCti = new FakeOpenCti(broker, "nowork")) {
            OpenCtiClient client = client(openCti);
            String older = client.workAdd("c", "cycle 1 on ingester A");
            String newer = client.workAdd("c", "cycle 1 on ingester B");
            try (Channel ch = broker.connect().createChannel()) {
                push(ch, openCti, message("newer", newer)); // someone else's message makes newer the status
                for (int i = 0; i < 5; i++) {
                    push(ch, openCti, message("ours " + i, null));
                }
            }
            openCti.sweepEvery(Duration.ofMillis(50));
            openCti.startWorker(2, Duration.ofMillis(100));

            await().atMost(WAIT).until(() -> openCti.imports.size() == 6);
            assertThat(openCti.droppedMessages.get()).isZero();
            await().atMost(WAIT).until(() -> openCti.sweptWorks.contains(older));
        }
    }

    @Test
    void stixBundlePushWithoutAWorkIdGetsAWorkOfThePlatformsAndTheWorkerSplitsTheBundle(TestBroker broker)
            throws Exception {
        try (FakeOpenCti openCti = new FakeOpenCti(broker, "apinowork")) {
            OpenCtiClient client = client(openCti);
            client.register("c", "Email Intel Microsoft", List.of("email-intel-microsoft"));
            ObjectNode bundle = JsonNodeFactory.instance.objectNode().put("type", "bundle")
                    .put("id", "bundle--" + UUID.randomUUID());
            for (String name : List.of("first", "second")) {
                bundle.withArray("objects").add(JsonNodeFactory.instance.objectNode().put("type", "report")
                        .put("id", "report--" + UUID.randomUUID()).put("name", name));
            }
            openCti.startWorker(1, Duration.ZERO);

            client.bundlePush("c", null, JSON.writeValueAsString(bundle));

            await().atMost(WAIT).until(() -> openCti.imports.size() == 2);
            assertThat(openCti.works).hasSize(1);
            String work = openCti.works.get(0);
            assertThat(work).startsWith("work_c_");
            assertThat(openCti.imports).allMatch(i -> work.equals(i.workId()));
            assertThat(openCti.describeWork(work)).startsWith("complete expected=2 processed=2");
        }
    }

    @Test
    void aReportNameThePlatformRefusesIsNotImported(TestBroker broker) throws Exception {
        try (FakeOpenCti openCti = new FakeOpenCti(broker, "names")) {
            try (Channel ch = broker.connect().createChannel()) {
                for (String name : List.of("?", "\u00A0\u00A0", "\u3000\uFEFF\u2007", " \u202F\n", "ok", "été")) {
                    push(ch, openCti, message(name, null));
                }
            }
            openCti.startWorker(2, Duration.ZERO);

            await().atMost(WAIT).until(() -> openCti.imports.size() + openCti.rejectedByPlatform.size() == 6);
            assertThat(openCti.imports).extracting(FakeOpenCti.Imported::name).containsExactlyInAnyOrder("ok", "été");
            assertThat(openCti.rejectedByPlatform).hasSize(4);
        }
    }

    @Test
    void javaScriptTrimIsWiderThanJavasStrip() {
        assertThat(FakeOpenCti.acceptsReportName(new TextNode("\u00A0\u00A0"))).isFalse();
        assertThat("\u00A0\u00A0".strip()).isNotEmpty(); // why the platform's rule is written out here
        assertThat(FakeOpenCti.acceptsReportName(new TextNode("a"))).isFalse();
        assertThat(FakeOpenCti.acceptsReportName(new TextNode("ab"))).isTrue();
        assertThat(FakeOpenCti.acceptsReportName(new TextNode(new String(new byte[] {(byte) 0xF0, (byte) 0x9F,
                (byte) 0x9A, (byte) 0xA8}, StandardCharsets.UTF_8)))).isTrue(); // one emoji: 2 UTF-16 units
    }
}
