package io.emailintel.fetcher;

import com.azure.core.credential.TokenCredential;
import io.emailintel.config.CommonSettings;
import io.emailintel.config.Config;
import io.emailintel.fetcher.imap.ClientCredentialsTokens;
import io.emailintel.fetcher.imap.ImapAccount;
import io.emailintel.fetcher.imap.ImapCursorStore;
import io.emailintel.fetcher.imap.ImapLogin;
import io.emailintel.fetcher.imap.RefreshTokenGrant;
import io.emailintel.fetcher.eml.EmlCursorStore;
import io.emailintel.fetcher.graph.AttachmentPolicy;
import io.emailintel.fetcher.graph.GraphClients;
import io.emailintel.fetcher.graph.GraphMailbox;
import io.emailintel.fetcher.graph.Sleeper;
import io.emailintel.fetcher.graph.SyncMode;
import io.emailintel.fetcher.state.CursorStore;
import io.emailintel.fetcher.triage.ListingFilter;
import io.emailintel.triage.TriageSettings;
import java.time.Clock;

/** Builds the fetcher's parts from the configuration. */
final class FetcherRuntime {

    private FetcherRuntime() {
    }

    static TokenCredential credential(Config config) {
        String tenant = config.get(FetcherSettings.TENANT_ID);
        String client = config.get(FetcherSettings.CLIENT_ID);
        String secret = config.get(FetcherSettings.CLIENT_SECRET);
        if (secret != null) {
            return GraphClients.secretCredential(tenant, client, secret, config.get(FetcherSettings.AUTHORITY_HOST));
        }
        return GraphClients.certificateCredential(tenant, client, config.get(FetcherSettings.CLIENT_CERTIFICATE_PATH),
                config.get(FetcherSettings.CLIENT_CERTIFICATE_PASSWORD), config.get(FetcherSettings.AUTHORITY_HOST));
    }

    static GraphMailbox mailbox(Config config, TokenCredential credential, Sleeper sleeper, Clock clock,
                                FetcherMetrics metrics) {
        var graph = GraphClients.client(config.get(FetcherSettings.GRAPH_BASE_URL), credential,
                config.get(FetcherSettings.MAX_RETRIES), config.get(FetcherSettings.MAX_RETRY_WAIT), sleeper, clock,
                metrics::graphResponse, config.get(FetcherSettings.STATE_DIR), config.get(FetcherSettings.EMAIL));
        int pageSize = config.get(FetcherSettings.PAGE_SIZE);
        return new GraphMailbox(graph, config.get(FetcherSettings.GRAPH_BASE_URL).toString(),
                config.get(FetcherSettings.EMAIL), config.get(FetcherSettings.INBOX), pageSize,
                Math.max(pageSize, GraphMailbox.MIN_DELTA_PAGE_SIZE), attachmentPolicy(config), clock,
                SyncMode.of(config.get(FetcherSettings.SYNC_MODE), config.get(FetcherSettings.GRAPH_BASE_URL)),
                config.get(FetcherSettings.SYNC_OVERLAP), listingFilter(config, metrics));
    }

    /** The triage rules' skip filter of the source, counting into {@code emailintel_emails_filtered_total{rule}}. */
    static ListingFilter listingFilter(Config config, FetcherMetrics metrics) {
        return new ListingFilter(TriageSettings.rules(config), metrics::filtered, FetcherSettings.sourceName(config));
    }

    /** How a source's cursor file name starts: {@code name--} for a listed source, nothing for the classic one. */
    static String statePrefix(Config config) {
        return config.sectionName().map(name -> name + "--").orElse("");
    }

    static AttachmentPolicy attachmentPolicy(Config config) {
        return new AttachmentPolicy(config.get(FetcherSettings.ATTACHMENTS_MIME_TYPES),
                config.get(FetcherSettings.ATTACHMENTS_MAX_BYTES), config.get(FetcherSettings.ATTACHMENTS_MAX_TOTAL_BYTES),
                config.get(FetcherSettings.INCLUDE_INLINE_ATTACHMENTS));
    }

    static EmlCursorStore emlCursorStore(Config config) {
        return new EmlCursorStore(config.get(FetcherSettings.STATE_DIR), statePrefix(config),
                config.get(FetcherSettings.EML_DIR));
    }

    static CursorStore cursorStore(Config config) {
        return new CursorStore(config.get(FetcherSettings.STATE_DIR), statePrefix(config),
                config.get(FetcherSettings.EMAIL), config.get(FetcherSettings.INBOX));
    }

    /** The IMAP account: server, TLS, login (a password or an XOAUTH2 token source) and folder. */
    static ImapAccount imapAccount(Config config, Clock clock) {
        ImapAccount.Tls tls = ImapAccount.Tls.of(config.get(FetcherSettings.IMAP_TLS));
        Integer port = config.get(FetcherSettings.IMAP_PORT);
        String scope = config.get(FetcherSettings.IMAP_OAUTH_SCOPE);
        ImapLogin login = switch (config.get(FetcherSettings.IMAP_AUTH)) {
            case "xoauth2-client-credentials" -> new ImapLogin.OAuth(new ClientCredentialsTokens(credential(config),
                    scope));
            case "xoauth2-refresh-token" -> new ImapLogin.OAuth(new RefreshTokenGrant(
                    config.get(FetcherSettings.IMAP_OAUTH_TOKEN_URL), config.get(FetcherSettings.IMAP_OAUTH_CLIENT_ID),
                    config.get(FetcherSettings.IMAP_OAUTH_CLIENT_SECRET),
                    config.get(FetcherSettings.IMAP_OAUTH_REFRESH_TOKEN), scope, CommonSettings.tlsTrust(config),
                    clock));
            default -> new ImapLogin.Password(config.get(FetcherSettings.IMAP_PASSWORD));
        };
        return new ImapAccount(config.get(FetcherSettings.IMAP_HOST), port == null ? tls.defaultPort() : port, tls,
                config.get(FetcherSettings.IMAP_USER), login, config.get(FetcherSettings.IMAP_FOLDER),
                CommonSettings.tlsTrust(config), null);
    }

    static ImapCursorStore imapCursorStore(Config config) {
        ImapAccount.Tls tls = ImapAccount.Tls.of(config.get(FetcherSettings.IMAP_TLS));
        Integer port = config.get(FetcherSettings.IMAP_PORT);
        ImapAccount account = new ImapAccount(config.get(FetcherSettings.IMAP_HOST),
                port == null ? tls.defaultPort() : port, tls, config.get(FetcherSettings.IMAP_USER),
                new ImapLogin.Password(""), config.get(FetcherSettings.IMAP_FOLDER), CommonSettings.tlsTrust(config),
                null);
        return new ImapCursorStore(config.get(FetcherSettings.STATE_DIR), statePrefix(config), account.mailbox(),
                account.folder());
    }
}
