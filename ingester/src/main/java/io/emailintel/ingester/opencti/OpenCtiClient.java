package io.emailintel.ingester.opencti;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.emailintel.tls.TlsTrust;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The OpenCTI GraphQL operations a connector needs, as pycti sends them. Every failure is an
 * {@link OpenCtiException} classified once, here: HTTP 200 with {@code errors} is a failure too.
 */
public final class OpenCtiClient implements WorkApi {

    /** GraphQL error codes that say "not now" rather than "never": the platform or our access is the problem. */
    private static final Set<String> TRANSIENT_CODES = Set.of("DATABASE_ERROR", "LOCK_ERROR", "TIMEOUT",
            "AUTH_REQUIRED", "AUTH_FAILURE", "FORBIDDEN_ACCESS", "INTERNAL_SERVER_ERROR", "UNKNOWN_ERROR",
            "ENGINE_ERROR", "UNSUPPORTED_ERROR_TYPE");

    private static final ObjectMapper JSON = JsonMapper.builder().build();
    private static final Logger log = LoggerFactory.getLogger(OpenCtiClient.class);

    private final URI endpoint;
    private final String token;
    private final Duration timeout;
    private final HttpClient http;

    /** A client that verifies OpenCTI's certificate (if {@code sslVerify}) against the JVM's trust store. */
    public OpenCtiClient(URI url, String token, boolean sslVerify, Duration timeout) {
        this(url, token, sslVerify, TlsTrust.jvm(), timeout);
    }

    /**
     * A client that verifies OpenCTI's certificate and host name against {@code trust}, or, with
     * {@code sslVerify} false (pycti's {@code ssl_verify}), accepts any certificate and says so in the log.
     */
    public OpenCtiClient(URI url, String token, boolean sslVerify, TlsTrust trust, Duration timeout) {
        String base = url.toString().replaceAll("/+$", "");
        this.endpoint = URI.create(base + "/graphql");
        this.token = token;
        this.timeout = timeout;
        HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(timeout);
        if (sslVerify) {
            b.sslContext(trust.sslContext());
        } else {
            if ("https".equalsIgnoreCase(url.getScheme())) {
                log.warn("OPENCTI_SSL_VERIFY=false: the certificate of {} is NOT verified; anyone on the network "
                        + "path can pose as OpenCTI and read the token. Trust its CA with TLS_CA_FILE instead.", base);
            }
            b.sslContext(trustAll());
        }
        this.http = b.build();
    }

    /** {@code about { version }}: the health query. */
    public String version() throws OpenCtiException {
        return call("query { about { version } }", JSON.createObjectNode()).path("about").path("version").asText();
    }

    public Registration register(String connectorId, String name, List<String> scope) throws OpenCtiException {
        ObjectNode input = JSON.createObjectNode();
        input.put("id", connectorId);
        input.put("name", name);
        input.put("type", "EXTERNAL_IMPORT");
        scope.forEach(input.putArray("scope")::add);
        input.put("auto", false);
        input.put("only_contextual", false);
        input.put("playbook_compatible", false);
        ObjectNode vars = JSON.createObjectNode();
        vars.set("input", input);
        JsonNode r = call("mutation RegisterConnector($input: RegisterConnectorInput) { registerConnector(input: $input) "
                + "{ id connector_state connector_user_id config { connection { host vhost use_ssl port user pass } "
                + "listen listen_routing listen_exchange push push_routing push_exchange } } }", vars)
                .path("registerConnector");
        JsonNode config = r.path("config");
        JsonNode c = config.path("connection");
        if (config.path("push_exchange").asText().isEmpty()) {
            throw OpenCtiException.rejected("opencti-registration", "registerConnector returned no push exchange");
        }
        return new Registration(r.path("connector_user_id").asText(null), config.path("push_exchange").asText(),
                config.path("push_routing").asText(), new Registration.PushBroker(c.path("host").asText(),
                c.path("port").asInt(5672), c.path("vhost").asText("/"), c.path("use_ssl").asBoolean(false),
                c.path("user").asText(), c.path("pass").asText()));
    }

    @Override
    public String workAdd(String connectorId, String friendlyName) throws OpenCtiException {
        ObjectNode vars = JSON.createObjectNode().put("connectorId", connectorId).put("friendlyName", friendlyName);
        return call("mutation workAdd($connectorId: String!, $friendlyName: String) { workAdd(connectorId: "
                + "$connectorId, friendlyName: $friendlyName) { id } }", vars).path("workAdd").path("id").asText();
    }

    /** {@code isWorkAlive(id: ID!): Boolean} (opencti.graphql; pycti's {@code get_is_work_alive}). */
    @Override
    public boolean isWorkAlive(String workId) throws OpenCtiException {
        ObjectNode vars = JSON.createObjectNode().put("id", workId);
        return call("query WorkAliveQuery($id: ID!) { isWorkAlive(id: $id) }", vars).path("isWorkAlive")
                .asBoolean(false);
    }

    @Override
    public void toProcessed(String workId, String message, boolean inError) throws OpenCtiException {
        ObjectNode vars = JSON.createObjectNode().put("id", workId).put("message", message).put("inError", inError);
        call("mutation workToProcessed($id: ID!, $message: String, $inError: Boolean) { workEdit(id: $id) "
                + "{ toProcessed(message: $message, inError: $inError) } }", vars);
    }

    public void ping(String connectorId, String state) throws OpenCtiException {
        ObjectNode vars = JSON.createObjectNode().put("id", connectorId).put("state", state);
        call("mutation PingConnector($id: ID!, $state: String) { pingConnector(id: $id, state: $state) "
                + "{ id connector_state } }", vars);
    }

    /** Bytes waiting in the platform's queue for this connector (pycti's back-pressure signal). */
    public long queueBytes(String connectorId) throws OpenCtiException {
        ObjectNode vars = JSON.createObjectNode().put("id", connectorId);
        return call("query GetConnector($id: String!) { connector(id: $id) { id connector_queue_details "
                + "{ messages_number messages_size } } }", vars)
                .path("connector").path("connector_queue_details").path("messages_size").asLong(0);
    }

    /** The "api" protocol: the whole bundle in one mutation. */
    public void bundlePush(String connectorId, String workId, String bundle) throws OpenCtiException {
        ObjectNode vars = JSON.createObjectNode().put("connectorId", connectorId).put("bundle", bundle)
                .put("work_id", workId);
        call("mutation stixBundlePush($connectorId: String!, $bundle: String!, $work_id: String) { "
                + "stixBundlePush(connectorId: $connectorId, bundle: $bundle, work_id: $work_id) }", vars);
    }

    JsonNode call(String query, ObjectNode variables) throws OpenCtiException {
        ObjectNode body = JSON.createObjectNode().put("query", query);
        body.set("variables", variables);
        HttpRequest request;
        try {
            request = HttpRequest.newBuilder(endpoint)
                    .timeout(timeout)
                    .header("Authorization", "Bearer " + token)
                    .header("Content-Type", "application/json")
                    .header("Accept", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body)))
                    .build();
        } catch (IOException e) {
            throw OpenCtiException.rejected("opencti-request", "cannot write the GraphQL request: " + e.getMessage());
        }
        HttpResponse<byte[]> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        } catch (HttpTimeoutException e) {
            throw OpenCtiException.unavailable("opencti-timeout", "OpenCTI did not answer within " + timeout, e);
        } catch (IOException e) {
            Optional<SSLException> tls = TlsTrust.tlsFailure(e);
            if (tls.isPresent()) {
                OpenCtiException refused = OpenCtiException.unavailable("opencti-tls", "TLS connection to OpenCTI at "
                        + endpoint + " refused: " + TlsTrust.explain(tls.get()), null);
                refused.addSuppressed(e); // one clear line for the operator; the JDK's detail in a stack trace
                throw refused;
            }
            throw OpenCtiException.unavailable("opencti-unreachable", "OpenCTI unreachable at " + endpoint + ": "
                    + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : " " + e.getMessage()), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw OpenCtiException.unavailable("interrupted", "interrupted while calling OpenCTI", e);
        }
        int status = response.statusCode();
        if (status >= 500 || status == 429 || status == 408 || status == 401 || status == 403) {
            throw OpenCtiException.unavailable("opencti-http-" + status, "OpenCTI answered HTTP " + status, null);
        }
        JsonNode json;
        try {
            json = JSON.readTree(response.body());
        } catch (IOException e) {
            throw OpenCtiException.unavailable("opencti-bad-response",
                    "OpenCTI answered HTTP " + status + " with a body that is not JSON", e);
        }
        JsonNode errors = json == null ? null : json.get("errors");
        if (errors != null && errors.isArray() && !errors.isEmpty()) {
            JsonNode first = errors.get(0);
            String code = first.path("extensions").path("code").asText(first.path("name").asText("GRAPHQL_ERROR"));
            String message = "OpenCTI GraphQL error " + code + ": " + first.path("message").asText();
            if (TRANSIENT_CODES.contains(code)) {
                throw OpenCtiException.unavailable("opencti-" + code.toLowerCase().replace('_', '-'), message, null);
            }
            throw OpenCtiException.rejected("opencti-rejected", message);
        }
        if (status >= 400) {
            throw OpenCtiException.rejected("opencti-http-" + status, "OpenCTI answered HTTP " + status);
        }
        return json == null ? JSON.createObjectNode() : json.path("data");
    }

    private static SSLContext trustAll() {
        // OPENCTI_SSL_VERIFY=false, as pycti's ssl_verify: the operator chose to trust any certificate. An
        // X509ExtendedTrustManager is also where JSSE checks the host name, so this one skips that too, for
        // this client only (no JVM-wide switch).
        TrustManager[] trustAll = {new X509ExtendedTrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {
            }

            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        }};
        try {
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, trustAll, new SecureRandom());
            return ctx;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot build a TLS context", e);
        }
    }
}
