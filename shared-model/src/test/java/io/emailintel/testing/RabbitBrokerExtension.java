package io.emailintel.testing;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Gives tests a real RabbitMQ, found in this order:
 * <ol>
 *   <li>the {@code RABBITMQ_URI} environment variable (or {@code -Drabbitmq.uri}), if set;</li>
 *   <li>a broker listening on 127.0.0.1:5672 (guest/guest), if one answers;</li>
 *   <li>a Testcontainers RabbitMQ 4.x, if Docker is available;</li>
 *   <li>otherwise the test fails, naming those three options.</li>
 * </ol>
 * Each test class gets its own {@link TestBroker} (its own queue prefix); what it declared through it is
 * deleted when the class ends.
 */
public final class RabbitBrokerExtension implements ParameterResolver {

    private static final ExtensionContext.Namespace NAMESPACE =
            ExtensionContext.Namespace.create(RabbitBrokerExtension.class);

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == TestBroker.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        ExtensionContext classContext = context.getTestClass().isPresent()
                ? classContextOf(context) : context;
        return classContext.getStore(NAMESPACE).getOrComputeIfAbsent(TestBroker.class,
                k -> new TestBroker(brokerUri(), classContext.getRequiredTestClass().getSimpleName()),
                TestBroker.class);
    }

    private static ExtensionContext classContextOf(ExtensionContext context) {
        ExtensionContext c = context;
        while (c.getParent().isPresent() && c.getTestMethod().isPresent()) {
            c = c.getParent().get();
        }
        return c;
    }

    private static volatile String resolved;

    /** The broker URI, resolved once per JVM. */
    public static synchronized String brokerUri() {
        if (resolved != null) {
            return resolved;
        }
        String configured = System.getProperty("rabbitmq.uri", System.getenv("RABBITMQ_URI"));
        if (configured != null && !configured.isBlank()) {
            return resolved = configured.strip();
        }
        if (listening("127.0.0.1", 5672)) {
            return resolved = "amqp://guest:guest@127.0.0.1:5672/%2F";
        }
        String container = ContainerBroker.startIfDockerAvailable();
        if (container != null) {
            return resolved = container;
        }
        throw new ParameterResolutionException("No RabbitMQ for the integration tests. Either set RABBITMQ_URI "
                + "(e.g. amqp://guest:guest@host:5672/%2F), or start a local broker on 127.0.0.1:5672 "
                + "(Debian: apt-get install rabbitmq-server && rabbitmq-server -detached), or make Docker "
                + "available so Testcontainers can start one.");
    }

    static boolean listening(String host, int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), 1_000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
