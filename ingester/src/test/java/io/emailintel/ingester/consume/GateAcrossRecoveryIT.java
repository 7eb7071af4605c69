package io.emailintel.ingester.consume;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import io.emailintel.ingester.opencti.BundleSink;
import io.emailintel.ingester.opencti.LocalWorkApi;
import io.emailintel.ingester.opencti.Works;
import io.emailintel.ingester.stix.ReportBuilder;
import io.emailintel.ingester.stix.ReportOptions;
import io.emailintel.ingester.stix.StixBundle;
import io.emailintel.model.EnvelopeCodec;
import io.emailintel.model.EnvelopeFixtures;
import io.emailintel.testing.RabbitBrokerExtension;
import io.emailintel.testing.TestBroker;
import io.emailintel.ops.Health;
import io.emailintel.topology.BrokerUri;
import io.emailintel.topology.Topology;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The consumer follows its gate (the OpenCTI circuit) across a lost broker connection: a gate that opens while
 * amqp-client is still recovering the connection finds the channel closed; once recovery is complete the consumer
 * must consume again. Before the fix, an ingester paused by the circuit when its broker node died never consumed
 * again (ClusterFailoverIT, retry/dead-letter leader loss: 8 envelopes left on the work queue, 0 consumers).
 */
@ExtendWith(RabbitBrokerExtension.class)
class GateAcrossRecoveryIT {

    private static final Duration WAIT = Duration.ofSeconds(30);

    /** Forwards TCP to the broker; {@link #sever()} closes every forwarded connection (new ones are accepted). */
    private static final class Forwarder implements AutoCloseable {
        private final ServerSocket server;
        private final List<Socket> sockets = new CopyOnWriteArrayList<>();

        Forwarder(String host, int port) throws IOException {
            server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            Thread accept = new Thread(() -> {
                while (!server.isClosed()) {
                    try {
                        Socket client = server.accept();
                        Socket broker = new Socket(host, port);
                        sockets.add(client);
                        sockets.add(broker);
                        pump(client, broker);
                        pump(broker, client);
                    } catch (IOException e) {
                        return;
                    }
                }
            }, "forwarder-accept");
            accept.setDaemon(true);
            accept.start();
        }

        private static void pump(Socket from, Socket to) {
            Thread t = new Thread(() -> {
                try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                    in.transferTo(out);
                } catch (IOException e) {
                    // severed
                } finally {
                    closeQuietly(from);
                    closeQuietly(to);
                }
            }, "forwarder-pump");
            t.setDaemon(true);
            t.start();
        }

        int port() {
            return server.getLocalPort();
        }

        void sever() {
            sockets.forEach(Forwarder::closeQuietly);
            sockets.clear();
        }

        private static void closeQuietly(Socket s) {
            try {
                s.close();
            } catch (IOException e) {
                // closing
            }
        }

        @Override
        public void close() throws IOException {
            server.close();
            sever();
        }
    }

    /** Confirms every push at once and counts them. */
    private static final class CountingSink implements BundleSink {
        final List<String> pushed = new CopyOnWriteArrayList<>();

        @Override
        public CompletableFuture<Void> push(String workId, StixBundle bundle) {
            pushed.add(workId);
            return CompletableFuture.completedFuture(null);
        }
    }

    @Test
    void aGateOpenedWhileTheConnectionRecoversResumesConsumingOnceItIsBack(TestBroker broker) throws Exception {
        Clock clock = Clock.systemUTC();
        Topology topology = broker.declare(broker.prefix("gate"), List.of(Duration.ofMinutes(10)));
        URI uri = URI.create(broker.uri());
        CountingSink sink = new CountingSink();
        ConsumerGate gate = new ConsumerGate();
        try (Forwarder forwarder = new Forwarder(uri.getHost(), uri.getPort())) {
            BrokerUri viaForwarder = BrokerUri.parse(uri.getScheme() + "://" + uri.getRawUserInfo() + "@127.0.0.1:"
                    + forwarder.port() + uri.getRawPath());
            Connection connection = viaForwarder.connect("gate-across-recovery");
            Works works = new Works(new LocalWorkApi(), "local", clock, Duration.ofMinutes(1),
                    new SimpleMeterRegistry());
            OpenCtiCircuit circuit = new OpenCtiCircuit(() -> { }, d -> { }, Duration.ofSeconds(1), gate);
            EnvelopeProcessor processor = new EnvelopeProcessor(new EnvelopeCodec(),
                    new ReportBuilder(ReportOptions.defaults(), clock), works, sink, circuit, d -> { }, Later.NOW,
                    1, Duration.ofMillis(1));
            FailureRouter router = new FailureRouter(connection, topology, 3, clock, "test", Duration.ofSeconds(5));
            EnvelopeConsumer consumer = new EnvelopeConsumer(connection, topology, 8, 2, processor, router, works,
                    gate, new IngestMetrics(new SimpleMeterRegistry(), clock), new Health());
            try {
                consumer.start();
                await().atMost(WAIT).until(consumer::isConsuming);
                gate.shut(ConsumerGate.OPENCTI_DOWN);
                assertThat(consumer.isConsuming()).as("paused by the circuit").isFalse();

                forwarder.sever(); // the broker node "dies"; amqp-client recovers after its 2 s interval
                await().atMost(WAIT).until(() -> !connection.isOpen());
                gate.open(ConsumerGate.OPENCTI_DOWN); // OpenCTI answers again while the connection is down
                await().atMost(WAIT).until(connection::isOpen);

                try (Channel ch = broker.connect().createChannel()) {
                    ch.basicPublish(topology.exchange(), Topology.ROUTING_WORK,
                            new AMQP.BasicProperties.Builder().deliveryMode(2).headers(Map.of()).build(),
                            new EnvelopeCodec().encode(EnvelopeFixtures.advisory("after-recovery")));
                }
                await().atMost(WAIT).until(() -> sink.pushed.size() == 1);
                assertThat(consumer.isConsuming()).isTrue();
            } finally {
                consumer.stop(Duration.ofMillis(200));
                router.close();
                circuit.close();
                connection.abort();
            }
        }
    }
}
