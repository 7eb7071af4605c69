package io.emailintel.config;

import io.emailintel.tls.TlsTrust;
import io.emailintel.topology.BrokerUri;
import io.emailintel.topology.Topology;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Settings both processes read: the pipeline broker and its queues, and logging. */
public final class CommonSettings {

    private CommonSettings() {
    }

    public static final Setting<String> LOG_LEVEL = Setting.builder("connector.log_level",
                    ValueTypes.oneOf("debug", "info", "warn", "warning", "error"))
            .defaultValue("error")
            .description("Log level: debug, info, warn or error. The seed's default is error; "
                    + "info logs one line per e-mail.")
            .build();

    public static final Setting<String> LOG_FORMAT = Setting.builder("connector.log_format",
                    ValueTypes.oneOf("text", "json"))
            .defaultValue("text")
            .description("Log line format: text for people, json (one object per line) for log shippers.")
            .build();

    public static final Setting<BrokerUri> RABBITMQ_URI = Setting.builder("pipeline.rabbitmq_uri",
                    ValueTypes.BROKER_URI)
            .defaultValue("amqp://guest:guest@localhost:5672/%2F")
            .redactWith(Redaction::uriPassword)
            .description("The pipeline broker: amqp://user:pass@host:5672/vhost, amqps:// for TLS; on a cluster "
                    + "list every node (host1:5672,host2:5672,host3:5672), tried in random order at every "
                    + "(re)connection. The password is never shown.")
            .build();

    public static final Setting<TlsTrust> TLS_CA_FILE = Setting.builder("tls.ca_file", ValueTypes.CA_FILE)
            .description("PEM file of CA certificates (a private CA) trusted in addition to the JVM's trust store "
                    + "for amqps:// to the pipeline broker and to OpenCTI's broker, for https to OpenCTI, and for the "
                    + "IMAP server and its OAuth token endpoint. "
                    + "Certificates and host names are always verified (OPENCTI_SSL_VERIFY=false aside). "
                    + "Microsoft Graph uses the JVM's trust store only.")
            .build();

    public static final Setting<String> QUEUE_PREFIX = Setting.builder("pipeline.queue_prefix", ValueTypes.STRING)
            .defaultValue("email-intel")
            .check(p -> p.matches("[A-Za-z0-9][A-Za-z0-9._:-]{0,100}"),
                    "letters, digits, '.', '_', ':' or '-', starting with a letter or digit")
            .description("Prefix of every exchange and queue name, so several mailboxes or environments "
                    + "can share one broker.")
            .build();

    public static final Setting<List<Duration>> RETRY_DELAYS = Setting.builder("pipeline.retry_delays",
                    ValueTypes.DURATION_LIST)
            .defaultValue("PT10S,PT1M,PT10M")
            .check(CommonSettings::validDelays, "1 to 10 distinct positive delays, each under 24 days")
            .description("Delays of the retry tiers: a failed e-mail waits in tier 1, then 2, …; "
                    + "further retries use the last tier.")
            .build();

    public static final Setting<Integer> MAX_ATTEMPTS = Setting.builder("pipeline.max_attempts",
                    ValueTypes.POSITIVE_INT)
            .defaultValue("5")
            .check(n -> n <= 100, "at most 100")
            .description("Ingestion attempts per e-mail (the first included) before it is dead-lettered.")
            .build();

    public static final Setting<Integer> OPS_PORT = Setting.builder("ops.port", ValueTypes.PORT)
            .check(p -> p > 0, "a TCP port from 1 to 65535")
            .description("Port of the operations endpoint (/health/live, /health/ready, /metrics); "
                    + "unset: not served. The compose stack sets 9400.")
            .build();

    /** All of the above, in documentation order. */
    public static final List<Setting<?>> ALL = List.of(LOG_LEVEL, LOG_FORMAT, RABBITMQ_URI, TLS_CA_FILE,
            QUEUE_PREFIX, RETRY_DELAYS, MAX_ATTEMPTS, OPS_PORT);

    /** A schema for a process: these settings plus its own. */
    public static ConfigSchema schema(String component, List<Setting<?>> own, List<ConfigRule> rules) {
        List<Setting<?>> all = new ArrayList<>(ALL);
        all.addAll(own);
        return new ConfigSchema(component, all, rules);
    }

    /** What TLS connections trust: the JVM's trust store, plus {@code TLS_CA_FILE} when it is set. */
    public static TlsTrust tlsTrust(Config config) {
        TlsTrust trust = config.get(TLS_CA_FILE);
        return trust == null ? TlsTrust.jvm() : trust;
    }

    /** The pipeline broker, with {@code amqps://} verified against {@link #tlsTrust(Config)}. */
    public static BrokerUri brokerUri(Config config) {
        return config.get(RABBITMQ_URI).withTrust(tlsTrust(config));
    }

    /** The pipeline topology the configuration describes. */
    public static Topology topology(Config config) {
        return new Topology(config.get(QUEUE_PREFIX), config.get(RETRY_DELAYS));
    }

    private static boolean validDelays(List<Duration> delays) {
        if (delays.isEmpty() || delays.size() > 10 || delays.stream().distinct().count() != delays.size()) {
            return false;
        }
        return delays.stream().allMatch(d -> !d.isZero() && d.toMillis() < Duration.ofDays(24).toMillis());
    }
}
