package io.emailintel.fetcher.graph;

import com.azure.core.credential.TokenCredential;
import com.azure.identity.ClientCertificateCredentialBuilder;
import com.azure.identity.ClientSecretCredentialBuilder;
import com.microsoft.graph.core.authentication.AzureIdentityAuthenticationProvider;
import com.microsoft.graph.core.requests.BaseGraphRequestAdapter;
import com.microsoft.graph.core.requests.GraphClientFactory;
import com.microsoft.graph.serviceclient.GraphServiceClient;
import com.microsoft.kiota.RequestOption;
import com.microsoft.kiota.http.middleware.options.RetryHandlerOption;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.IntConsumer;
import okhttp3.Interceptor;
import okhttp3.OkHttpClient;

/** Builds the Graph SDK client: credential, allowed hosts, base URL and throttling. */
public final class GraphClients {

    static final String DEFAULT_AUTHORITY_HOST = "login.microsoftonline.com";

    /** Requests a client sends Graph at once, at most (Outlook allows 4 per app and mailbox). */
    public static final int MAX_CONCURRENT_REQUESTS = ThrottleInterceptor.MAX_CONCURRENT;

    private GraphClients() {
    }

    /** A client-secret credential. A non-default authority host disables instance discovery. */
    public static TokenCredential secretCredential(String tenantId, String clientId, String secret, URI authority) {
        ClientSecretCredentialBuilder b = new ClientSecretCredentialBuilder()
                .tenantId(tenantId).clientId(clientId).clientSecret(secret)
                .authorityHost(authority.toString());
        if (!isDefaultAuthority(authority)) {
            b.disableInstanceDiscovery();
        }
        return b.build();
    }

    /** A client-certificate credential: PFX (.pfx, .p12) or PEM (certificate and private key) by extension. */
    public static TokenCredential certificateCredential(String tenantId, String clientId, Path certificate,
                                                        String password, URI authority) {
        ClientCertificateCredentialBuilder b = new ClientCertificateCredentialBuilder()
                .tenantId(tenantId).clientId(clientId).authorityHost(authority.toString());
        String name = certificate.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".pfx") || name.endsWith(".p12")) {
            b.pfxCertificate(certificate.toString());
            if (password != null) {
                b.clientCertificatePassword(password);
            }
        } else {
            b.pemCertificate(certificate.toString());
        }
        if (!isDefaultAuthority(authority)) {
            b.disableInstanceDiscovery();
        }
        return b.build();
    }

    static boolean isDefaultAuthority(URI authority) {
        return DEFAULT_AUTHORITY_HOST.equalsIgnoreCase(authority.getHost());
    }

    /** A Graph client for {@code baseUrl}, its request budget this process's only. */
    public static GraphServiceClient client(URI baseUrl, TokenCredential credential, int maxRetries,
                                            Duration maxRetryWait, Sleeper sleeper, Clock clock) {
        return client(baseUrl, credential, maxRetries, maxRetryWait, sleeper, clock, status -> { });
    }

    /** As above, reporting every HTTP status Graph answers (for metrics). */
    public static GraphServiceClient client(URI baseUrl, TokenCredential credential, int maxRetries,
                                            Duration maxRetryWait, Sleeper sleeper, Clock clock,
                                            IntConsumer statuses) {
        return client(baseUrl, credential, maxRetries, maxRetryWait, sleeper, clock, statuses, null, null);
    }

    /**
     * As above, with the concurrent-request budget of {@code mailbox} shared through {@code slotDirectory} (the
     * state directory) with every other process using it, e.g. a {@code resync} beside the running fetcher.
     */
    public static GraphServiceClient client(URI baseUrl, TokenCredential credential, int maxRetries,
                                            Duration maxRetryWait, Sleeper sleeper, Clock clock,
                                            IntConsumer statuses, Path slotDirectory, String mailbox) {
        RequestSlots slots = new RequestSlots(MAX_CONCURRENT_REQUESTS, slotDirectory, mailbox);
        OkHttpClient http = httpClient(new ThrottleInterceptor(slots, maxRetries, maxRetryWait, sleeper, clock,
                statuses));
        return client(baseUrl, credential, clock, http);
    }

    /**
     * The OkHttp client: Graph's default interceptors with Kiota's RetryHandler off (ThrottleInterceptor does it
     * with Retry-After dates and an injected sleeper), and no call timeout. Kiota's {@code KiotaClientFactory}
     * (microsoft-kiota-http-okHttp 1.9.x, which graph-core's {@code GraphClientFactory.create} starts from) sets
     * connect, read and <em>call</em> timeouts of 100 s; the call timeout spans everything an interceptor does
     * inside that call, back-offs included, so a {@code Retry-After: 105} (or 503 back-offs adding up past 100 s)
     * ended in {@code InterruptedIOException: timeout}. Connect and read timeouts stay: they bound each attempt.
     */
    static OkHttpClient httpClient(ThrottleInterceptor throttle) {
        RetryHandlerOption noRetry = new RetryHandlerOption((delay, count, request, response) -> false, 0, 0);
        List<Interceptor> interceptors = new ArrayList<>(List.of(
                GraphClientFactory.createDefaultGraphInterceptors(new RequestOption[] {noRetry})));
        interceptors.add(throttle);
        return GraphClientFactory.create(interceptors).callTimeout(Duration.ZERO).build();
    }

    /**
     * A Graph client for {@code baseUrl} over {@code http}. The SDK sends the bearer token only to allowed hosts, so
     * the host of the configured base URL is the one allowed host, and the token's scope is that host's
     * {@code /.default}.
     */
    static GraphServiceClient client(URI baseUrl, TokenCredential credential, Clock clock, OkHttpClient http) {
        String base = baseUrl.toString().replaceAll("/+$", "");
        String scope = baseUrl.getScheme() + "://" + baseUrl.getAuthority() + "/.default";
        AzureIdentityAuthenticationProvider auth = new AzureIdentityAuthenticationProvider(
                new CachedCredential(credential, clock),
                new String[] {baseUrl.getHost()}, scope);
        BaseGraphRequestAdapter adapter = new BaseGraphRequestAdapter(auth, base, http);
        adapter.setBaseUrl(base);
        GraphServiceClient client = new GraphServiceClient(adapter);
        client.getRequestAdapter().setBaseUrl(base);
        return client;
    }
}
