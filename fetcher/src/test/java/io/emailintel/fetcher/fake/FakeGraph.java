package io.emailintel.fetcher.fake;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An HTTP server answering like Microsoft Graph v1.0 for one mailbox, and an https token endpoint answering
 * like Entra ID's {@code POST /{tenant}/oauth2/v2.0/token}. It records every request's method and path.
 *
 * <p>Delta semantics: a round without a token enumerates the folder as it is; a delta link carries a change
 * sequence number, and the next round reports what was added, changed or removed since. {@link #expireDeltaTokens()}
 * makes every token issued so far answer 410 {@code SyncStateNotFound}, as Graph does for an expired token.
 */
public final class FakeGraph implements AutoCloseable {

    public static final String TENANT = "tenant-1";
    public static final String TOKEN = "fake-access-token";
    /** What clients of the fake send as their secret; the fake's token endpoint accepts any. */
    public static final String CLIENT_SECRET = "fake-graph-client-secret";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern PAGE_SIZE = Pattern.compile("odata\\.maxpagesize=(\\d+)");

    /** A recorded request. */
    public record Request(String method, String path, String query, String authorization, String prefer) {
    }

    /** A folder. */
    public record Folder(String id, String displayName, String parentId) {
    }

    /** An attachment: {@code type} is fileAttachment, itemAttachment or referenceAttachment. */
    public record Attachment(String id, String type, String name, String contentType, byte[] content, boolean inline) {
    }

    /**
     * What a message says: every field may be null (Graph then omits it, as it does for a message without a
     * sender); {@link #of} gives the defaults the simple {@code add} uses.
     */
    public record Content(String subject, String fromName, String fromAddress, List<String> toRecipients,
            String bodyType, String body, String internetMessageId) {

        /** A vendor advisory with this subject, an HTML body repeating it, sent to the mailbox. */
        public static Content of(String subject) {
            return new Content(subject, "Vendor Advisories", "advisories@vendor.example", null, "html",
                    "<p>" + subject + "</p>", null);
        }

        public Content withSubject(String s) {
            return new Content(s, fromName, fromAddress, toRecipients, bodyType, body, internetMessageId);
        }

        public Content withFrom(String name, String address) {
            return new Content(subject, name, address, toRecipients, bodyType, body, internetMessageId);
        }

        public Content withTo(List<String> addresses) {
            return new Content(subject, fromName, fromAddress, addresses, bodyType, body, internetMessageId);
        }

        public Content withBody(String type, String content) {
            return new Content(subject, fromName, fromAddress, toRecipients, type, content, internetMessageId);
        }

        public Content withInternetMessageId(String value) {
            return new Content(subject, fromName, fromAddress, toRecipients, bodyType, body, value);
        }
    }

    /** A message in a folder. */
    public static final class Message {
        final String id;
        volatile String folderId;
        final Instant receivedAt;
        final Content content;
        final List<Attachment> attachments;
        volatile long addedSeq;
        volatile long changedSeq;
        volatile long removedSeq;

        Message(String id, String folderId, Instant receivedAt, Content content, List<Attachment> attachments) {
            this.id = id;
            this.folderId = folderId;
            this.receivedAt = receivedAt;
            this.content = content;
            this.attachments = attachments;
        }

        public String id() {
            return id;
        }
    }

    private final HttpServer http;
    private final HttpsServer tokens;
    private final String mailbox;
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final List<String> tokenForms = new CopyOnWriteArrayList<>();
    private final Map<String, Folder> folders = new LinkedHashMap<>();
    private final Map<String, Message> messages = new ConcurrentHashMap<>();
    private final AtomicLong seq = new AtomicLong();
    private final AtomicInteger ids = new AtomicInteger();
    private final AtomicInteger throttled = new AtomicInteger();
    private final AtomicInteger passBeforeThrottle = new AtomicInteger();
    private volatile String retryAfter = "0";
    private final AtomicInteger failing = new AtomicInteger();
    private volatile int failStatus = 503;
    private volatile String failRetryAfter;
    private final AtomicInteger truncating = new AtomicInteger();
    private final AtomicInteger failingNextLinks = new AtomicInteger();
    private volatile int nextLinkFailStatus = 503;
    private volatile boolean honourChangeType = true;
    private volatile long minValidToken;
    private final AtomicInteger concurrent = new AtomicInteger();
    private final AtomicInteger maxConcurrent = new AtomicInteger();

    public FakeGraph(String mailbox) throws IOException {
        this.mailbox = mailbox;
        folders.put("inbox-id", new Folder("inbox-id", "Inbox", null));
        folders.put("archive-id", new Folder("archive-id", "Archive", null));
        folders.put("cti-id", new Folder("cti-id", "CTI", "inbox-id"));
        folders.put("vendors-id", new Folder("vendors-id", "Vendors", "cti-id"));
        folders.put("partners-id", new Folder("partners-id", "Partners", "cti-id"));
        http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        http.createContext("/", this::graph);
        http.setExecutor(Executors.newFixedThreadPool(8));
        http.start();
        tokens = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        tokens.setHttpsConfigurator(new HttpsConfigurator(TestTls.serverContext()));
        tokens.createContext("/", this::token);
        tokens.setExecutor(Executors.newFixedThreadPool(2));
        tokens.start();
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + http.getAddress().getPort() + "/v1.0";
    }

    public String authorityHost() {
        return "https://127.0.0.1:" + tokens.getAddress().getPort();
    }

    public List<Request> requests() {
        return List.copyOf(requests);
    }

    /** The form bodies of the token requests, decoded. */
    public List<String> tokenForms() {
        return List.copyOf(tokenForms);
    }

    public int maxConcurrentRequests() {
        return maxConcurrent.get();
    }

    // ---- mailbox content ----------------------------------------------------------------------------------

    /** Adds a message to a folder (by id, e.g. {@code inbox-id}); it counts as new for delta. */
    public Message add(String folderId, Instant receivedAt, String subject, Attachment... attachments) {
        return add(folderId, receivedAt, Content.of(subject), attachments);
    }

    /** Adds a message with the given content (sender, recipients, body, …) to a folder. */
    public synchronized Message add(String folderId, Instant receivedAt, Content content, Attachment... attachments) {
        String label = content.subject() == null ? "" : content.subject();
        String id = "AAMkImmutable-" + ids.incrementAndGet() + "-"
                + label.substring(0, Math.min(label.length(), 40)).replaceAll("[^A-Za-z0-9]", "");
        Message m = new Message(id, folderId, receivedAt, content, List.of(attachments));
        m.addedSeq = seq.incrementAndGet();
        messages.put(id, m);
        return m;
    }

    /** Changes a message (e.g. marked read): delta reports it again. */
    public synchronized void touch(Message m) {
        m.changedSeq = seq.incrementAndGet();
    }

    /** Deletes a message: delta reports it as {@code @removed}. */
    public synchronized void remove(Message m) {
        m.removedSeq = seq.incrementAndGet();
    }

    /** Makes delta report updates and removals even when asked for created items only. */
    public void ignoreChangeTypeFilter() {
        honourChangeType = false;
    }

    /** Every delta token issued so far answers 410 from now on. */
    public synchronized void expireDeltaTokens() {
        minValidToken = seq.incrementAndGet();
    }

    /** The next {@code count} requests answer 429 with this Retry-After value. */
    public void throttleNext(int count, String retryAfterValue) {
        throttleNext(count, retryAfterValue, 0);
    }

    /** After {@code passing} more requests, the next {@code count} answer 429 with this Retry-After value. */
    public void throttleNext(int count, String retryAfterValue, int passing) {
        retryAfter = retryAfterValue;
        passBeforeThrottle.set(passing);
        throttled.set(count);
    }

    /**
     * The next {@code count} Graph requests answer {@code status} (e.g. 503 Service Unavailable), with a
     * Retry-After header when {@code retryAfterValue} is not null.
     */
    public void failNext(int count, int status, String retryAfterValue) {
        failStatus = status;
        failRetryAfter = retryAfterValue;
        failing.set(count);
    }

    /**
     * The next {@code count} message pages (listing or delta) are cut in the middle of their JSON, with a
     * Content-Length that matches the cut: a well-formed HTTP 200 whose body does not parse.
     */
    public void truncateNextPages(int count) {
        truncating.set(count);
    }

    /** The next {@code count} requests that follow an {@code @odata.nextLink} answer {@code status}. */
    public void failNextLinks(int count, int status) {
        nextLinkFailStatus = status;
        failingNextLinks.set(count);
    }

    // ---- token endpoint -----------------------------------------------------------------------------------

    private void token(HttpExchange ex) throws IOException {
        requests.add(new Request(ex.getRequestMethod(), "token:" + ex.getRequestURI().getPath(), "", null, null));
        tokenForms.add(URLDecoder.decode(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8),
                StandardCharsets.UTF_8));
        if (ex.getRequestMethod().equals("POST") && ex.getRequestURI().getPath().equals("/" + TENANT + "/oauth2/v2.0/token")) {
            send(ex, 200, "{\"token_type\":\"Bearer\",\"expires_in\":3599,\"ext_expires_in\":3599,\"access_token\":\""
                    + TOKEN + "\"}");
        } else {
            send(ex, 404, error("NotFound", "no such endpoint"));
        }
    }

    // ---- Graph --------------------------------------------------------------------------------------------

    private void graph(HttpExchange ex) throws IOException {
        int now = concurrent.incrementAndGet();
        maxConcurrent.accumulateAndGet(now, Math::max);
        try {
            String prefer = String.join(", ", ex.getRequestHeaders().getOrDefault("Prefer", List.of()));
            requests.add(new Request(ex.getRequestMethod(), ex.getRequestURI().getRawPath(),
                    ex.getRequestURI().getRawQuery(), ex.getRequestHeaders().getFirst("Authorization"), prefer));
            if (!ex.getRequestMethod().equals("GET")) {
                send(ex, 405, error("ErrorInvalidRequest", "read-only fake"));
                return;
            }
            if (!("Bearer " + TOKEN).equals(ex.getRequestHeaders().getFirst("Authorization"))) {
                send(ex, 401, error("InvalidAuthenticationToken", "Access token is empty."));
                return;
            }
            if (passBeforeThrottle.getAndUpdate(n -> n > 0 ? n - 1 : 0) == 0
                    && throttled.getAndUpdate(n -> n > 0 ? n - 1 : 0) > 0) {
                ex.getResponseHeaders().add("Retry-After", retryAfter);
                send(ex, 429, error("ApplicationThrottled", "Application is over its MailboxConcurrency limit."));
                return;
            }
            if (failing.getAndUpdate(n -> n > 0 ? n - 1 : 0) > 0) {
                if (failRetryAfter != null) {
                    ex.getResponseHeaders().add("Retry-After", failRetryAfter);
                }
                send(ex, failStatus, error("ServiceUnavailable", "The service is temporarily unavailable."));
                return;
            }
            String rawQuery = ex.getRequestURI().getRawQuery();
            if (rawQuery != null && (rawQuery.contains("%24skip") || rawQuery.contains("$skip"))
                    && failingNextLinks.getAndUpdate(n -> n > 0 ? n - 1 : 0) > 0) {
                send(ex, nextLinkFailStatus, error("ServiceUnavailable", "next link failed once (injected)"));
                return;
            }
            route(ex, prefer);
        } catch (RuntimeException e) {
            send(ex, 500, error("InternalServerError", e.toString()));
        } finally {
            concurrent.decrementAndGet();
        }
    }

    private void route(HttpExchange ex, String prefer) throws IOException {
        String path = ex.getRequestURI().getRawPath();
        if (!path.startsWith("/v1.0/users/")) {
            send(ex, 404, error("NotFound", path));
            return;
        }
        List<String> seg = new ArrayList<>();
        for (String s : path.substring("/v1.0/".length()).split("/")) {
            seg.add(URLDecoder.decode(s, StandardCharsets.UTF_8));
        }
        Map<String, String> q = query(ex.getRequestURI().getRawQuery());
        int pageSize = pageSize(prefer, q);
        if (!seg.get(1).equalsIgnoreCase(mailbox)) {
            send(ex, 404, error("ErrorInvalidUser", "The requested user '" + seg.get(1) + "' is invalid."));
            return;
        }
        List<String> rest = seg.subList(2, seg.size());
        if (rest.size() == 1 && rest.get(0).equals("mailFolders")) {
            send(ex, 200, folderList(null));
        } else if (rest.size() == 2 && rest.get(0).equals("mailFolders")) {
            Folder f = folder(rest.get(1));
            send(ex, f == null ? 404 : 200, f == null ? error("ErrorItemNotFound", "no folder")
                    : folderJson(f).put("totalItemCount", messages.values().stream()
                            .filter(m -> f.id().equals(m.folderId) && m.removedSeq == 0).count()).toString());
        } else if (rest.size() == 3 && rest.get(0).equals("mailFolders") && rest.get(2).equals("childFolders")) {
            Folder f = folder(rest.get(1));
            send(ex, f == null ? 404 : 200, f == null ? error("ErrorItemNotFound", "no folder") : folderList(f.id()));
        } else if (rest.size() == 3 && rest.get(0).equals("mailFolders") && rest.get(2).equals("messages")) {
            Folder f = folder(rest.get(1));
            listing(ex, f, q, pageSize);
        } else if (rest.size() == 4 && rest.get(0).equals("mailFolders") && rest.get(3).startsWith("delta")) {
            delta(ex, folder(rest.get(1)), q, pageSize);
        } else if (rest.size() >= 2 && rest.get(0).equals("messages")) {
            Message m = messages.get(rest.get(1));
            if (m == null || m.removedSeq > 0) {
                send(ex, 404, error("ErrorItemNotFound", "The specified object was not found in the store."));
            } else if (rest.size() == 2) {
                send(ex, 200, messageJson(m, q.containsKey("$expand")).toString());
            } else if (rest.size() == 3 && rest.get(2).equals("attachments")) {
                ObjectNode page = JSON.createObjectNode();
                ArrayNode value = page.putArray("value");
                m.attachments.forEach(a -> value.add(attachmentJson(a, false)));
                send(ex, 200, page.toString());
            } else if (rest.size() >= 4 && rest.get(2).equals("attachments")) {
                attachment(ex, m, rest.get(3), rest.size() == 5 && rest.get(4).equals("$value"));
            } else {
                send(ex, 404, error("NotFound", path));
            }
        } else {
            send(ex, 404, error("NotFound", path));
        }
    }

    private Folder folder(String idOrName) {
        Folder f = folders.get(idOrName);
        if (f != null) {
            return f;
        }
        String wellKnown = idOrName.toLowerCase(Locale.ROOT);
        return wellKnown.equals("inbox") ? folders.get("inbox-id") : wellKnown.equals("archive")
                ? folders.get("archive-id") : null;
    }

    private String folderList(String parentId) {
        ObjectNode page = JSON.createObjectNode();
        ArrayNode value = page.putArray("value");
        folders.values().stream().filter(f -> java.util.Objects.equals(f.parentId(), parentId))
                .forEach(f -> value.add(folderJson(f)));
        return page.toString();
    }

    private static ObjectNode folderJson(Folder f) {
        ObjectNode n = JSON.createObjectNode();
        n.put("id", f.id());
        n.put("displayName", f.displayName());
        return n;
    }

    private void listing(HttpExchange ex, Folder f, Map<String, String> q, int pageSize) throws IOException {
        if (f == null) {
            send(ex, 404, error("ErrorItemNotFound", "no folder"));
            return;
        }
        Instant since = Instant.EPOCH;
        String filter = q.get("$filter");
        if (filter != null) {
            Matcher m = Pattern.compile("receivedDateTime ge (\\S+)").matcher(filter);
            if (!m.find()) {
                send(ex, 400, error("ErrorInvalidUrlQueryFilter", filter));
                return;
            }
            since = Instant.parse(m.group(1));
        }
        Instant from = since;
        int top = q.containsKey("$top") ? Integer.parseInt(q.get("$top")) : 10;
        int size = Math.min(top, pageSize);
        int skip = q.containsKey("$skip") ? Integer.parseInt(q.get("$skip")) : 0;
        List<Message> all = messages.values().stream()
                .filter(m -> m.folderId.equals(f.id()) && m.removedSeq == 0 && !m.receivedAt.isBefore(from))
                .sorted(Comparator.comparing((Message m) -> m.receivedAt).thenComparing(m -> m.id))
                .toList();
        ObjectNode page = JSON.createObjectNode();
        ArrayNode value = page.putArray("value");
        boolean expand = q.containsKey("$expand");
        all.stream().skip(skip).limit(size).forEach(m -> value.add(messageJson(m, expand)));
        if (skip + size < all.size()) {
            String raw = ex.getRequestURI().getRawQuery().replaceAll("&?%24skip=\\d+", "");
            page.put("@odata.nextLink", baseUrl() + ex.getRequestURI().getRawPath().substring(5) + "?" + raw
                    + "&%24skip=" + (skip + size));
        }
        sendPage(ex, page);
    }

    private synchronized void delta(HttpExchange ex, Folder f, Map<String, String> q, int pageSize) throws IOException {
        if (f == null) {
            send(ex, 404, error("ErrorItemNotFound", "no folder"));
            return;
        }
        String link = baseUrl() + ex.getRequestURI().getRawPath().substring(5);
        long from;
        long to;
        int offset;
        if (q.containsKey("$skiptoken")) {
            String[] t = q.get("$skiptoken").split("\\.");
            from = Long.parseLong(t[0]);
            to = Long.parseLong(t[1]);
            offset = Integer.parseInt(t[2]);
        } else {
            from = q.containsKey("$deltatoken") ? Long.parseLong(q.get("$deltatoken")) : -1;
            to = seq.get();
            offset = 0;
        }
        if (from >= 0 && from < minValidToken) {
            send(ex, 410, error("SyncStateNotFound", "The sync state generation is not found."));
            return;
        }
        final long lo = from;
        final long hi = to;
        final boolean createdOnly = honourChangeType && "created".equals(q.get("changeType"));
        String carry = createdOnly ? "&changeType=created" : "";
        List<Message> changes = messages.values().stream()
                .filter(m -> m.folderId.equals(f.id()))
                .filter(m -> lo < 0
                        ? m.addedSeq <= hi && (m.removedSeq == 0 || m.removedSeq > hi)
                        : (m.addedSeq > lo && m.addedSeq <= hi) || (!createdOnly
                          && ((m.changedSeq > lo && m.changedSeq <= hi) || (m.removedSeq > lo && m.removedSeq <= hi))))
                .sorted(Comparator.comparingLong((Message m) -> m.addedSeq))
                .toList();
        ObjectNode page = JSON.createObjectNode();
        ArrayNode value = page.putArray("value");
        changes.stream().skip(offset).limit(pageSize).forEach(m -> {
            ObjectNode n = value.addObject();
            n.put("@odata.type", "#microsoft.graph.message");
            n.put("id", m.id);
            if (m.removedSeq > 0 && m.removedSeq <= hi) {
                n.putObject("@removed").put("reason", "deleted");
            } else {
                n.put("receivedDateTime", m.receivedAt.toString());
            }
        });
        if (offset + pageSize < changes.size()) {
            page.put("@odata.nextLink", link + "?%24skiptoken=" + lo + "." + hi + "." + (offset + pageSize) + carry);
        } else {
            page.put("@odata.deltaLink", link + "?%24deltatoken=" + hi + carry);
        }
        sendPage(ex, page);
    }

    private void attachment(HttpExchange ex, Message m, String attachmentId, boolean value) throws IOException {
        Attachment a = m.attachments.stream().filter(x -> x.id().equals(attachmentId)).findFirst().orElse(null);
        if (a == null) {
            send(ex, 404, error("ErrorItemNotFound", "no attachment"));
        } else if (!value) {
            send(ex, 200, attachmentJson(a, true).toString());
        } else if (a.type().equals("referenceAttachment")) {
            send(ex, 405, error("ErrorInvalidRequest", "$value is not supported for reference attachments"));
        } else {
            ex.getResponseHeaders().add("Content-Type", a.type().equals("itemAttachment")
                    ? "message/rfc822" : a.contentType());
            ex.sendResponseHeaders(200, a.content().length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(a.content());
            }
        }
    }

    private ObjectNode messageJson(Message m, boolean expand) {
        ObjectNode n = JSON.createObjectNode();
        n.put("@odata.type", "#microsoft.graph.message");
        n.put("id", m.id);
        Content c = m.content;
        n.put("subject", c.subject());
        n.put("receivedDateTime", m.receivedAt.toString());
        n.put("sentDateTime", m.receivedAt.minusSeconds(30).toString());
        n.put("internetMessageId", c.internetMessageId() != null ? c.internetMessageId()
                : "<" + m.id + "@vendor.example>");
        n.put("hasAttachments", !m.attachments.isEmpty());
        if (c.fromAddress() != null || c.fromName() != null) {
            ObjectNode from = n.putObject("from").putObject("emailAddress");
            from.put("name", c.fromName());
            from.put("address", c.fromAddress());
            n.set("sender", n.get("from").deepCopy());
        }
        ArrayNode to = n.putArray("toRecipients");
        for (String address : c.toRecipients() != null ? c.toRecipients() : List.of(mailbox)) {
            to.addObject().putObject("emailAddress").put("address", address);
        }
        n.putArray("ccRecipients");
        n.putArray("bccRecipients");
        if (c.body() != null) {
            ObjectNode body = n.putObject("body");
            body.put("contentType", c.bodyType());
            body.put("content", c.body());
        }
        if (expand) {
            ArrayNode atts = n.putArray("attachments");
            m.attachments.forEach(a -> atts.add(attachmentJson(a, false)));
        }
        return n;
    }

    private static ObjectNode attachmentJson(Attachment a, boolean withContent) {
        ObjectNode n = JSON.createObjectNode();
        n.put("@odata.type", "#microsoft.graph." + a.type());
        n.put("id", a.id());
        n.put("name", a.name());
        n.put("contentType", a.contentType());
        n.put("size", a.content().length);
        n.put("isInline", a.inline());
        if (withContent && a.type().equals("fileAttachment")) {
            n.put("contentBytes", Base64.getEncoder().encodeToString(a.content()));
        }
        return n;
    }

    private static int pageSize(String prefer, Map<String, String> q) {
        Matcher m = PAGE_SIZE.matcher(prefer);
        return m.find() ? Integer.parseInt(m.group(1)) : 10;
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> out = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) {
            return out;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            out.put(k, v);
        }
        return out;
    }

    private static String error(String code, String message) {
        ObjectNode n = JSON.createObjectNode();
        ObjectNode e = n.putObject("error");
        e.put("code", code);
        e.put("message", message);
        return n.toString();
    }

    /** A page of messages, cut in half when a truncation was asked for. */
    private void sendPage(HttpExchange ex, ObjectNode page) throws IOException {
        byte[] bytes = page.toString().getBytes(StandardCharsets.UTF_8);
        if (truncating.getAndUpdate(n -> n > 0 ? n - 1 : 0) > 0) {
            bytes = java.util.Arrays.copyOf(bytes, bytes.length / 2);
        }
        ex.getResponseHeaders().add("Content-Type", "application/json");
        ex.sendResponseHeaders(200, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static void send(HttpExchange ex, int status, String json) throws IOException {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("Content-Type", "application/json");
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        http.stop(0);
        tokens.stop(0);
        ((java.util.concurrent.ExecutorService) http.getExecutor()).shutdownNow();
        ((java.util.concurrent.ExecutorService) tokens.getExecutor()).shutdownNow();
    }
}
