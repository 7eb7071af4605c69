package io.emailintel.testing;

import org.testcontainers.DockerClientFactory;
import org.testcontainers.rabbitmq.RabbitMQContainer;

/** A RabbitMQ in Docker for machines without a local broker; started once, stopped by Testcontainers' reaper. */
final class ContainerBroker {

    /** What the compose stack runs. */
    static final String IMAGE = "rabbitmq:4.1-management";

    private ContainerBroker() {
    }

    /** The URI of a started container, or null when Docker is not available. */
    static String startIfDockerAvailable() {
        boolean docker;
        try {
            docker = DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException | LinkageError e) {
            docker = false;
        }
        if (!docker) {
            return null;
        }
        RabbitMQContainer container = new RabbitMQContainer(IMAGE);
        container.start();
        return "amqp://guest:guest@" + container.getHost() + ":" + container.getAmqpPort() + "/%2F";
    }
}
