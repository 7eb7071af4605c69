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
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The OpenCTI GraphQL operations a connector needs, as pycti sends them. Every failure is an
 * {@link OpenCtiException} classified once, here: HTTP 200 with {@code errors} is a failure too.
 */
public final class OpenCtiClient implements WorkApi, ConnectorApi {

    // Every operation the ingester sends, as constants: OpenCtiSchemaTest validates each against the platform's
    // schema (a hand-written subset of opencti-graphql config/schema/opencti.graphql). Fields and arguments are
    // pycti's (pycti/api/opencti_api_connector.py, opencti_api_work.py, opencti_api_client.py, 6.8).
    static final String ABOUT = "query About { about { version } }";
    static final String REGISTER_CONNECTOR = "mutation RegisterConnector($input: RegisterConnectorInput) { "
            + "registerConnector(input: $input) { id connector_state connector_state_reset connector_user_id "
            + "config { connection { host vhost use_ssl port user pass } listen listen_routing listen_exchange "
            + "push push_routing push_exchange } } }";
    static final String WORK_ADD = "mutation workAdd($connectorId: String!, $friendlyName: String) { "
            + "workAdd(connectorId: $connectorId, friendlyName: $friendlyName) { id } }";
    static final String IS_WORK_ALIVE = "query WorkAliveQuery($id: ID!) { isWorkAlive(id: $id) }";
    static final String WORK_TO_PROCESSED = "mutation workToProcessed($id: ID!, $message: String, $inError: Boolean) "
            + "{ workEdit(id: $id) { toProcessed(message: $message, inError: $inError) } }";
    static final String PING_CONNECTOR = "mutation PingConnector($id: ID!, $state: String, "
            + "$connectorInfo: ConnectorInfoInput) { pingConnector(id: $id, state: $state, connectorInfo: "
            + "$connectorInfo) { id connector_state connector_state_reset } }";
    static final String GET_CONNECTOR_QUEUE = "query GetConnector($id: String!) { connector(id: $id) { id "
            + "connector_queue_details { messages_number messages_size } } }";
    static final String STIX_BUNDLE_PUSH = "mutation stixBundlePush($connectorId: String!, $bundle: String!, "
            + "$work_id: String) { stixBundlePush(connectorId: $connectorId, bundle: $bundle, work_id: $work_id) }";

    /** pycti's upload_pending_file (pycti/api/opencti_api_client.py), the workbench of validate_before_import. */
    static final String UPLOAD_PENDING = "mutation UploadPending($file: Upload!, $entityId: String, "
            + "$file_markings: [String!]) { uploadPending(file: $file, entityId: $entityId, file_markings: "
            + "$file_markings) { id name } }";

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
        return call(ABOUT, JSON.createObjectNode()).path("about").path("version").asText();
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
        JsonNode r = call(REGISTER_CONNECTOR, vars).path("registerConnector");
        JsonNode config = r.path("config");
        JsonNode c = config.path("connection");
        if (config.path("push_exchange").asText().isEmpty()) {
            throw OpenCtiException.rejected("opencti-registration", "registerConnector returned no push exchange");
        }
        // after a reset in the UI the state is "" with connector_state_reset: none, like pycti's get_state()
        String state = r.path("connector_state_reset").asBoolean(false) ? null : r.path("connector_state").asText(null);
        return new Registration(r.path("connector_user_id").asText(null), config.path("push_exchange").asText(),
                config.path("push_routing").asText(), new Registration.PushBroker(c.path("host").asText(),
                c.path("port").asInt(5672), c.path("vhost").asText("/"), c.path("use_ssl").asBoolean(false),
                c.path("user").asText(), c.path("pass").asText()), state);
    }

    @Override
    public String workAdd(String connectorId, String friendlyName) throws OpenCtiException {
        ObjectNode vars = JSON.createObjectNode().put("connectorId", connectorId).put("friendlyName", friendlyName);
        return call(WORK_ADD, vars).path("workAdd").path("id").asText();
    }

    /** {@code isWorkAlive(id: ID!): Boolean} (opencti.graphql; pycti's {@code get_is_work_alive}). */
    @Override
    public boolean isWorkAlive(String workId) throws OpenCtiException {
        ObjectNode vars = JSON.createObjectNode().put("id", workId);
        return call(IS_WORK_ALIVE, vars).path("isWorkAlive").asBoolean(false);
    }

    @Override
    public void toProcessed(String workId, String message, boolean inError) throws OpenCtiException {
        ObjectNode vars = JSON.createObjectNode().put("id", workId).put("message", message).put("inError", inError);
        call(WORK_TO_PROCESSED, vars);
    }

    /**
     * {@code pingConnector(id, state, connectorInfo)}, as pycti's ping loop sends it (pycti/api/
     * opencti_api_connector.py {@code ping}); the answer's {@code connector_state} is the state the platform
     * now holds.
     */
    @Override
    public PingAnswer ping(String connectorId, String state, ConnectorInfo info) throws OpenCtiException {
        ObjectNode vars = JSON.createObjectNode().put("id", connectorId).put("state", state);
        ObjectNode ci = vars.putObject("connectorInfo");
        ci.put("run_and_terminate", info.runAndTerminate());
        ci.put("buffering", info.buffering());
        ci.put("queue_threshold", info.queueThresholdMb());
        ci.put("queue_messages_size", info.queueMessagesSize());
        ci.put("next_run_datetime", info.nextRunDatetime());
        ci.put("last_run_datetime", info.lastRunDatetime());
        JsonNode r = call(PING_CONNECTOR, vars).path("pingConnector");
        return new PingAnswer(r.path("connector_state").asText(null), r.path("connector_state_reset").asBoolean(false));
    }

    /** Bytes waiting in the platform's queue for this connector (pycti's back-pressure signal). */
    @Override
    public long queueBytes(String connectorId) throws OpenCtiException {
        ObjectNode vars = JSON.createObjectNode().put("id", connectorId);
        return call(GET_CONNECTOR_QUEUE, vars)
                .path("connector").path("connector_queue_details").path("messages_size").asLong(0);
    }

    /** The "api" protocol: the whole bundle in one mutation. */
    public void bundlePush(String connectorId, String workId, String bundle) throws OpenCtiException {
        ObjectNode vars = JSON.createObjectNode().put("connectorId", connectorId).put("bundle", bundle)
                .put("work_id", workId);
        call(STIX_BUNDLE_PUSH, vars);
    }

    /**
     * {@code uploadPending}: a file for the analysts' workbench, sent as pycti sends files, a multipart request
     * after the GraphQL multipart request spec (jaydenseric/graphql-multipart-request-spec: parts
     * {@code operations} with the file variable null, {@code map}, then the file).
     *
     * @return the stored file's id
     */
    public String uploadPending(String fileName, byte[] content, String mimeType, List<String> fileMarkings)
            throws OpenCtiException {
        ObjectNode variables = JSON.createObjectNode();
        variables.putNull("file");
        variables.putNull("entityId");
        fileMarkings.forEach(variables.putArray("file_markings")::add);
        ObjectNode operations = JSON.createObjectNode().put("query", UPLOAD_PENDING);
        operations.set("variables", variables);
        String boundary = "email-intel-" + java.util.UUID.randomUUID();
        java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream(content.length + 2048);
        try {
            part(body, boundary, "operations", null, null, JSON.writeValueAsBytes(operations));
            part(body, boundary, "map", null, null, "{\"0\":[\"variables.file\"]}".getBytes(StandardCharsets.UTF_8));
            part(body, boundary, "0", fileName, mimeType, content);
            body.write(("--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw OpenCtiException.rejected("opencti-request", "cannot write the upload request: " + e.getMessage());
        }
        HttpRequest request = HttpRequest.newBuilder(endpoint)
                .timeout(timeout)
                .header("Authorization", "Bearer " + token)
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .header("Accept", "application/json")
                // Apollo Server's CSRF prevention lets a multipart request through only with a preflight header
                .header("Apollo-Require-Preflight", "true")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray()))
                .build();
        return send(request).path("uploadPending").path("id").asText();
    }

    private static void part(java.io.ByteArrayOutputStream out, String boundary, String name, String fileName,
                             String mimeType, byte[] content) throws IOException {
        StringBuilder head = new StringBuilder("--").append(boundary).append("\r\n")
                .append("Content-Disposition: form-data; name=\"").append(name).append('"');
        if (fileName != null) {
            head.append("; filename=\"").append(fileName.replace("\"", "")).append('"');
        }
        head.append("\r\n");
        if (mimeType != null) {
            head.append("Content-Type: ").append(mimeType).append("\r\n");
        }
        head.append("\r\n");
        out.write(head.toString().getBytes(StandardCharsets.UTF_8));
        out.write(content);
        out.write("\r\n".getBytes(StandardCharsets.UTF_8));
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
        return send(request);
    }

    private JsonNode send(HttpRequest request) throws OpenCtiException {
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
            OpenCtiException.Kind kind = ErrorCodes.kindOf(code);
            if (kind == OpenCtiException.Kind.AMBIGUOUS) {
                message += " (the platform answers this for an invalid bundle and for an outage alike)";
            }
            // every final answer is "opencti-rejected" (the code is in the message); the others name their code
            throw OpenCtiException.of(kind, kind == OpenCtiException.Kind.FINAL ? "opencti-rejected"
                    : ErrorCodes.reasonOf(code), message, ErrorCodes.isAuthCode(code));
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
        TrustManager[] trustAll = {PushBrokerTls.TRUST_ANY};
        try {
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, trustAll, new SecureRandom());
            return ctx;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot build a TLS context", e);
        }
    }
}
