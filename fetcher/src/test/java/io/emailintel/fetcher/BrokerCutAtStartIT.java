package io.emailintel.fetcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.rabbitmq.client.Connection;
import io.emailintel.config.CommonSettings;
import io.emailintel.fetcher.fake.FakeGraph;
import io.emailintel.model.Envelope;
import io.emailintel.testing.RabbitBrokerExtension;
import io.emailintel.testing.TestBroker;
import io.emailintel.topology.Topology;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The broker connection reset right after it was opened, before the pipeline is declared (a broker restart or
 * a network cut while the fetcher starts): {@code run} must retry, not exit, and then publish everything.
 */
@ExtendWith(RabbitBrokerExtension.class)
class BrokerCutAtStartIT {

    @TempDir
    Path dir;

    @Test
    void aConnectionResetBeforeThePipelineIsDeclaredIsRetriedNotFatal(TestBroker broker) throws Exception {
        URI uri = URI.create(broker.uri());
        try (FakeGraph graph = new FakeGraph(GraphFixture.MAILBOX);
             CutAtFirstChannelProxy proxy = new CutAtFirstChannelProxy(uri.getHost(), uri.getPort())) {
            String prefix = broker.prefix("cutatstart");
            Topology topology = new Topology(prefix, CommonSettings.RETRY_DELAYS.parse(
                    CommonSettings.RETRY_DELAYS.defaultValue()));
            broker.deleteAfterwards(topology);
            Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
            for (int i = 0; i < 30; i++) {
                graph.add("inbox-id", now.minus(Duration.ofHours(50 - i)), "advisory " + i);
            }
            String proxied = uri.getScheme() + "://" + uri.getRawUserInfo() + "@" + uri.getHost() + ":" + proxy.port()
                    + (uri.getRawPath() == null ? "" : uri.getRawPath());
            Path java = Path.of(System.getProperty("java.home"), "bin", "java");
            ProcessBuilder pb = new ProcessBuilder(List.of(java.toString(),
                    "-Djavax.net.ssl.trustStore=" + System.getProperty("javax.net.ssl.trustStore"),
                    "-Djavax.net.ssl.trustStorePassword=" + System.getProperty("javax.net.ssl.trustStorePassword"),
                    "-Djavax.net.ssl.trustStoreType=" + System.getProperty("javax.net.ssl.trustStoreType"),
                    "-cp", System.getProperty("java.class.path"), FetcherCommand.class.getName(), "run"))
                    .redirectErrorStream(true)
                    .redirectOutput(dir.resolve("fetcher.log").toFile());
            pb.environment().putAll(Map.of(
                    "PIPELINE_RABBITMQ_URI", proxied,
                    "PIPELINE_QUEUE_PREFIX", prefix,
                    "EMAIL_INTEL_MICROSOFT_TENANT_ID", FakeGraph.TENANT,
                    "EMAIL_INTEL_MICROSOFT_CLIENT_ID", "00000000-0000-0000-0000-000000000001",
                    "EMAIL_INTEL_MICROSOFT_CLIENT_SECRET", "not-a-real-secret",
                    "EMAIL_INTEL_MICROSOFT_EMAIL", GraphFixture.MAILBOX,
                    "EMAIL_INTEL_MICROSOFT_GRAPH_BASE_URL", graph.baseUrl(),
                    "EMAIL_INTEL_MICROSOFT_AUTHORITY_HOST", graph.authorityHost(),
                    "CONNECTOR_DURATION_PERIOD", "PT1H",
                    "FETCHER_STATE_DIR", dir.resolve("state").toString()));
            pb.environment().put("CONNECTOR_LOG_LEVEL", "info");
            Process process = pb.start();
            try {
                await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250))
                        .until(() -> queued(broker, topology) >= 30 || !process.isAlive());
                String log = Files.readString(dir.resolve("fetcher.log"));
                assertThat(process.isAlive()).as("still running after the reset:\n" + log).isTrue();
                assertThat(proxy.cut.get()).as("connections reset at their first channel.open").isEqualTo(1);
                assertThat(log).contains("unreachable").contains("pipeline declared");
            } finally {
                process.destroyForcibly();
            }
            Connection connection = broker.connect();
            List<Envelope> received = GraphFixture.drain(connection, topology.workQueue());
            assertThat(received).hasSize(30);
        }
    }

    private static long queued(TestBroker broker, Topology topology) {
        try {
            return broker.messageCount(topology.workQueue());
        } catch (RuntimeException e) {
            return 0; // not declared yet
        }
    }

    /**
     * Forwards to the broker; the first connection is reset when the client opens its first channel (frame type
     * 1 on a channel other than 0, class 20, method 10): the client holds an established connection that dies
     * before anything is declared. Later connections pass untouched.
     */
    private static final class CutAtFirstChannelProxy implements AutoCloseable {

        private final ServerSocket listener;
        private final InetSocketAddress target;
        private final AtomicInteger connections = new AtomicInteger();
        final AtomicInteger cut = new AtomicInteger();

        CutAtFirstChannelProxy(String host, int port) throws IOException {
            target = new InetSocketAddress(host, port);
            listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            daemon(this::accept);
        }

        int port() {
            return listener.getLocalPort();
        }

        private void accept() {
            while (!listener.isClosed()) {
                try {
                    Socket client = listener.accept();
                    Socket server = new Socket();
                    server.connect(target, 5_000);
                    boolean first = connections.incrementAndGet() == 1;
                    daemon(() -> {
                        if (first) {
                            cutAtFirstChannelOpen(client, server);
                        } else {
                            copy(client, server);
                        }
                    });
                    daemon(() -> copy(server, client));
                } catch (IOException e) {
                    return;
                }
            }
        }

        private void cutAtFirstChannelOpen(Socket client, Socket server) {
            try {
                DataInputStream in = new DataInputStream(client.getInputStream());
                OutputStream out = server.getOutputStream();
                byte[] protocolHeader = new byte[8];
                in.readFully(protocolHeader);
                out.write(protocolHeader);
                while (true) {
                    byte[] header = new byte[7];
                    in.readFully(header);
                    int size = ((header[3] & 0xff) << 24) | ((header[4] & 0xff) << 16) | ((header[5] & 0xff) << 8)
                            | (header[6] & 0xff);
                    byte[] rest = new byte[size + 1];
                    in.readFully(rest);
                    boolean channelOpen = header[0] == 1 && (header[1] != 0 || header[2] != 0) && size >= 4
                            && rest[0] == 0 && rest[1] == 20 && rest[2] == 0 && rest[3] == 10;
                    if (channelOpen) {
                        cut.incrementAndGet();
                        client.setSoLinger(true, 0);
                        server.setSoLinger(true, 0);
                        client.close();
                        server.close();
                        return;
                    }
                    out.write(header);
                    out.write(rest);
                    out.flush();
                }
            } catch (IOException e) {
                closeQuietly(client);
                closeQuietly(server);
            }
        }

        private static void copy(Socket from, Socket to) {
            try {
                InputStream in = from.getInputStream();
                OutputStream out = to.getOutputStream();
                in.transferTo(out);
            } catch (IOException e) {
                // one side closed
            } finally {
                closeQuietly(from);
                closeQuietly(to);
            }
        }

        private static void closeQuietly(Socket s) {
            try {
                s.close();
            } catch (IOException e) {
                // closing either way
            }
        }

        private static void daemon(Runnable r) {
            Thread t = new Thread(r, "cut-at-first-channel-proxy");
            t.setDaemon(true);
            t.start();
        }

        @Override
        public void close() throws IOException {
            listener.close();
        }
    }
}
