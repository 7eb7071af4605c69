package io.emailintel.ingester;

import io.emailintel.config.CommonSettings;
import io.emailintel.config.ConfigProblem;
import io.emailintel.config.ConfigRule;
import io.emailintel.config.ConfigSchema;
import io.emailintel.config.ConfigSource;
import io.emailintel.config.Setting;
import io.emailintel.config.ValueType;
import io.emailintel.config.ValueTypes;
import io.emailintel.ingester.opencti.PushBrokerTls;
import io.emailintel.triage.TriageSettings;
import io.emailintel.ingester.observables.Exclusions;
import io.emailintel.ingester.observables.ExtractMode;
import io.emailintel.ingester.observables.Extractor;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

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

    /** Any non-blank text, used verbatim: pycti passes CONNECTOR_ID to registerConnector as it is. */
    static final ValueType<String> CONNECTOR_ID_TYPE = new ValueType<>("string", "a non-blank string (usually a "
            + "UUIDv4)", s -> {
                if (s.isBlank()) {
                    throw new IllegalArgumentException("blank");
                }
                return s;
            });

    static final Setting<String> CONNECTOR_ID = Setting.builder("connector.id", CONNECTOR_ID_TYPE)
            .description("Connector id registered in OpenCTI, stable across restarts: usually a UUIDv4 of your "
                    + "choosing; any other non-blank id (a migrated Python connector's) is passed verbatim, with a "
                    + "warning at start-up. Required unless INGESTER_OUTPUT is a directory.")
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

    static final Setting<Boolean> VALIDATE_BEFORE_IMPORT = Setting.builder("connector.validate_before_import",
                    ValueTypes.BOOLEAN)
            .defaultValue("false")
            .description("Send every report to analyst review instead of importing it: the bundle is uploaded as a "
                    + "pending file (uploadPending) for an analyst workbench, as pycti does, and nothing is pushed.")
            .build();

    /** A positive decimal number of megabytes, as pycti reads CONNECTOR_QUEUE_THRESHOLD ({@code float(…)}). */
    static final ValueType<Double> MEGABYTES = new ValueType<>("number", "a positive number of MB (10^6 bytes), "
            + "e.g. 500 or 0.5", s -> {
                double v = Double.parseDouble(s);
                if (!(v > 0) || Double.isInfinite(v)) {
                    throw new IllegalArgumentException("must be a positive number");
                }
                return v;
            });

    static final Setting<Double> QUEUE_THRESHOLD = Setting.builder("connector.queue_threshold", MEGABYTES)
            .defaultValue("500")
            .description("Pause consuming while OpenCTI's queue for this connector holds this many MB or more "
                    + "(decimal MB of 1,000,000 bytes, as pycti counts them); reported to the platform in every ping.")
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

    static final Setting<Boolean> MESSAGE_ID_REFERENCE = Setting.builder("email_intel_microsoft.message_id_reference",
                    ValueTypes.BOOLEAN)
            .defaultValue("false")
            .description("Also file the Message-ID as an external reference of the report. OpenCTI gives external "
                    + "references no marking, so anyone who can read knowledge sees it whatever the TLP; by default "
                    + "it is only in the (marked) description.")
            .build();

    static final Setting<String> AUTHOR_NAME = Setting.builder("email_intel_microsoft.author_name", ValueTypes.STRING)
            .defaultValue("Email Intel Microsoft")
            .description("Name of the organization identity that authors every report.")
            .build();

    static final Setting<String> TLP_MARKERS = Setting.builder("email_intel_microsoft.tlp_markers",
                    ValueTypes.oneOf("off", "raise", "trust"))
            .defaultValue("raise")
            .description("What TLP markers in the subject and body (TLP:RED, [TLP: AMBER], …) do: off (ignored), "
                    + "raise (can only make the marking stricter than the rule's or the default) or trust (the "
                    + "e-mail's marking decides). Several markers: the strictest.")
            .build();

    static final Setting<String> TLP_MINIMUM = Setting.builder("email_intel_microsoft.tlp_minimum",
                    ValueTypes.oneOf("clear", "white", "green", "amber", "amber+strict", "red"))
            .description("The least strict marking any report may get, whatever rules and markers say (unset: "
                    + "no minimum).")
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

    static final Setting<String> MQ_USE_SSL_CA = Setting.builder("mq.use_ssl_ca", ValueTypes.STRING)
            .description("CA certificate(s) trusted for the OpenCTI broker, added to the JVM's and TLS_CA_FILE's: a "
                    + "PEM file path, or the PEM text itself (as pycti).")
            .build();

    static final Setting<String> MQ_USE_SSL_CERT = Setting.builder("mq.use_ssl_cert", ValueTypes.STRING)
            .description("Client certificate (chain) presented to the OpenCTI broker: a PEM file path or the PEM "
                    + "text (as pycti); without MQ_USE_SSL_KEY its key is read from the same PEM.")
            .build();

    static final Setting<String> MQ_USE_SSL_KEY = Setting.builder("mq.use_ssl_key", ValueTypes.STRING)
            .secret()
            .description("Private key of MQ_USE_SSL_CERT: a PEM file path or the PEM text, PKCS#8 "
                    + "(BEGIN PRIVATE KEY, or BEGIN ENCRYPTED PRIVATE KEY with MQ_USE_SSL_PASSPHRASE).")
            .build();

    static final Setting<String> MQ_USE_SSL_PASSPHRASE = Setting.builder("mq.use_ssl_passphrase", ValueTypes.STRING)
            .secret()
            .description("Passphrase of an encrypted MQ_USE_SSL_KEY.")
            .build();

    static final Setting<Boolean> MQ_USE_SSL_REJECT_UNAUTHORIZED = Setting.builder("mq.use_ssl_reject_unauthorized",
                    ValueTypes.BOOLEAN)
            .defaultValue("true")
            .description("Verify the OpenCTI broker's certificate and host name. false accepts any (pycti's "
                    + "default), with a warning at start-up.")
            .build();

    static final Setting<Integer> PREFETCH = Setting.builder("ingester.prefetch", ValueTypes.POSITIVE_INT)
            .check(n -> n <= 1000, "at most 1000")
            .description("Unacknowledged envelopes one ingester holds at once. Unset: derived from the maximum "
                    + "heap, max heap / 4 / 16 MiB (the largest envelope), between 1 and 8 (3 at -Xmx256m, 8 from "
                    + "-Xmx512m), so the held envelopes never take more than a quarter of the heap.")
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

    // --- attachment expansion (issue 21): archives, Outlook .msg, attached e-mails ---

    static final Setting<Boolean> EXPAND_ATTACHMENTS = Setting.builder("ingester.expand_attachments",
                    ValueTypes.BOOLEAN)
            .defaultValue("false")
            .description("Open archives (zip incl. AES, 7z, tar, gzip), Outlook .msg files and attached e-mails, and "
                    + "add the files inside to the report (the archive itself stays). Off: reports as before. The "
                    + "fetcher must let such attachments through (EMAIL_INTEL_MICROSOFT_ATTACHMENTS_MIME_TYPES).")
            .build();

    static final Setting<List<String>> ARCHIVE_PASSWORDS = Setting.builder("ingester.archive_passwords",
                    ValueTypes.STRING_LIST)
            .defaultValue("infected")
            .secret()
            .description("Archive passwords tried, in order, after those the e-mail gives on a password: line; "
                    + "comma-separated. The report names which one opened an archive (entry N), never the password.")
            .build();

    static final Setting<List<String>> EXPAND_MIME_TYPES = Setting.builder("ingester.expand_mime_types",
                    ValueTypes.STRING_LIST)
            .defaultValue("application/pdf,text/csv,text/plain,message/rfc822")
            .description("Types an extracted file must have (by its content, else its name) to become a file of the "
                    + "report; type/* wildcards. Containers inside are opened whatever this says.")
            .build();

    static final Setting<Integer> EXPAND_MAX_DEPTH = Setting.builder("ingester.expand_max_depth",
                    ValueTypes.POSITIVE_INT)
            .defaultValue("3")
            .check(n -> n <= 5, "at most 5")
            .description("Containers opened inside one another; the e-mail's own attachment is level 1.")
            .build();

    static final Setting<Integer> EXPAND_MAX_MEMBERS = Setting.builder("ingester.expand_max_members",
                    ValueTypes.POSITIVE_INT)
            .defaultValue("100")
            .check(n -> n <= 10_000, "at most 10000")
            .description("Files extracted per e-mail, all containers together; a container that would pass it is "
                    + "left closed.")
            .build();

    static final Setting<Long> EXPAND_MAX_BYTES = Setting.builder("ingester.expand_max_bytes", ValueTypes.BYTES)
            .defaultValue("8MiB")
            .check(n -> n > 0 && n <= 32L * 1024 * 1024,
                    "a positive size of at most 32MiB (it is added to the bundle, base64-encoded)")
            .description("Bytes extracted per e-mail, counted while decompressing (declared sizes are not trusted); "
                    + "a container that would pass it is left closed. Heap: add concurrency x this.")
            .build();

    static final Setting<Integer> EXPAND_MAX_RATIO = Setting.builder("ingester.expand_max_ratio",
                    ValueTypes.POSITIVE_INT)
            .defaultValue("100")
            .description("Most bytes a container may expand to per byte of its own size (at least 1 KiB counted); "
                    + "past it the container is left closed as a decompression bomb.")
            .build();

    static final List<Setting<?>> OWN = List.of(OUTPUT, OPENCTI_URL, OPENCTI_TOKEN, OPENCTI_SSL_VERIFY, CONNECTOR_ID,
            CONNECTOR_NAME, CONNECTOR_SCOPE, QUEUE_PROTOCOL, VALIDATE_BEFORE_IMPORT, QUEUE_THRESHOLD, TLP_LEVEL, REPORT_TYPES,
            NO_TRIGGER_IMPORT, MESSAGE_ID_REFERENCE, AUTHOR_NAME,
            EXTRACT, EXTRACT_EXCLUSIONS_FILE, EXTRACT_MAX_OBSERVABLES, TriageSettings.RULES, TriageSettings.RULES_FILE, TLP_MARKERS,
            TLP_MINIMUM, MQ_HOST, MQ_PORT, MQ_VHOST, MQ_USE_SSL, MQ_USER, MQ_PASS,
            MQ_USE_SSL_CA, MQ_USE_SSL_CERT, MQ_USE_SSL_KEY, MQ_USE_SSL_PASSPHRASE, MQ_USE_SSL_REJECT_UNAUTHORIZED, PREFETCH,
            CONCURRENCY, WORK_QUIET_PERIOD, PUSH_TIMEOUT, QUICK_RETRIES, QUICK_RETRY_BACKOFF, CIRCUIT_PROBE_INTERVAL,
            PING_INTERVAL, SHUTDOWN_GRACE,
            EXPAND_ATTACHMENTS, ARCHIVE_PASSWORDS, EXPAND_MIME_TYPES, EXPAND_MAX_DEPTH, EXPAND_MAX_MEMBERS,
            EXPAND_MAX_BYTES, EXPAND_MAX_RATIO);

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

    /** The samples' placeholder is a valid id to pycti; registering it would be a mistake. */
    static final ConfigRule CONNECTOR_ID_NOT_THE_PLACEHOLDER = config -> {
        String id = config.get(CONNECTOR_ID);
        if (id != null && id.startsWith("ChangeMe")) {
            return List.of(new ConfigProblem(CONNECTOR_ID.key(), config.sourceOf(CONNECTOR_ID),
                    "still the sample's placeholder: use a UUIDv4 of your own (uuidgen), or the Python connector's id"));
        }
        return List.of();
    };

    /** The push broker's TLS files, checked at start-up: a problem names the setting and what is wrong. */
    static final ConfigRule MQ_TLS_USABLE = config -> {
        try {
            pushBrokerTls(config);
            return List.of();
        } catch (PushBrokerTls.Problem p) {
            Setting<?> s = switch (p.setting()) {
                case "MQ_USE_SSL_CA" -> MQ_USE_SSL_CA;
                case "MQ_USE_SSL_KEY" -> MQ_USE_SSL_KEY;
                case "MQ_USE_SSL_PASSPHRASE" -> MQ_USE_SSL_PASSPHRASE;
                default -> MQ_USE_SSL_CERT;
            };
            return List.of(new ConfigProblem(s.key(), config.sourceOf(s), p.getMessage()));
        }
    };

    /** The TLS context for the platform's broker from pycti's MQ_USE_SSL_* settings, null when none is set. */
    static javax.net.ssl.SSLContext pushBrokerTls(io.emailintel.config.Config config) {
        return PushBrokerTls.context(config.get(MQ_USE_SSL_CA), config.get(MQ_USE_SSL_CERT), config.get(MQ_USE_SSL_KEY),
                config.get(MQ_USE_SSL_PASSPHRASE), config.get(MQ_USE_SSL_REJECT_UNAUTHORIZED),
                CommonSettings.tlsTrust(config));
    }

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
        return CommonSettings.schema("ingester", OWN, List.of(OPENCTI_NEEDS_ITS_SETTINGS, CONNECTOR_ID_NOT_THE_PLACEHOLDER,
                MQ_TLS_USABLE, TriageSettings.RULES_VALID, EXCLUSIONS_FILE_READABLE));
    }
}
