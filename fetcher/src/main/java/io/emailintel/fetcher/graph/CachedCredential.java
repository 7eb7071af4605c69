package io.emailintel.fetcher.graph;

import com.azure.core.credential.AccessToken;
import com.azure.core.credential.TokenCredential;
import com.azure.core.credential.TokenRequestContext;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import reactor.core.publisher.Mono;

/**
 * Reuses an access token until shortly before it expires. The Graph SDK asks its credential for a token on every
 * request and relies on MSAL's cache; with a custom authority host (national clouds, test servers: instance
 * discovery disabled) that cache misses every time ("Token not found in the cache") and each Graph request cost a
 * token round trip. Azure SDK clients avoid this with azure-core's {@code AccessTokenCache} in their pipeline;
 * Kiota's provider has none, so this is it.
 *
 * <p>Continuous access evaluation: after a 401 with a claims challenge, Kiota's
 * {@code AzureIdentityAccessTokenProvider} asks again with the decoded claims in
 * {@link TokenRequestContext#getClaims()} (and CAE enabled). Such a request always goes to the credential, and the
 * token it brings back replaces the cached one: the old token was just revoked, and every later request (which
 * carries no claims) must use the new one rather than fail with the same challenge (azure-core's
 * {@code AccessTokenCache} does the same; learn.microsoft.com/entra/identity-platform/app-resilience-continuous-access-evaluation).
 */
final class CachedCredential implements TokenCredential {

    /** Refresh this long before expiry (azure-core's AccessTokenCache uses the same margin). */
    static final Duration REFRESH_BEFORE_EXPIRY = Duration.ofMinutes(5);

    private final TokenCredential credential;
    private final Clock clock;
    private AccessToken token;
    private List<String> scopes;
    private String tenant;

    CachedCredential(TokenCredential credential, Clock clock) {
        this.credential = credential;
        this.clock = clock;
    }

    @Override
    public Mono<AccessToken> getToken(TokenRequestContext request) {
        return Mono.fromCallable(() -> getTokenSync(request));
    }

    @Override
    public synchronized AccessToken getTokenSync(TokenRequestContext request) {
        if (request.getClaims() == null && token != null && Objects.equals(scopes, request.getScopes())
                && Objects.equals(tenant, request.getTenantId())
                && clock.instant().isBefore(token.getExpiresAt().toInstant().minus(REFRESH_BEFORE_EXPIRY))) {
            return token;
        }
        AccessToken fresh = credential.getTokenSync(request);
        if (fresh != null) {
            token = fresh;
            scopes = List.copyOf(request.getScopes());
            tenant = request.getTenantId();
        }
        return fresh;
    }
}
