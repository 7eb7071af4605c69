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
 *
 * <p>As strict as Graph where a lenient fake would hide bugs (each behaviour cites its page on learn.microsoft.com):
 * {@code $select} is honoured (a property not selected is absent); {@code $filter} with {@code $orderby} is refused
 * with {@code InefficientFilter} unless the sorted properties come first in the filter, in order; expired sync state
 * answers 410 or 400 with the code in the inner error ({@link SyncStateAnswer}), for delta links and for single
 * next links; a delta round may list an item twice ({@link #repeatItemsInDeltaRounds()}); folder listings are paged
 * and omit hidden folders unless {@code includeHiddenFolders=true}; an item attachment's {@code $value} is MIME, a
 * vCard or an iCalendar object as the item is a message, a contact or an event; more than 4 requests open at once
 * (a request stays open until its response body has been sent) answer 429 {@code MailboxConcurrency}; a listing's
 * {@code $top} outside 1–1000 answers 400, and pages may be served smaller than asked for
 * ({@link #servePagesOfAtMost}).
 */
public final class FakeGraph implements AutoCloseable {

    public static final String TENANT = "tenant-1";
    public static final String TOKEN = "fake-access-token";
    /** What clients of the fake send as their secret; the fake's token endpoint accepts any. */
    public static final String CLIENT_SECRET = "fake-graph-client-secret";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern PAGE_SIZE = Pattern.compile("odata\\.maxpagesize=(\\d+)");
    /** A message listing's page size without {@code $top}, and the largest it accepts (graph/api/user-list-messages). */
    static final int LISTING_DEFAULT_TOP = 10;
    public static final int MAX_LISTING_TOP = 1000;
    /**
     * A delta page's size without {@code odata.maxpagesize}: 10, as reported against v1.0 (microsoftgraph/
     * msgraph-sdk-java#536, microsoft-graph-docs#6006: "it only returned me 10 values- the default").
     */
    static final int DELTA_DEFAULT_PAGE_SIZE = 10;

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
    private final AtomicInteger concurrencyRejections = new AtomicInteger();
    private volatile SyncStateAnswer expiredAnswer = SyncStateAnswer.GONE;
    private final AtomicInteger expiringNextLinks = new AtomicInteger();
    private volatile SyncStateAnswer nextLinkExpiry = SyncStateAnswer.GONE;
    private volatile boolean repeatInRounds;
    private volatile int largestServedPage = Integer.MAX_VALUE;
    private volatile int pageCap = Integer.MAX_VALUE;
    private final AtomicInteger gatewayTimeouts = new AtomicInteger();
    private volatile long slowBodyMillis;
    private final java.util.Set<String> hidden = ConcurrentHashMap.newKeySet();

    /**
     * Outlook's limit: 4 concurrent requests per app and mailbox (learn.microsoft.com/graph/throttling-limits,
     * "Outlook service limits"); the fifth answers 429 "Application is over its MailboxConcurrency limit."
     */
    public static final int MAILBOX_CONCURRENCY = 4;

    /** How an expired or invalid sync state is answered (learn.microsoft.com/graph/delta-query-overview, errors). */
    public enum SyncStateAnswer {
        /** 410 Gone, {@code SyncStateNotFound}: what Outlook resources answer for an evicted token. */
        GONE,
        /**
         * 400 BadRequest whose top-level code is generic and whose inner error says {@code syncStateNotFound}
         * (the form documented for expired delta tokens on devblogs.microsoft.com, 2020-07-03, "Duration of change
         * tracking tokens", with the code nested as graph/errors shows for inner errors).
         */
        BAD_REQUEST_INNER,
        /** 400 with {@code resyncRequired} two levels down the inner-error chain, in lower case. */
        BAD_REQUEST_DEEP
    }

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

    /**
     * The next {@code count} requests answer 429 with this Retry-After value, sent as given: seconds or an HTTP
     * date, minutes long if asked ("Retry-After" header, learn.microsoft.com/graph/throttling; Outlook's limits in
     * graph/throttling-limits).
     */
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

    /** Expired delta tokens answer in this form from now on (410 by default). */
    public void answerExpiredSyncStateAs(SyncStateAnswer answer) {
        expiredAnswer = answer;
    }

    /**
     * The next {@code count} delta next links ({@code $skiptoken}) answer as expired: Graph evicts sync-state
     * generations while a client pages, so a single next link can expire mid-round (delta-query-overview).
     */
    public void expireNextDeltaLinks(int count, SyncStateAnswer answer) {
        nextLinkExpiry = answer;
        expiringNextLinks.set(count);
    }

    /**
     * From now on each delta page after the first of a round repeats the last item of the page before it: delta
     * may list the same item more than once in a round (learn.microsoft.com/graph/delta-query-overview).
     */
    public void repeatItemsInDeltaRounds() {
        repeatInRounds = true;
    }

    /**
     * Message pages (listing or delta) of more than {@code size} items answer 504 Gateway Timeout, every time:
     * "returning a page with hundreds of messages each with a full response payload may trigger the gateway
     * timeout (HTTP 504)" (learn.microsoft.com/graph/api/user-list-messages).
     */
    public void timeOutPagesLargerThan(int size) {
        largestServedPage = size;
    }

    /**
     * From now on message pages (listing or delta) carry at most {@code size} items, whatever {@code $top} or
     * {@code odata.maxpagesize} asked for, the rest behind {@code @odata.nextLink}: "A page of results may contain
     * zero or more results", and a page size over an API's maximum "might be ignored" (learn.microsoft.com/graph/
     * paging). Graph does not document the maximum of {@code odata.maxpagesize} for message delta.
     */
    public void servePagesOfAtMost(int size) {
        pageCap = size;
    }

    /** How many 504s {@link #timeOutPagesLargerThan} caused. */
    public int gatewayTimeouts() {
        return gatewayTimeouts.get();
    }

    /**
     * Every response body is sent in two halves, this long apart, as a large JSON page or attachment streams
     * from Graph: the request stays open (and counts against the 4-request limit) until the second half is sent.
     */
    public void slowBodies(java.time.Duration pause) {
        slowBodyMillis = pause.toMillis();
    }

    /** How many requests were refused with 429 MailboxConcurrency because 4 were open already. */
    public int concurrencyRejections() {
        return concurrencyRejections.get();
    }

    /** Adds a folder; a hidden one is listed only with {@code includeHiddenFolders=true}. */
    public synchronized void addFolder(String id, String displayName, String parentId, boolean isHidden) {
        folders.put(id, new Folder(id, displayName, parentId));
        if (isHidden) {
            hidden.add(id);
        }
    }

    /** An attached Outlook contact: its {@code $value} is a vCard (learn.microsoft.com/graph/api/attachment-get). */
    public static Attachment contactItem(String id, String name) {
        String vcard = "BEGIN:VCARD\r\nVERSION:3.0\r\nN:Analyst;Threat;;;\r\nFN:Threat Analyst\r\n"
                + "EMAIL;TYPE=INTERNET:analyst@vendor.example\r\nEND:VCARD\r\n";
        return new Attachment(id, "itemAttachment", name, null, vcard.getBytes(StandardCharsets.UTF_8), false);
    }

    /** An attached Outlook event: its {@code $value} is iCalendar (learn.microsoft.com/graph/api/attachment-get). */
    public static Attachment eventItem(String id, String name) {
        String ics = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:Microsoft Exchange Server 2010\r\nMETHOD:PUBLISH\r\n"
                + "BEGIN:VEVENT\r\nUID:briefing-1\r\nSUMMARY:Threat briefing\r\nDTSTART:20261201T100000Z\r\n"
                + "DTEND:20261201T110000Z\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
        return new Attachment(id, "itemAttachment", name, null, ics.getBytes(StandardCharsets.UTF_8), false);
    }

    /** An attached Outlook message: its {@code $value} is the message as MIME. */
    public static Attachment messageItem(String id, String name, String subject) {
        String mime = "From: Vendor <advisories@vendor.example>\r\nTo: cti@example.org\r\nSubject: " + subject
                + "\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n" + subject + "\r\n";
        return new Attachment(id, "itemAttachment", name, null, mime.getBytes(StandardCharsets.UTF_8), false);
    }

    // ---- token endpoint -----------------------------------------------------------------------------------

    /** Client secrets the token endpoint refuses from now on (deleted or expired in the app registration). */
    private final java.util.Set<String> revokedSecrets = ConcurrentHashMap.newKeySet();

    /**
     * The token endpoint refuses {@code secret} from now on, as Entra ID refuses a client secret that was deleted from
     * the app registration: HTTP 401, {@code error=invalid_client} with {@code AADSTS7000215} (RFC 6749 section 5.2:
     * invalid_client with a 401; the code and its text: learn.microsoft.com/entra/identity-platform/
     * reference-error-codes, "AADSTS7000215 InvalidClientSecretProvided").
     */
    public void revokeSecret(String secret) {
        revokedSecrets.add(secret);
    }

    private void token(HttpExchange ex) throws IOException {
        requests.add(new Request(ex.getRequestMethod(), "token:" + ex.getRequestURI().getPath(), "", null, null));
        String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        tokenForms.add(URLDecoder.decode(body, StandardCharsets.UTF_8));
        Map<String, String> form = query(body);
        if (form.containsKey("client_secret") && revokedSecrets.contains(form.get("client_secret"))) {
            send(ex, 401, "{\"error\":\"invalid_client\",\"error_description\":\"AADSTS7000215: Invalid client "
                    + "secret provided. Ensure the secret being sent in the request is the client secret value, not the "
                    + "client secret ID, for a secret added to app '" + form.get("client_id") + "'.\","
                    + "\"error_codes\":[7000215]}");
            return;
        }
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
        open.put(ex, Boolean.TRUE);
        try {
            if (now > MAILBOX_CONCURRENCY) {
                concurrencyRejections.incrementAndGet();
                ex.getResponseHeaders().add("Retry-After", "1");
                send(ex, 429, error("ApplicationThrottled", "Application is over its MailboxConcurrency limit."));
                return;
            }
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
            finish(ex);
        }
    }

    /** Graph requests still open (exchanges compare by identity; their attributes are shared per context). */
    private final Map<HttpExchange, Boolean> open = new ConcurrentHashMap<>();

    /** The request stops counting as open: called just before the last bytes of its body are written. */
    private void finish(HttpExchange ex) {
        if (open.remove(ex) != null) {
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
            send(ex, 200, folderList(ex, null, q));
        } else if (rest.size() == 2 && rest.get(0).equals("mailFolders")) {
            Folder f = folder(rest.get(1));
            send(ex, f == null ? 404 : 200, f == null ? error("ErrorItemNotFound", "no folder")
                    : folderJson(f).put("totalItemCount", messages.values().stream()
                            .filter(m -> f.id().equals(m.folderId) && m.removedSeq == 0).count()).toString());
        } else if (rest.size() == 3 && rest.get(0).equals("mailFolders") && rest.get(2).equals("childFolders")) {
            Folder f = folder(rest.get(1));
            send(ex, f == null ? 404 : 200, f == null ? error("ErrorItemNotFound", "no folder")
                    : folderList(ex, f.id(), q));
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
                send(ex, 200, selected(messageJson(m, q.containsKey("$expand")), q).toString());
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

    /**
     * A page of folders. Hidden folders only with {@code includeHiddenFolders=true}; pages of {@code $top} (default
     * 10), then {@code @odata.nextLink} (learn.microsoft.com/graph/api/user-list-mailfolders,
     * mailfolder-list-childfolders; graph/paging).
     */
    private synchronized String folderList(HttpExchange ex, String parentId, Map<String, String> q) {
        boolean withHidden = "true".equalsIgnoreCase(q.get("includeHiddenFolders"));
        int top = q.containsKey("$top") ? Integer.parseInt(q.get("$top")) : 10;
        int skip = q.containsKey("$skip") ? Integer.parseInt(q.get("$skip")) : 0;
        List<Folder> all = folders.values().stream().filter(f -> java.util.Objects.equals(f.parentId(), parentId))
                .filter(f -> withHidden || !hidden.contains(f.id())).toList();
        ObjectNode page = JSON.createObjectNode();
        ArrayNode value = page.putArray("value");
        all.stream().skip(skip).limit(top).forEach(f -> value.add(folderJson(f)));
        if (skip + top < all.size()) {
            String raw = ex.getRequestURI().getRawQuery() == null ? ""
                    : ex.getRequestURI().getRawQuery().replaceAll("&?%24skip=\\d+", "");
            page.put("@odata.nextLink", baseUrl() + ex.getRequestURI().getRawPath().substring(5) + "?" + raw
                    + (raw.isEmpty() ? "" : "&") + "%24skip=" + (skip + top));
        }
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
        if (filter != null && q.containsKey("$orderby") && !sortedPropertiesLeadTheFilter(q.get("$orderby"), filter)) {
            send(ex, 400, error("InefficientFilter", "The restriction or sort order is too complex for this operation."));
            return;
        }
        if (filter != null) {
            Matcher m = Pattern.compile("receivedDateTime ge (\\S+)").matcher(filter);
            if (!m.find()) {
                send(ex, 400, error("ErrorInvalidUrlQueryFilter", filter));
                return;
            }
            since = Instant.parse(m.group(1));
        }
        Instant from = since;
        // "The default page size is 10 messages. Use $top to customize the page size, within the range of 1 and
        // 1000" (learn.microsoft.com/graph/api/user-list-messages). Past an API's maximum Graph may ignore the size,
        // cap it or answer an error (graph/paging); the fake answers the error, so no client relies on the others.
        int top = q.containsKey("$top") ? Integer.parseInt(q.get("$top")) : LISTING_DEFAULT_TOP;
        if (top < 1 || top > MAX_LISTING_TOP) {
            send(ex, 400, error("BadRequest", "$top=" + top + " is outside the range 1 to " + MAX_LISTING_TOP
                    + " for messages"));
            return;
        }
        int size = pageSize > 0 ? Math.min(top, pageSize) : top;
        if (size > largestServedPage) {
            gatewayTimeouts.incrementAndGet();
            send(ex, 504, error("UnknownError", "Gateway Timeout"));
            return;
        }
        int skip = q.containsKey("$skip") ? Integer.parseInt(q.get("$skip")) : 0;
        List<Message> all = messages.values().stream()
                .filter(m -> m.folderId.equals(f.id()) && m.removedSeq == 0 && !m.receivedAt.isBefore(from))
                .sorted(Comparator.comparing((Message m) -> m.receivedAt).thenComparing(m -> m.id))
                .toList();
        ObjectNode page = JSON.createObjectNode();
        ArrayNode value = page.putArray("value");
        boolean expand = q.containsKey("$expand");
        int served = Math.min(size, pageCap);
        all.stream().skip(skip).limit(served).forEach(m -> value.add(selected(messageJson(m, expand), q)));
        if (skip + served < all.size()) {
            String raw = ex.getRequestURI().getRawQuery() == null ? ""
                    : ex.getRequestURI().getRawQuery().replaceAll("&?%24skip=\\d+", "");
            page.put("@odata.nextLink", baseUrl() + ex.getRequestURI().getRawPath().substring(5) + "?" + raw
                    + (raw.isEmpty() ? "" : "&") + "%24skip=" + (skip + served));
        }
        sendPage(ex, page);
    }

    private synchronized void delta(HttpExchange ex, Folder f, Map<String, String> q, int preferred)
            throws IOException {
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
            sendExpired(ex, expiredAnswer);
            return;
        }
        if (q.containsKey("$skiptoken") && expiringNextLinks.getAndUpdate(n -> n > 0 ? n - 1 : 0) > 0) {
            sendExpired(ex, nextLinkExpiry);
            return;
        }
        int asked = preferred > 0 ? preferred : DELTA_DEFAULT_PAGE_SIZE;
        if (asked > largestServedPage) {
            gatewayTimeouts.incrementAndGet();
            send(ex, 504, error("UnknownError", "Gateway Timeout"));
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
        int pageSize = Math.min(asked, pageCap);
        ObjectNode page = JSON.createObjectNode();
        ArrayNode value = page.putArray("value");
        int start = repeatInRounds && offset > 0 ? offset - 1 : offset; // the previous page's last item again
        changes.stream().skip(start).limit(pageSize + (offset - start)).forEach(m -> {
            if (m.removedSeq > 0 && m.removedSeq <= hi) {
                ObjectNode n = value.addObject();
                n.put("@odata.type", "#microsoft.graph.message");
                n.put("id", m.id);
                n.putObject("@removed").put("reason", "deleted");
            } else {
                value.add(selected(messageJson(m, false), q));
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
            // attachment-get: a file's raw contents keep its type; an item's are MIME (message), vCard (contact)
            // or iCal (event)
            String text = new String(a.content(), 0, Math.min(a.content().length, 32), StandardCharsets.ISO_8859_1);
            ex.getResponseHeaders().add("Content-Type", !a.type().equals("itemAttachment") ? a.contentType()
                    : text.startsWith("BEGIN:VCARD") ? "text/vcard" : text.startsWith("BEGIN:VCALENDAR")
                    ? "text/calendar" : "message/rfc822");
            write(ex, 200, a.content());
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

    /** The {@code odata.maxpagesize} preference, 0 when none was sent. */
    private static int pageSize(String prefer, Map<String, String> q) {
        Matcher m = PAGE_SIZE.matcher(prefer);
        return m.find() ? Integer.parseInt(m.group(1)) : 0;
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
        write(ex, 200, bytes);
    }

    private void send(HttpExchange ex, int status, String json) throws IOException {
        ex.getResponseHeaders().add("Content-Type", "application/json");
        write(ex, status, json.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Sends a body; the request stops counting as open just before its last bytes go out (so a client can never
     * have read the whole body while the fake still counts it). With {@link #slowBodies} the first half goes out,
     * then a pause, then the rest.
     */
    private void write(HttpExchange ex, int status, byte[] bytes) throws IOException {
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            long pause = slowBodyMillis;
            int half = pause > 0 ? bytes.length / 2 : 0;
            if (half > 0) {
                out.write(bytes, 0, half);
                out.flush();
                try {
                    Thread.sleep(pause);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            finish(ex);
            out.write(bytes, half, bytes.length - half);
        }
    }

    /** Expired sync state in one of the forms Graph uses. */
    private void sendExpired(HttpExchange ex, SyncStateAnswer answer) throws IOException {
        switch (answer) {
            case GONE -> send(ex, 410, error("SyncStateNotFound", "The sync state generation is not found."));
            case BAD_REQUEST_INNER -> {
                ObjectNode n = JSON.createObjectNode();
                ObjectNode e = n.putObject("error");
                e.put("code", "BadRequest");
                e.put("message", "The sync state generation is not found. The delta token is expired and data must "
                        + "be synchronized again.");
                ObjectNode inner = e.putObject("innerError");
                inner.put("code", "syncStateNotFound");
                inner.put("date", "2026-12-01T21:00:00");
                inner.put("request-id", java.util.UUID.randomUUID().toString());
                send(ex, 400, n.toString());
            }
            case BAD_REQUEST_DEEP -> {
                ObjectNode n = JSON.createObjectNode();
                ObjectNode e = n.putObject("error");
                e.put("code", "invalidRequest");
                e.put("message", "Resync required.");
                e.putObject("innerError").put("code", "badRequest").putObject("innerError").put("code", "resyncrequired");
                send(ex, 400, n.toString());
            }
            default -> throw new IllegalStateException(answer.toString());
        }
    }

    /**
     * Only the selected properties, plus {@code id} (always returned) and the {@code @odata} annotations:
     * "a property not selected is absent" (learn.microsoft.com/graph/query-parameters, select parameter).
     */
    private static ObjectNode selected(ObjectNode message, Map<String, String> q) {
        String select = q.get("$select");
        if (select == null || select.isBlank()) {
            return message;
        }
        java.util.Set<String> keep = new java.util.HashSet<>();
        for (String p : select.split(",")) {
            keep.add(p.strip().toLowerCase(Locale.ROOT));
        }
        keep.add("id");
        if (message.has("attachments")) {
            keep.add("attachments"); // brought by $expand
        }
        List<String> drop = new ArrayList<>();
        message.fieldNames().forEachRemaining(f -> {
            if (!f.startsWith("@") && !keep.contains(f.toLowerCase(Locale.ROOT))) {
                drop.add(f);
            }
        });
        message.remove(drop);
        return message;
    }

    /**
     * Graph refuses $filter with $orderby unless "properties that appear in $orderby also appear in $filter", first
     * and in the same order, answering 400 InefficientFilter (learn.microsoft.com/graph/api/user-list-messages,
     * "Using filter and orderby in the same query").
     */
    static boolean sortedPropertiesLeadTheFilter(String orderby, String filter) {
        List<String> sorted = new ArrayList<>();
        for (String part : orderby.split(",")) {
            String name = part.strip().split("\\s+")[0];
            if (!name.isEmpty()) {
                sorted.add(name.toLowerCase(Locale.ROOT));
            }
        }
        List<String> filtered = new ArrayList<>();
        Matcher m = Pattern.compile("([A-Za-z][A-Za-z0-9/]*)\\s+(?:eq|ne|gt|ge|lt|le)\\s", Pattern.CASE_INSENSITIVE)
                .matcher(filter);
        while (m.find()) {
            filtered.add(m.group(1).toLowerCase(Locale.ROOT));
        }
        if (filtered.size() < sorted.size()) {
            return false;
        }
        return filtered.subList(0, sorted.size()).equals(sorted);
    }

    @Override
    public void close() {
        http.stop(0);
        tokens.stop(0);
        ((java.util.concurrent.ExecutorService) http.getExecutor()).shutdownNow();
        ((java.util.concurrent.ExecutorService) tokens.getExecutor()).shutdownNow();
    }
}
