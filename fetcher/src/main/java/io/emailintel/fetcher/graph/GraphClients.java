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

    /**
     * A Graph client for {@code baseUrl}. The SDK sends the bearer token only to allowed hosts, so the host of
     * the configured base URL is the one allowed host, and the token's scope is that host's {@code /.default}.
     */
    public static GraphServiceClient client(URI baseUrl, TokenCredential credential, int maxRetries,
                                            Duration maxRetryWait, Sleeper sleeper, Clock clock) {
        return client(baseUrl, credential, maxRetries, maxRetryWait, sleeper, clock, status -> { });
    }

    /** As above, reporting every HTTP status Graph answers (for metrics). */
    public static GraphServiceClient client(URI baseUrl, TokenCredential credential, int maxRetries,
                                            Duration maxRetryWait, Sleeper sleeper, Clock clock,
                                            IntConsumer statuses) {
        String base = baseUrl.toString().replaceAll("/+$", "");
        String scope = baseUrl.getScheme() + "://" + baseUrl.getAuthority() + "/.default";
        AzureIdentityAuthenticationProvider auth = new AzureIdentityAuthenticationProvider(
                new CachedCredential(credential, clock),
                new String[] {baseUrl.getHost()}, scope);
        // Kiota's RetryHandler off: ThrottleInterceptor does it with Retry-After dates and an injected sleeper
        RetryHandlerOption noRetry = new RetryHandlerOption((delay, count, request, response) -> false, 0, 0);
        List<Interceptor> interceptors = new ArrayList<>(List.of(
                GraphClientFactory.createDefaultGraphInterceptors(new RequestOption[] {noRetry})));
        interceptors.add(new ThrottleInterceptor(maxRetries, maxRetryWait, sleeper, clock, statuses));
        OkHttpClient http = GraphClientFactory.create(interceptors).build();
        BaseGraphRequestAdapter adapter = new BaseGraphRequestAdapter(auth, base, http);
        adapter.setBaseUrl(base);
        GraphServiceClient client = new GraphServiceClient(adapter);
        client.getRequestAdapter().setBaseUrl(base);
        return client;
    }
}
