package io.emailintel.fetcher.graph;

import static org.assertj.core.api.Assertions.assertThat;

import com.azure.core.credential.AccessToken;
import com.azure.core.credential.TokenCredential;
import com.azure.core.credential.TokenRequestContext;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

class CachedCredentialTest {

    private static final Instant NOW = Instant.parse("2026-11-28T10:00:00Z");
    private final AtomicInteger issued = new AtomicInteger();
    /** An identity provider issuing one-hour tokens, numbered. */
    private final TokenCredential provider = request -> Mono.fromCallable(() -> new AccessToken(
            "token-" + issued.incrementAndGet(), NOW.plus(Duration.ofHours(1)).atOffset(ZoneOffset.UTC)));

    private static Clock at(Instant t) {
        return Clock.fixed(t, ZoneOffset.UTC);
    }

    private static TokenRequestContext graph() {
        return new TokenRequestContext().addScopes("https://graph.microsoft.com/.default");
    }

    @Test
    void aTokenIsReusedUntilShortlyBeforeItExpires() {
        MutableClock clock = new MutableClock(NOW);
        CachedCredential credential = new CachedCredential(provider, clock);

        assertThat(credential.getTokenSync(graph()).getToken()).isEqualTo("token-1");
        clock.now = NOW.plus(Duration.ofMinutes(54));
        assertThat(credential.getTokenSync(graph()).getToken()).isEqualTo("token-1");
        assertThat(credential.getToken(graph()).block().getToken()).isEqualTo("token-1");
        clock.now = NOW.plus(Duration.ofMinutes(55));
        assertThat(credential.getTokenSync(graph()).getToken()).isEqualTo("token-2");
        assertThat(issued).hasValue(2);
    }

    @Test
    void anotherScopeGoesToTheProvider() {
        CachedCredential credential = new CachedCredential(provider, at(NOW));
        credential.getTokenSync(graph());

        assertThat(credential.getTokenSync(new TokenRequestContext().addScopes("https://graph.microsoft.us/.default"))
                .getToken()).isEqualTo("token-2");
        assertThat(issued).hasValue(2);
    }

    /**
     * CAE: a claims challenge means the cached token was revoked. The token obtained for the challenge goes to the
     * provider and is then used by every later request, which carries no claims; going back to the revoked token
     * would earn the same 401 challenge on every request.
     */
    @Test
    void aTokenObtainedForAClaimsChallengeIsCachedLikeAnyOther() {
        CachedCredential credential = new CachedCredential(provider, at(NOW));
        assertThat(credential.getTokenSync(graph()).getToken()).isEqualTo("token-1");

        TokenRequestContext challenge = graph().setClaims("{\"access_token\":{\"nbf\":{\"essential\":true,"
                + "\"value\":\"1764324000\"}}}").setCaeEnabled(true);
        assertThat(credential.getTokenSync(challenge).getToken()).isEqualTo("token-2");

        assertThat(credential.getTokenSync(graph()).getToken()).isEqualTo("token-2");
        assertThat(credential.getToken(graph()).block().getToken()).isEqualTo("token-2");
        assertThat(issued).hasValue(2);
    }

    private static final class MutableClock extends Clock {
        Instant now;

        MutableClock(Instant now) {
            this.now = now;
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
