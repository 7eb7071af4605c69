package io.emailintel.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class BrokerUriTest {

    @Test
    void parsesCredentialsHostPortAndEncodedVhost() {
        BrokerUri uri = BrokerUri.parse("amqp://svc%40cti:p%2Fss@rabbit.local:5673/cti%2Fprod");
        assertThat(uri.username()).isEqualTo("svc@cti");
        assertThat(uri.virtualHost()).isEqualTo("cti/prod");
        assertThat(uri.addresses()).singleElement().satisfies(a -> {
            assertThat(a.getHost()).isEqualTo("rabbit.local");
            assertThat(a.getPort()).isEqualTo(5673);
        });
        assertThat(uri.tls()).isFalse();
    }

    @Test
    void defaultVhostIsSlashAndDefaultPortsFollowTheScheme() {
        assertThat(BrokerUri.parse("amqp://localhost").virtualHost()).isEqualTo("/");
        assertThat(BrokerUri.parse("amqp://localhost/%2F").virtualHost()).isEqualTo("/");
        assertThat(BrokerUri.parse("amqp://localhost").addresses().get(0).getPort()).isEqualTo(5672);
        BrokerUri tls = BrokerUri.parse("amqps://rabbit.example.org/");
        assertThat(tls.tls()).isTrue();
        assertThat(tls.addresses().get(0).getPort()).isEqualTo(5671);
    }

    @Test
    void severalHostsFormAFailoverList() {
        BrokerUri uri = BrokerUri.parse("amqp://u:p@rmq1:5672,rmq2,[::1]:5674/%2F");
        assertThat(uri.addresses()).extracting(a -> a.getHost() + ":" + a.getPort())
                .containsExactly("rmq1:5672", "rmq2:5672", "::1:5674");
    }

    @Test
    void toStringHidesThePassword() {
        assertThat(BrokerUri.parse("amqp://u:verysecret@h:1/v").toString())
                .isEqualTo("amqp://u:****@h:1/v").doesNotContain("verysecret");
    }

    @Test
    void rejectsOtherSchemesAndBadPortsWithoutEchoingSecrets() {
        assertThatThrownBy(() -> BrokerUri.parse("http://u:verysecret@h/")).hasMessageContaining("amqp")
                .hasMessageNotContaining("verysecret");
        assertThatThrownBy(() -> BrokerUri.parse("amqp://h:99999/")).hasMessageContaining("invalid port");
        assertThatThrownBy(() -> BrokerUri.parse("amqp:///vhost")).hasMessageContaining("no host");
    }

    /**
     * Every connection tries the listed nodes in a fresh random order, so processes spread over a cluster's nodes
     * and recover on any of them. Two local "nodes" accept and hang up at once (the handshake fails), so each
     * attempt tries both and the order shows which came first; over 30 attempts both must have come first.
     */
    @Test
    void severalHostsAreTriedInARandomOrderAtEveryConnection() throws Exception {
        List<String> accepted = Collections.synchronizedList(new ArrayList<>());
        try (ServerSocket a = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
             ServerSocket b = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            List<Thread> acceptors = List.of(acceptor(a, "a", accepted), acceptor(b, "b", accepted));
            BrokerUri uri = BrokerUri.parse("amqp://u:p@127.0.0.1:" + a.getLocalPort() + ",127.0.0.1:"
                    + b.getLocalPort() + "/%2F");
            List<String> firstTried = new ArrayList<>();
            for (int i = 0; i < 30; i++) {
                int before = accepted.size();
                assertThatThrownBy(() -> uri.connect("shuffle-test")).isInstanceOf(IOException.class);
                while (accepted.size() < before + 2) {
                    Thread.sleep(1);
                }
                firstTried.add(accepted.get(before));
            }
            assertThat(firstTried).as("node tried first, per connection").contains("a", "b");
            acceptors.forEach(Thread::interrupt);
        }
    }

    private static Thread acceptor(ServerSocket server, String name, List<String> accepted) {
        Thread t = new Thread(() -> {
            while (!server.isClosed()) {
                try (Socket s = server.accept()) {
                    accepted.add(name);
                } catch (IOException e) {
                    return;
                }
            }
        });
        t.setDaemon(true);
        t.start();
        return t;
    }
}
