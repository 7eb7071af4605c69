package io.emailintel.ingester;

import io.emailintel.config.CommonSettings;
import io.emailintel.config.ConfigProblem;
import io.emailintel.config.ConfigRule;
import io.emailintel.config.ConfigSchema;
import io.emailintel.config.ConfigSource;
import io.emailintel.config.Setting;
import io.emailintel.config.ValueTypes;
import io.emailintel.ingester.observables.Exclusions;
import io.emailintel.ingester.observables.ExtractMode;
import io.emailintel.ingester.observables.Extractor;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** The ingester's own settings: OpenCTI, the connector identity, the STIX output, and consumption. */
final class IngesterSettings {

    private IngesterSettings() {
    }

    static final Setting<URI> OPENCTI_URL = Setting.builder("opencti.url", ValueTypes.HTTP_URL)
            .description("OpenCTI platform URL, e.g. http://opencti:8080 (GraphQL at {url}/graphql). "
                    + "Required unless INGESTER_OUTPUT is a directory.")
            .build();

    static final Setting<String> OPENCTI_TOKEN = Setting.builder("opencti.token", ValueTypes.STRING)
            .secret()
            .description("API token of the connector's OpenCTI user. Required unless INGESTER_OUTPUT is a directory.")
            .build();

    static final Setting<Boolean> OPENCTI_SSL_VERIFY = Setting.builder("opencti.ssl_verify", ValueTypes.BOOLEAN)
            .defaultValue("true")
            .description("Verify OpenCTI's TLS certificate and host name (a private CA: TLS_CA_FILE). false accepts "
                    + "any certificate, with a warning at start-up.")
            .build();

    static final Setting<UUID> CONNECTOR_ID = Setting.builder("connector.id", ValueTypes.UUID_TYPE)
            .description("Connector id registered in OpenCTI: a UUIDv4 of your choosing, stable across "
                    + "restarts. Required unless INGESTER_OUTPUT is a directory.")
            .build();

    static final Setting<String> CONNECTOR_NAME = Setting.builder("connector.name", ValueTypes.STRING)
            .defaultValue("Email Intel Microsoft")
            .description("Connector name shown in OpenCTI.")
            .build();

    static final Setting<List<String>> CONNECTOR_SCOPE = Setting.builder("connector.scope", ValueTypes.STRING_LIST)
            .defaultValue("email-intel-microsoft")
            .description("Connector scope registered in OpenCTI.")
            .build();

    static final Setting<String> QUEUE_PROTOCOL = Setting.builder("connector.queue_protocol",
                    ValueTypes.oneOf("amqp", "api"))
            .defaultValue("amqp")
            .description("How bundles reach OpenCTI: amqp (its push queue, as pycti) or api (stixBundlePush).")
            .build();

    static final Setting<Integer> QUEUE_THRESHOLD = Setting.builder("connector.queue_threshold",
                    ValueTypes.POSITIVE_INT)
            .defaultValue("500")
            .description("Pause consuming while OpenCTI's queue for this connector holds more than this many MB.")
            .build();

    static final Setting<String> TLP_LEVEL = Setting.builder("email_intel_microsoft.tlp_level",
                    ValueTypes.oneOf("clear", "white", "green", "amber", "amber+strict", "red"))
            .defaultValue("amber+strict")
            .description("TLP marking of every report and file: clear (or white), green, amber, amber+strict, red.")
            .build();

    static final Setting<List<String>> REPORT_TYPES = Setting.builder("email_intel_microsoft.report_types",
                    ValueTypes.STRING_LIST)
            .defaultValue("threat-report")
            .description("report_types of every report.")
            .build();

    static final Setting<Boolean> NO_TRIGGER_IMPORT = Setting.builder("email_intel_microsoft.no_trigger_import",
                    ValueTypes.BOOLEAN)
            .defaultValue("false")
            .description("Set no_trigger_import on attached files, so OpenCTI's import connectors do not parse them.")
            .build();

    static final Setting<String> AUTHOR_NAME = Setting.builder("email_intel_microsoft.author_name", ValueTypes.STRING)
            .defaultValue("Email Intel Microsoft")
            .description("Name of the organization identity that authors every report.")
            .build();

    static final Setting<String> EXTRACT = Setting.builder("email_intel_microsoft.extract",
                    ValueTypes.oneOf("off", "observables", "indicators"))
            .defaultValue("off")
            .description("Extract IPs, domains, URLs, e-mail addresses, file hashes and CVE ids from the body and "
                    + "text attachments into the report: off, observables, or indicators (observables plus STIX "
                    + "indicators based on them).")
            .build();

    static final Setting<java.nio.file.Path> EXTRACT_EXCLUSIONS_FILE = Setting.builder(
                    "email_intel_microsoft.extract_exclusions_file", ValueTypes.PATH)
            .description("File of values never extracted, one per line: an IP or CIDR range, a domain (with its "
                    + "subdomains), or an exact value; # starts a comment. Adds to the built-in exclusions.")
            .build();

    static final Setting<Integer> EXTRACT_MAX_OBSERVABLES = Setting.builder(
                    "email_intel_microsoft.extract_max_observables", ValueTypes.POSITIVE_INT)
            .defaultValue("1000")
            .check(n -> n <= 10_000, "at most 10000")
            .description("Most observables extracted per e-mail; the report's description says how many more "
                    + "were left out.")
            .build();

    static final Setting<String> MQ_HOST = Setting.builder("mq.host", ValueTypes.STRING)
            .description("Override of the OpenCTI broker host the platform announces (often not reachable as is).")
            .build();

    static final Setting<Integer> MQ_PORT = Setting.builder("mq.port", ValueTypes.PORT)
            .description("Override of the OpenCTI broker port.")
            .build();

    static final Setting<String> MQ_VHOST = Setting.builder("mq.vhost", ValueTypes.STRING)
            .description("Override of the OpenCTI broker virtual host.")
            .build();

    static final Setting<Boolean> MQ_USE_SSL = Setting.builder("mq.use_ssl", ValueTypes.BOOLEAN)
            .description("Override: connect to the OpenCTI broker with TLS.")
            .build();

    static final Setting<String> MQ_USER = Setting.builder("mq.user", ValueTypes.STRING)
            .description("Override of the OpenCTI broker user.")
            .build();

    static final Setting<String> MQ_PASS = Setting.builder("mq.pass", ValueTypes.STRING)
            .secret()
            .description("Override of the OpenCTI broker password.")
            .build();

    static final Setting<Integer> PREFETCH = Setting.builder("ingester.prefetch", ValueTypes.POSITIVE_INT)
            .defaultValue("8")
            .check(n -> n <= 1000, "at most 1000")
            .description("Unacknowledged envelopes one ingester holds at once.")
            .build();

    static final Setting<Integer> CONCURRENCY = Setting.builder("ingester.concurrency", ValueTypes.POSITIVE_INT)
            .defaultValue("2")
            .check(n -> n <= 64, "at most 64")
            .description("Envelopes one ingester processes in parallel.")
            .build();

    static final Setting<Duration> WORK_QUIET_PERIOD = Setting.builder("ingester.work_quiet_period",
                    ValueTypes.DURATION)
            .defaultValue("PT1M")
            .description("An OpenCTI work (one per fetch cycle) is closed after this long without new e-mails.")
            .build();

    static final Setting<Duration> PUSH_TIMEOUT = Setting.builder("ingester.push_timeout", ValueTypes.DURATION)
            .defaultValue("PT30S")
            .check(d -> !d.isNegative() && !d.isZero(), "a positive duration")
            .description("Timeout of one OpenCTI call, and of the broker confirms for one pushed bundle.")
            .build();

    static final Setting<Integer> QUICK_RETRIES = Setting.builder("ingester.quick_retries", ValueTypes.POSITIVE_INT)
            .defaultValue("3")
            .check(n -> n <= 10, "at most 10")
            .description("In-process tries of a failing OpenCTI call (jittered backoff) before the e-mail goes "
                    + "to the next retry tier.")
            .build();

    static final Setting<Duration> QUICK_RETRY_BACKOFF = Setting.builder("ingester.quick_retry_backoff",
                    ValueTypes.DURATION)
            .defaultValue("PT0.5S")
            .check(d -> !d.isNegative() && !d.isZero(), "a positive duration")
            .description("First wait between in-process tries; doubles each time, randomised by ±50%.")
            .build();

    static final Setting<Duration> CIRCUIT_PROBE_INTERVAL = Setting.builder("ingester.circuit_probe_interval",
                    ValueTypes.DURATION)
            .defaultValue("PT15S")
            .check(d -> !d.isNegative() && !d.isZero(), "a positive duration")
            .description("While OpenCTI is down (circuit open, consumption paused), how often its health is probed.")
            .build();

    static final Setting<Duration> PING_INTERVAL = Setting.builder("ingester.ping_interval", ValueTypes.DURATION)
            .defaultValue("PT40S")
            .check(d -> !d.isNegative() && !d.isZero(), "a positive duration")
            .description("How often the connector pings OpenCTI and checks its queue size for back-pressure.")
            .build();

    static final Setting<Duration> SHUTDOWN_GRACE = Setting.builder("ingester.shutdown_grace", ValueTypes.DURATION)
            .defaultValue("PT30S")
            .description("On SIGTERM, how long e-mails in progress may take to finish before they are requeued.")
            .build();

    static final Setting<IngesterOutput> OUTPUT = Setting.builder("ingester.output", IngesterOutput.TYPE)
            .defaultValue("opencti")
            .description("Where reports go: opencti, or dir:PATH to write each bundle and the exact push "
                    + "messages to files instead (dry runs, audits; no OpenCTI needed).")
            .build();

    static final List<Setting<?>> OWN = List.of(OUTPUT, OPENCTI_URL, OPENCTI_TOKEN, OPENCTI_SSL_VERIFY, CONNECTOR_ID,
            CONNECTOR_NAME, CONNECTOR_SCOPE, QUEUE_PROTOCOL, QUEUE_THRESHOLD, TLP_LEVEL, REPORT_TYPES,
            NO_TRIGGER_IMPORT, AUTHOR_NAME,
            EXTRACT, EXTRACT_EXCLUSIONS_FILE, EXTRACT_MAX_OBSERVABLES,
            MQ_HOST, MQ_PORT, MQ_VHOST, MQ_USE_SSL, MQ_USER, MQ_PASS, PREFETCH,
            CONCURRENCY, WORK_QUIET_PERIOD, PUSH_TIMEOUT, QUICK_RETRIES, QUICK_RETRY_BACKOFF, CIRCUIT_PROBE_INTERVAL,
            PING_INTERVAL, SHUTDOWN_GRACE);

    /** Sending to OpenCTI needs its URL, a token and a connector id; a directory output needs none. */
    static final ConfigRule OPENCTI_NEEDS_ITS_SETTINGS = config -> {
        if (!config.get(OUTPUT).isOpenCti()) {
            return List.of();
        }
        List<ConfigProblem> problems = new ArrayList<>();
        for (Setting<?> s : List.of(OPENCTI_URL, OPENCTI_TOKEN, CONNECTOR_ID)) {
            if (config.get(s) == null) {
                problems.add(new ConfigProblem(s.key(), ConfigSource.UNSET,
                        "required (INGESTER_OUTPUT is opencti), expected " + s.type().expected()));
            }
        }
        return problems;
    };

    /** The exclusion file must be readable and well-formed at start-up, not at the first e-mail. */
    static final ConfigRule EXCLUSIONS_FILE_READABLE = config -> {
        java.nio.file.Path file = config.get(EXTRACT_EXCLUSIONS_FILE);
        if (file == null) {
            return List.of();
        }
        try {
            Exclusions.load(file);
            return List.of();
        } catch (java.io.IOException | RuntimeException e) {
            return List.of(new ConfigProblem(EXTRACT_EXCLUSIONS_FILE.key(), config.sourceOf(EXTRACT_EXCLUSIONS_FILE),
                    "cannot read the exclusion list: " + e.getMessage()));
        }
    };

    /** The extractor the settings ask for (off by default). */
    static Extractor extractor(io.emailintel.config.Config config) throws java.io.IOException {
        ExtractMode mode = ExtractMode.fromSetting(config.get(EXTRACT));
        if (mode == ExtractMode.OFF) {
            return Extractor.off();
        }
        java.nio.file.Path file = config.get(EXTRACT_EXCLUSIONS_FILE);
        return new Extractor(mode, file == null ? Exclusions.defaults() : Exclusions.load(file),
                config.get(EXTRACT_MAX_OBSERVABLES));
    }

    /** The ingester's schema: common settings, then its own. */
    static ConfigSchema schema() {
        return CommonSettings.schema("ingester", OWN, List.of(OPENCTI_NEEDS_ITS_SETTINGS, EXCLUSIONS_FILE_READABLE));
    }
}
