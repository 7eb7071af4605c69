package io.emailintel.fetcher;

import io.emailintel.config.CommonSettings;
import io.emailintel.config.Config;
import io.emailintel.config.ConfigProblem;
import io.emailintel.config.ConfigRule;
import io.emailintel.config.ConfigSchema;
import io.emailintel.config.ConfigSource;
import io.emailintel.config.Setting;
import io.emailintel.config.ValueTypes;
import io.emailintel.triage.TriageSettings;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** The fetcher's own settings: the Graph application, the mailbox, what to fetch, and where state lives. */
final class FetcherSettings {

    private FetcherSettings() {
    }

    static final Setting<String> TENANT_ID = Setting.builder("email_intel_microsoft.tenant_id", ValueTypes.STRING)
            .description("Azure AD (Entra ID) tenant id of the app registration. Required with FETCHER_SOURCE=graph.")
            .build();

    static final Setting<String> CLIENT_ID = Setting.builder("email_intel_microsoft.client_id", ValueTypes.STRING)
            .description("Application (client) id of the app registration, with the Mail.Read application "
                    + "permission. Required with FETCHER_SOURCE=graph.")
            .build();

    static final Setting<String> CLIENT_SECRET = Setting.builder("email_intel_microsoft.client_secret",
                    ValueTypes.STRING)
            .secret()
            .description("Client secret of the app registration. Set this or a client certificate, not both.")
            .build();

    static final Setting<Path> CLIENT_CERTIFICATE_PATH = Setting.builder(
                    "email_intel_microsoft.client_certificate_path", ValueTypes.PATH)
            .description("Client certificate (PEM with its private key, or PFX) instead of a client secret.")
            .build();

    static final Setting<String> CLIENT_CERTIFICATE_PASSWORD = Setting.builder(
                    "email_intel_microsoft.client_certificate_password", ValueTypes.STRING)
            .secret()
            .description("Password of a PFX client certificate, if it has one.")
            .build();

    static final Setting<String> EMAIL = Setting.builder("email_intel_microsoft.email", ValueTypes.STRING)
            .description("The mailbox to read (user principal name or address of the shared mailbox). "
                    + "Required with FETCHER_SOURCE=graph.")
            .build();

    static final Setting<String> INBOX = Setting.builder("email_intel_microsoft.inbox", ValueTypes.STRING)
            .alias("email_intel_microsoft.mailbox")
            .defaultValue("Inbox")
            .description("Folder to read: a well-known name (inbox, archive, …; any case) or a display-name "
                    + "path such as Inbox/CTI/Vendors.")
            .build();

    static final Setting<Duration> RELATIVE_IMPORT_START_DATE = Setting.builder(
                    "email_intel_microsoft.relative_import_start_date", ValueTypes.DURATION)
            .defaultValue("P30D")
            .check(d -> !d.isZero(), "a positive duration")
            .description("On the first run, import e-mails received within this period (ISO-8601, e.g. P30D).")
            .build();

    static final Setting<List<String>> ATTACHMENTS_MIME_TYPES = Setting.builder(
                    "email_intel_microsoft.attachments_mime_types", ValueTypes.STRING_LIST)
            .defaultValue("application/pdf,text/csv,text/plain")
            .description("Allow-list of attachment MIME types (case-insensitive, parameters ignored, "
                    + "wildcards such as image/* accepted).")
            .build();

    static final Setting<Long> ATTACHMENTS_MAX_BYTES = Setting.builder(
                    "email_intel_microsoft.attachments_max_bytes", ValueTypes.BYTES)
            .defaultValue("10MiB")
            .check(n -> n > 0, "a positive size")
            .description("Largest attachment carried; larger ones are recorded as skipped (too large).")
            .build();

    static final Setting<Long> ATTACHMENTS_MAX_TOTAL_BYTES = Setting.builder(
                    "email_intel_microsoft.attachments_max_total_bytes", ValueTypes.BYTES)
            .defaultValue("10MiB")
            .check(n -> n > 0 && n <= 48L * 1024 * 1024,
                    "a positive size of at most 48MiB (base64 adds a third; RabbitMQ 4 refuses messages over 16MiB "
                            + "by default)")
            .description("Total attachment bytes per e-mail; attachments past it are skipped (too large). "
                    + "Keeps each envelope well under the broker's maximum message size.")
            .build();

    static final Setting<Boolean> INCLUDE_INLINE_ATTACHMENTS = Setting.builder(
                    "email_intel_microsoft.include_inline_attachments", ValueTypes.BOOLEAN)
            .defaultValue("false")
            .description("Also carry inline attachments (images embedded in the HTML body).")
            .build();

    static final Setting<URI> GRAPH_BASE_URL = Setting.builder("email_intel_microsoft.graph_base_url",
                    ValueTypes.HTTP_URL)
            .defaultValue("https://graph.microsoft.com/v1.0")
            .description("Microsoft Graph endpoint; change it for national clouds "
                    + "(e.g. https://graph.microsoft.us/v1.0) or a test server.")
            .build();

    static final Setting<URI> AUTHORITY_HOST = Setting.builder("email_intel_microsoft.authority_host",
                    ValueTypes.HTTP_URL)
            .defaultValue("https://login.microsoftonline.com")
            .check(u -> "https".equalsIgnoreCase(u.getScheme()), "an https:// URL (azure-identity requires TLS)")
            .description("Entra ID authority; change it for national clouds "
                    + "(e.g. https://login.microsoftonline.us). A custom host disables instance discovery.")
            .build();

    static final Setting<Integer> PAGE_SIZE = Setting.builder("email_intel_microsoft.page_size",
                    ValueTypes.POSITIVE_INT)
            .defaultValue("100")
            .check(n -> n <= 1000, "at most 1000 (Graph's limit)")
            .description("Messages per Graph listing page; memory holds about three pages plus a bounded read-ahead.")
            .build();

    static final Setting<Duration> DURATION_PERIOD = Setting.builder("connector.duration_period",
                    ValueTypes.DURATION)
            .defaultValue("PT1H")
            .check(d -> d.toMillis() >= 1000, "at least one second")
            .description("Time between two fetch cycles.")
            .build();

    static final Setting<Path> STATE_DIR = Setting.builder("fetcher.state_dir", ValueTypes.PATH)
            .defaultValue("./state")
            .description("Directory of the cursor files (delta link, watermark), one per mailbox and folder.")
            .build();

    static final Setting<Integer> MAX_RETRIES = Setting.builder("email_intel_microsoft.max_retries",
                    ValueTypes.POSITIVE_INT)
            .defaultValue("6")
            .check(n -> n <= 20, "at most 20")
            .description("Retries of one Graph request answered 429, 503 or 504 (throttled), each after the "
                    + "Retry-After the answer asks for; then the cycle stops and the next one resumes where it stopped.")
            .build();

    static final Setting<Duration> MAX_RETRY_WAIT = Setting.builder("email_intel_microsoft.max_retry_wait",
                    ValueTypes.DURATION)
            .defaultValue("PT2M")
            .check(d -> !d.isNegative(), "a duration of zero or more")
            .description("Longest wait before one throttled Graph request is retried, whatever Retry-After says.")
            .build();

    static final Setting<Duration> SYNC_OVERLAP = Setting.builder("email_intel_microsoft.sync_overlap",
                    ValueTypes.DURATION)
            .defaultValue("PT10M")
            .check(d -> !d.isNegative(), "a duration of zero or more")
            .description("When the incremental (delta) sync starts or must restart (expired token), e-mails "
                    + "received this long before the last one fetched are looked at again; duplicates are suppressed.")
            .build();

    static final Setting<String> SYNC_MODE = Setting.builder("email_intel_microsoft.sync_mode",
                    ValueTypes.oneOf("auto", "delta", "watermark"))
            .defaultValue("auto")
            .description("How new mail is found after the backfill: delta (the delta query; also finds mail moved "
                    + "into the folder later with an old date), watermark (list by received time from the last one "
                    + "minus the sync overlap; misses such late-moved mail), or auto: watermark on the 21Vianet "
                    + "(China) Graph host microsoftgraph.chinacloudapi.cn, which has no message delta, delta elsewhere.")
            .build();

    static final Setting<Duration> CONFIRM_TIMEOUT = Setting.builder("fetcher.confirm_timeout",
                    ValueTypes.DURATION)
            .defaultValue("PT30S")
            .check(d -> d.toMillis() >= 100, "at least 100 milliseconds")
            .description("How long to wait for the broker's confirms of one page (and at shutdown); past it the "
                    + "cycle stops and the cursor stays before the unconfirmed e-mails.")
            .build();

    static final Setting<String> SOURCE = Setting.builder("fetcher.source", ValueTypes.oneOf("graph", "imap", "eml-dir"))
            .defaultValue("graph")
            .description("Where e-mails come from: graph (a Microsoft 365 mailbox), imap (a folder on any IMAP "
                    + "server, read-only: Microsoft 365, Gmail, Dovecot, …) or eml-dir (a directory of .eml and mbox "
                    + "files: backfilling an export, an air-gapped drop folder, the demo).")
            .build();

    static final Setting<Path> EML_DIR = Setting.builder("fetcher.eml_dir", ValueTypes.PATH)
            .description("The directory read with FETCHER_SOURCE=eml-dir (sub-directories included); each "
                    + "message is sent once, a changed file again.")
            .build();


    static final Setting<String> IMAP_HOST = Setting.builder("imap.host", ValueTypes.STRING)
            .description("IMAP server host name, e.g. outlook.office365.com or imap.gmail.com. Required with "
                    + "FETCHER_SOURCE=imap.")
            .build();

    static final Setting<String> IMAP_TLS = Setting.builder("imap.tls", ValueTypes.oneOf("implicit", "starttls"))
            .defaultValue("implicit")
            .description("implicit (TLS from the first byte, port 993) or starttls (plain connection upgraded by "
                    + "STARTTLS before login, port 143). Certificates and host names are always verified (a private "
                    + "CA: TLS_CA_FILE).")
            .build();

    static final Setting<Integer> IMAP_PORT = Setting.builder("imap.port", ValueTypes.PORT)
            .description("IMAP server port; unset: 993 with IMAP_TLS=implicit, 143 with starttls.")
            .build();

    static final Setting<String> IMAP_USER = Setting.builder("imap.user", ValueTypes.STRING)
            .description("Login name (usually the mailbox address). Required with FETCHER_SOURCE=imap.")
            .build();

    static final Setting<String> IMAP_AUTH = Setting.builder("imap.auth",
                    ValueTypes.oneOf("password", "xoauth2-client-credentials", "xoauth2-refresh-token"))
            .defaultValue("password")
            .description("How to log in: password (IMAP_PASSWORD), xoauth2-client-credentials (Microsoft 365 with "
                    + "the IMAP.AccessAsApp application permission; token from the EMAIL_INTEL_MICROSOFT_TENANT_ID/"
                    + "CLIENT_ID app and its secret or certificate) or xoauth2-refresh-token (Gmail and others: "
                    + "IMAP_OAUTH_CLIENT_ID, IMAP_OAUTH_CLIENT_SECRET and IMAP_OAUTH_REFRESH_TOKEN exchanged at "
                    + "IMAP_OAUTH_TOKEN_URL).")
            .build();

    static final Setting<String> IMAP_PASSWORD = Setting.builder("imap.password", ValueTypes.STRING)
            .secret()
            .description("Password (or app password) with IMAP_AUTH=password.")
            .build();

    static final Setting<String> IMAP_FOLDER = Setting.builder("imap.folder", ValueTypes.STRING)
            .defaultValue("INBOX")
            .description("Folder to read: INBOX (any case) or a path such as CTI/Vendors, with / between levels "
                    + "whatever separator the server uses. Opened read-only (EXAMINE).")
            .build();

    static final Setting<URI> IMAP_OAUTH_TOKEN_URL = Setting.builder("imap.oauth_token_url", ValueTypes.HTTP_URL)
            .defaultValue("https://oauth2.googleapis.com/token")
            .description("Token endpoint of IMAP_AUTH=xoauth2-refresh-token (POST grant_type=refresh_token); "
                    + "Google's by default.")
            .build();

    static final Setting<String> IMAP_OAUTH_CLIENT_ID = Setting.builder("imap.oauth_client_id", ValueTypes.STRING)
            .description("OAuth client id of IMAP_AUTH=xoauth2-refresh-token.")
            .build();

    static final Setting<String> IMAP_OAUTH_CLIENT_SECRET = Setting.builder("imap.oauth_client_secret",
                    ValueTypes.STRING)
            .secret()
            .description("OAuth client secret of IMAP_AUTH=xoauth2-refresh-token (omit it for public clients).")
            .build();

    static final Setting<String> IMAP_OAUTH_REFRESH_TOKEN = Setting.builder("imap.oauth_refresh_token",
                    ValueTypes.STRING)
            .secret()
            .description("Refresh token of IMAP_AUTH=xoauth2-refresh-token (Gmail: granted for the scope "
                    + "https://mail.google.com/).")
            .build();

    static final Setting<String> IMAP_OAUTH_SCOPE = Setting.builder("imap.oauth_scope", ValueTypes.STRING)
            .description("Scope asked for with the token; unset: https://outlook.office365.com/.default with "
                    + "xoauth2-client-credentials, none (the refresh token's own) with xoauth2-refresh-token.")
            .build();

    static final Setting<String> SOURCES = Setting.builder("fetcher.sources", SourceList.YAML_LIST)
            .redactWith(SourceList::summary)
            .description("Several sources in one fetcher: a sources: list under fetcher: in config.yml, each with a "
                    + "name (a-z, 0-9 and -, at most 32), a type (graph, imap or eml-dir) and that type's settings under "
                    + "their usual keys (see Several sources). Unset: the one source FETCHER_SOURCE chooses.")
            .build();

    static final List<Setting<?>> OWN = List.of(SOURCE, SOURCES, EML_DIR, IMAP_HOST, IMAP_TLS, IMAP_PORT, IMAP_USER, IMAP_AUTH,
            IMAP_PASSWORD, IMAP_FOLDER, IMAP_OAUTH_TOKEN_URL, IMAP_OAUTH_CLIENT_ID, IMAP_OAUTH_CLIENT_SECRET,
            IMAP_OAUTH_REFRESH_TOKEN, IMAP_OAUTH_SCOPE, TENANT_ID, CLIENT_ID, CLIENT_SECRET, CLIENT_CERTIFICATE_PATH,
            CLIENT_CERTIFICATE_PASSWORD, EMAIL, INBOX, RELATIVE_IMPORT_START_DATE, ATTACHMENTS_MIME_TYPES,
            ATTACHMENTS_MAX_BYTES, ATTACHMENTS_MAX_TOTAL_BYTES, INCLUDE_INLINE_ATTACHMENTS, GRAPH_BASE_URL,
            AUTHORITY_HOST, PAGE_SIZE, MAX_RETRIES, MAX_RETRY_WAIT, SYNC_MODE, SYNC_OVERLAP, DURATION_PERIOD, CONFIRM_TIMEOUT,
            STATE_DIR, TriageSettings.RULES, TriageSettings.RULES_FILE);

    /**
     * What each source of a {@link #SOURCES} list sets for itself, never taken from the top level: what it reads (the
     * mailbox, the IMAP account, the directory) and how it logs in there.
     */
    static final List<Setting<?>> PER_SOURCE = List.of(SOURCE, EML_DIR, IMAP_HOST, IMAP_PORT, IMAP_USER, IMAP_AUTH,
            IMAP_PASSWORD, IMAP_FOLDER, IMAP_OAUTH_REFRESH_TOKEN, EMAIL, INBOX);

    /**
     * What a source of the list may set and otherwise takes from the top level, each group as a whole: the app
     * registration (tenant, client id and its secret or certificate: a source that sets one of them sets its own
     * registration), the OAuth client of IMAP refresh tokens, and one setting each for the rest.
     */
    static final List<List<Setting<?>>> INHERITED = List.of(
            List.of(TENANT_ID, CLIENT_ID, CLIENT_SECRET, CLIENT_CERTIFICATE_PATH, CLIENT_CERTIFICATE_PASSWORD),
            List.of(IMAP_OAUTH_TOKEN_URL, IMAP_OAUTH_CLIENT_ID, IMAP_OAUTH_CLIENT_SECRET, IMAP_OAUTH_SCOPE),
            List.of(IMAP_TLS), List.of(RELATIVE_IMPORT_START_DATE), List.of(ATTACHMENTS_MIME_TYPES),
            List.of(ATTACHMENTS_MAX_BYTES), List.of(ATTACHMENTS_MAX_TOTAL_BYTES), List.of(INCLUDE_INLINE_ATTACHMENTS),
            List.of(GRAPH_BASE_URL), List.of(AUTHORITY_HOST), List.of(PAGE_SIZE), List.of(MAX_RETRIES),
            List.of(MAX_RETRY_WAIT), List.of(SYNC_MODE), List.of(SYNC_OVERLAP), List.of(DURATION_PERIOD),
            List.of(CONFIRM_TIMEOUT));

    /** The top level of a configuration with a sources list: its own source settings do not apply. */
    static boolean listsSources(Config config) {
        return config.get(SOURCES) != null && config.sectionName().isEmpty();
    }

    /** The sources this configuration runs: its list, or itself as the one classic source. */
    static List<Config> sources(Config config) {
        return config.sections().isEmpty() ? List.of(config) : List.copyOf(config.sections().values());
    }

    /**
     * The sources a command works on: {@code name} when given, else every one ({@code all}) or the only one.
     *
     * @throws IllegalArgumentException naming the configured sources when {@code name} is none of them, or when
     *                                  several are configured, none is named and the command needs one
     */
    static List<Config> select(Config config, String name, boolean all) {
        List<Config> sources = sources(config);
        List<String> names = sources.stream().map(FetcherSettings::sourceName).toList();
        if (name != null) {
            for (Config source : sources) {
                if (sourceName(source).equals(name)) {
                    return List.of(source);
                }
            }
            throw new IllegalArgumentException("--source " + name + ": no such source; configured: "
                    + String.join(", ", names));
        }
        if (sources.size() > 1 && !all) {
            throw new IllegalArgumentException(sources.size() + " sources are configured (" + String.join(", ", names)
                    + "): name one with --source");
        }
        return sources;
    }

    /** The source's name: from the list, or {@code default} for the one classic source. */
    static String sourceName(Config source) {
        return source.sectionName().orElse(io.emailintel.model.EnvelopeSource.DEFAULT_NAME);
    }

    /** With a sources list, a top-level mailbox, account or directory would be read by nobody: say so. */
    static final ConfigRule LIST_OR_CLASSIC = config -> {
        if (!listsSources(config)) {
            return List.of();
        }
        List<ConfigProblem> problems = new ArrayList<>();
        for (Setting<?> s : PER_SOURCE) {
            ConfigSource source = config.sourceOf(s);
            if (source.kind() != ConfigSource.Kind.DEFAULT && source.kind() != ConfigSource.Kind.UNSET) {
                problems.add(new ConfigProblem(s.key(), source, "FETCHER_SOURCES lists the sources, and this setting "
                        + "is not taken from the top level: set it in the source that needs it"));
            }
        }
        return problems;
    };

    /** Exactly one credential: a client secret or a client certificate. */
    static final ConfigRule ONE_CREDENTIAL = config -> {
        if (listsSources(config) || !isGraph(config) && !usesAzureApp(config)) {
            return List.of();
        }
        boolean secret = config.get(CLIENT_SECRET) != null;
        boolean cert = config.get(CLIENT_CERTIFICATE_PATH) != null;
        if (secret == cert) {
            String key = CLIENT_SECRET.key() + " / " + CLIENT_CERTIFICATE_PATH.key();
            ConfigSource source = secret ? config.sourceOf(CLIENT_CERTIFICATE_PATH) : ConfigSource.UNSET;
            return List.of(new ConfigProblem(key, source, secret
                    ? "both a client secret and a client certificate are set; set exactly one"
                    : "no credential: set EMAIL_INTEL_MICROSOFT_CLIENT_SECRET or "
                            + "EMAIL_INTEL_MICROSOFT_CLIENT_CERTIFICATE_PATH"));
        }
        return List.of();
    };

    /** The fetcher's schema: common settings, then its own. */
    static boolean isGraph(Config config) {
        return "graph".equals(config.get(SOURCE));
    }

    static boolean isImap(Config config) {
        return "imap".equals(config.get(SOURCE));
    }

    /** IMAP with a Microsoft 365 app token: the Graph path's app registration settings apply. */
    static boolean usesAzureApp(Config config) {
        return isImap(config) && "xoauth2-client-credentials".equals(config.get(IMAP_AUTH));
    }

    /** Each source needs its own settings: the Graph app and mailbox, the IMAP account, or the directory. */
    static final ConfigRule SOURCE_NEEDS_ITS_SETTINGS = config -> {
        if (listsSources(config)) {
            return List.of();
        }
        List<ConfigProblem> problems = new ArrayList<>();
        List<Setting<?>> needed = isGraph(config) ? List.of(TENANT_ID, CLIENT_ID, EMAIL)
                : isImap(config) ? imapNeeds(config) : List.of(EML_DIR);
        for (Setting<?> s : needed) {
            if (config.get(s) == null) {
                String why = (config.sectionName().isPresent() ? "type is " : "FETCHER_SOURCE is ") + config.get(SOURCE)
                        + (isImap(config) ? ", IMAP_AUTH is " + config.get(IMAP_AUTH) : "");
                problems.add(new ConfigProblem(s.key(), ConfigSource.UNSET, "required (" + why + "), expected "
                        + s.type().expected()));
            }
        }
        return problems;
    };

    private static List<Setting<?>> imapNeeds(Config config) {
        List<Setting<?>> needed = new ArrayList<>(List.of(IMAP_HOST, IMAP_USER));
        switch (config.get(IMAP_AUTH)) {
            case "password" -> needed.add(IMAP_PASSWORD);
            case "xoauth2-refresh-token" -> needed.addAll(List.of(IMAP_OAUTH_CLIENT_ID, IMAP_OAUTH_REFRESH_TOKEN));
            default -> needed.addAll(List.of(TENANT_ID, CLIENT_ID));
        }
        return needed;
    }

    static ConfigSchema schema() {
        return CommonSettings.schema("fetcher", OWN, List.of(LIST_OR_CLASSIC, SOURCE_NEEDS_ITS_SETTINGS, ONE_CREDENTIAL,
                TriageSettings.RULES_VALID)).withSections(new SourceList());
    }
}
