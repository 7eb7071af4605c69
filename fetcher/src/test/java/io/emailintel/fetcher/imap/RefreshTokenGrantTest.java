package io.emailintel.fetcher.imap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.emailintel.tls.TlsTrust;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class RefreshTokenGrantTest {

    /** A clock the test moves. */
    private static final class Now extends Clock {
        Instant now = Instant.parse("2026-12-01T10:00:00Z");

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

    @Test
    void theTokenIsReusedUntilAMinuteBeforeItExpiresThenExchangedAgain() throws Exception {
        Now clock = new Now();
        try (FakeTokenEndpoint endpoint = new FakeTokenEndpoint("id", "secret", "refresh", "access-1")) {
            RefreshTokenGrant grant = new RefreshTokenGrant(endpoint.url(), "id", "secret", "refresh", null,
                    TlsTrust.jvm(), clock);
            assertThat(grant.token()).isEqualTo("access-1");
            clock.now = clock.now.plus(Duration.ofMinutes(57));
            assertThat(grant.token()).isEqualTo("access-1");
            assertThat(endpoint.grants()).isEqualTo(1);
            clock.now = clock.now.plus(Duration.ofMinutes(2)); // 3599 s minus a minute have passed
            assertThat(grant.token()).isEqualTo("access-1");
            assertThat(endpoint.grants()).isEqualTo(2);
        }
    }

    @Test
    void aRevokedRefreshTokenIsALoginFailureWithTheEndpointsReasonAndNoSecret() throws Exception {
        try (FakeTokenEndpoint endpoint = new FakeTokenEndpoint("id", "secret", "refresh", "access-1")) {
            RefreshTokenGrant grant = new RefreshTokenGrant(endpoint.url(), "id", "secret", "revoked-refresh", null,
                    TlsTrust.jvm(), Clock.systemUTC());
            assertThatThrownBy(grant::token).isInstanceOf(ImapLoginException.class)
                    .hasMessageContaining("HTTP 400 invalid_grant Token has been expired or revoked.")
                    .hasMessageNotContaining("revoked-refresh").hasMessageNotContaining("secret");
        }
    }

    @Test
    void wrongClientCredentialsAreALoginFailure() throws Exception {
        try (FakeTokenEndpoint endpoint = new FakeTokenEndpoint("id", "secret", "refresh", "access-1")) {
            RefreshTokenGrant grant = new RefreshTokenGrant(endpoint.url(), "id", "wrong", "refresh", null,
                    TlsTrust.jvm(), Clock.systemUTC());
            assertThatThrownBy(grant::token).isInstanceOf(ImapLoginException.class)
                    .hasMessageContaining("HTTP 401 invalid_client");
        }
    }
}
