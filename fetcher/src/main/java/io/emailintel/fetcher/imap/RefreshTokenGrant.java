package io.emailintel.fetcher.imap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.emailintel.tls.TlsTrust;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * An access token from a refresh token (RFC 6749 §6; Google: developers.google.com/identity/protocols/oauth2/
 * web-server#offline): {@code POST} to the token endpoint, form-encoded {@code grant_type=refresh_token},
 * {@code refresh_token}, {@code client_id}, {@code client_secret} (confidential clients) and optionally
 * {@code scope}; the answer is JSON with {@code access_token} and {@code expires_in} (seconds). A new refresh
 * token in the answer (RFC 6749 §6 allows rotation) is used for the next exchange. The token is reused until a
 * minute before it expires.
 */
public final class RefreshTokenGrant implements ImapLogin.TokenSource {

    static final Duration REFRESH_BEFORE_EXPIRY = Duration.ofMinutes(1);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI tokenUrl;
    private final String clientId;
    private final String clientSecret;
    private final String scope;
    private final HttpClient http;
    private final Clock clock;
    private String refreshToken;
    private String token;
    private Instant expiresAt = Instant.MIN;

    public RefreshTokenGrant(URI tokenUrl, String clientId, String clientSecret, String refreshToken, String scope,
                             TlsTrust trust, Clock clock) {
        this.tokenUrl = tokenUrl;
        this.clientId = clientId;
        this.clientSecret = clientSecret;
        this.refreshToken = refreshToken;
        this.scope = scope;
        this.clock = clock;
        this.http = HttpClient.newBuilder().sslContext(trust.sslContext()).connectTimeout(Duration.ofSeconds(30))
                .build();
    }

    @Override
    public synchronized String token() throws IOException {
        if (token != null && clock.instant().isBefore(expiresAt.minus(REFRESH_BEFORE_EXPIRY))) {
            return token;
        }
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", "refresh_token");
        form.put("refresh_token", refreshToken);
        form.put("client_id", clientId);
        if (clientSecret != null) {
            form.put("client_secret", clientSecret);
        }
        if (scope != null) {
            form.put("scope", scope);
        }
        String body = form.entrySet().stream().map(e -> enc(e.getKey()) + "=" + enc(e.getValue()))
                .collect(Collectors.joining("&"));
        HttpRequest request = HttpRequest.newBuilder(tokenUrl).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while asking " + tokenUrl + " for an IMAP access token", e);
        }
        JsonNode answer;
        try {
            answer = JSON.readTree(response.body());
        } catch (IOException e) {
            answer = JSON.createObjectNode();
        }
        if (response.statusCode() != 200 || !answer.path("access_token").isTextual()) {
            // RFC 6749 §5.2: error and error_description name the problem (invalid_grant: revoked or expired)
            throw new ImapLoginException("the token endpoint " + tokenUrl + " refused the refresh token: HTTP "
                    + response.statusCode() + " " + answer.path("error").asText("") + " "
                    + answer.path("error_description").asText(""));
        }
        token = answer.get("access_token").asText();
        expiresAt = clock.instant().plusSeconds(answer.path("expires_in").asLong(3600));
        if (answer.path("refresh_token").isTextual()) {
            refreshToken = answer.get("refresh_token").asText();
        }
        return token;
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
