package io.emailintel.fetcher.imap;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An OAuth 2 token endpoint for the refresh-token grant as Google's behaves (RFC 6749 §6 and §5.2;
 * developers.google.com/identity/protocols/oauth2/web-server#offline): a form-encoded POST with
 * {@code grant_type=refresh_token}, {@code refresh_token}, {@code client_id}, {@code client_secret}; 200 with
 * {@code access_token}, {@code expires_in} (3599) and {@code token_type Bearer}, or 400 {@code invalid_grant}
 * ("Token has been expired or revoked.") for an unknown refresh token and 401 {@code invalid_client} for wrong
 * client credentials.
 */
final class FakeTokenEndpoint implements AutoCloseable {

    private final HttpServer server;
    private final AtomicInteger grants = new AtomicInteger();

    FakeTokenEndpoint(String clientId, String clientSecret, String refreshToken, String accessToken)
            throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/token", exchange -> {
            Map<String, String> form = new HashMap<>();
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            for (String pair : body.split("&")) {
                int eq = pair.indexOf('=');
                if (eq > 0) {
                    form.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                            URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
                }
            }
            int status;
            String answer;
            boolean form_ok = "POST".equals(exchange.getRequestMethod()) && String.valueOf(
                    exchange.getRequestHeaders().getFirst("Content-Type")).startsWith("application/x-www-form-urlencoded");
            if (!form_ok || !"refresh_token".equals(form.get("grant_type"))) {
                status = 400;
                answer = "{\"error\":\"unsupported_grant_type\",\"error_description\":\"Invalid grant_type\"}";
            } else if (!clientId.equals(form.get("client_id")) || !clientSecret.equals(form.get("client_secret"))) {
                status = 401;
                answer = "{\"error\":\"invalid_client\",\"error_description\":\"Unauthorized\"}";
            } else if (!refreshToken.equals(form.get("refresh_token"))) {
                status = 400;
                answer = "{\"error\":\"invalid_grant\",\"error_description\":\"Token has been expired or revoked.\"}";
            } else {
                grants.incrementAndGet();
                status = 200;
                answer = "{\"access_token\":\"" + accessToken + "\",\"expires_in\":3599,\"scope\":"
                        + "\"https://mail.google.com/\",\"token_type\":\"Bearer\"}";
            }
            byte[] bytes = answer.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
            exchange.sendResponseHeaders(status, bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        });
        server.start();
    }

    URI url() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/token");
    }

    /** Access tokens handed out. */
    int grants() {
        return grants.get();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
