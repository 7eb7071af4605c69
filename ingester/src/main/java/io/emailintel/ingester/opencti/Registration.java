package io.emailintel.ingester.opencti;

/**
 * What the platform answered to {@code registerConnector}: where to push bundles and as whom.
 *
 * @param connectorUserId the user the platform attributes pushed bundles to ({@code applicant_id})
 * @param pushExchange    the exchange bundles go to
 * @param pushRouting     the routing key for this connector's push queue
 * @param broker          the platform's RabbitMQ, after operator overrides
 * @param connectorState  the connector's state as the platform holds it (a migrated Python connector's
 *                        {@code {"last_email_ingestion": …}}), null when none: every ping sends it back
 */
public record Registration(String connectorUserId, String pushExchange, String pushRouting, PushBroker broker,
                           String connectorState) {

    public Registration(String connectorUserId, String pushExchange, String pushRouting, PushBroker broker) {
        this(connectorUserId, pushExchange, pushRouting, broker, null);
    }

    /**
     * The broker OpenCTI listens on. {@link #toString()} hides the password.
     */
    public record PushBroker(String host, int port, String vhost, boolean useSsl, String user, String pass) {

        /** The announced settings with the operator's {@code MQ_*} overrides (null means keep). */
        public PushBroker override(String host, Integer port, String vhost, Boolean useSsl, String user, String pass) {
            return new PushBroker(host != null ? host : this.host, port != null ? port : this.port,
                    vhost != null ? vhost : this.vhost, useSsl != null ? useSsl : this.useSsl,
                    user != null ? user : this.user, pass != null ? pass : this.pass);
        }

        @Override
        public String toString() {
            return (useSsl ? "amqps" : "amqp") + "://" + user + ":****@" + host + ":" + port + "/" + vhost;
        }
    }

    public Registration withBroker(PushBroker newBroker) {
        return new Registration(connectorUserId, pushExchange, pushRouting, newBroker, connectorState);
    }
}
