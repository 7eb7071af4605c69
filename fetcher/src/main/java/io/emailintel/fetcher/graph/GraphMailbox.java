package io.emailintel.fetcher.graph;

import com.microsoft.graph.models.Attachment;
import com.microsoft.graph.models.BodyType;
import com.microsoft.graph.models.ItemAttachment;
import com.microsoft.graph.models.MailFolder;
import com.microsoft.graph.models.MailFolderCollectionResponse;
import com.microsoft.graph.models.Message;
import com.microsoft.graph.models.MessageCollectionResponse;
import com.microsoft.graph.models.Recipient;
import com.microsoft.graph.models.ReferenceAttachment;
import com.microsoft.graph.models.odataerrors.ODataError;
import com.microsoft.graph.serviceclient.GraphServiceClient;
import com.microsoft.graph.users.item.mailfolders.item.MailFolderItemRequestBuilder;
import com.microsoft.graph.users.item.mailfolders.item.messages.delta.DeltaGetResponse;
import com.microsoft.kiota.ApiException;
import com.microsoft.kiota.BaseRequestConfiguration;
import com.microsoft.kiota.HttpMethod;
import com.microsoft.kiota.RequestInformation;
import com.microsoft.kiota.serialization.Parsable;
import com.microsoft.kiota.serialization.ParsableFactory;
import io.emailintel.model.AttachmentKind;
import io.emailintel.model.EmailAddress;
import io.emailintel.model.Envelope;
import io.emailintel.model.EnvelopeAttachment;
import io.emailintel.model.EnvelopeBody;
import io.emailintel.model.EnvelopeSource;
import io.emailintel.model.Recipients;
import io.emailintel.model.SkipReason;
import io.emailintel.model.SkippedAttachment;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Optional;
import java.util.function.IntFunction;
import io.emailintel.fetcher.triage.ListingFilter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The configured folder of one mailbox through the Graph SDK, GET requests only. Ids are immutable
 * ({@code Prefer: IdType="ImmutableId"}); listing pages carry the attachment metadata
 * ({@code $expand=attachments($select=…)}), so only accepted attachments cost a request.
 */
public final class GraphMailbox implements Mailbox {

    private static final Logger log = LoggerFactory.getLogger(GraphMailbox.class);

    private static final String[] SELECT = {"id", "subject", "from", "sender", "toRecipients", "ccRecipients",
            "bccRecipients", "sentDateTime", "receivedDateTime", "body", "internetMessageId", "hasAttachments",
            "internetMessageHeaders"}; // triage: headers come only when selected (List-Id rules)
    private static final String[] EXPAND = {"attachments($select=id,name,contentType,size,isInline)"};
    private static final String[] DELTA_SELECT = {"id", "receivedDateTime"};

    private final GraphServiceClient graph;
    private final String baseUrl;
    private final String mailbox;
    private final String folder;
    private final PageSize pageSize;
    private final PageSize deltaPageSize;
    private final AttachmentPolicy policy;
    private final Clock clock;
    private final boolean offersDelta;
    private final Duration watermarkOverlap;
    private final DeltaRound round = new DeltaRound();
    private volatile String folderId;
    private final ListingFilter filter;

    /**
     * What a cursor holds in place of a delta link where message delta is not offered (watermark mode): every
     * cycle then lists the folder from the received-time watermark minus the overlap.
     */
    static final String WATERMARK_LINK = "watermark:";

    /**
     * Delta pages carry ids and receivedDateTime only (a few hundred bytes per message), so they are asked for
     * in pages of at least this many, whatever the listing's page size: the first round after a backfill
     * enumerates the whole folder, and this keeps it to a handful of requests.
     */
    public static final int MIN_DELTA_PAGE_SIZE = 1000;

    public GraphMailbox(GraphServiceClient graph, String baseUrl, String mailbox, String folder, int pageSize,
                        AttachmentPolicy policy, Clock clock) {
        this(graph, baseUrl, mailbox, folder, pageSize, Math.max(pageSize, MIN_DELTA_PAGE_SIZE), policy, clock);
    }

    /** As above, with the delta query's page size given ({@code Prefer: odata.maxpagesize}). */
    public GraphMailbox(GraphServiceClient graph, String baseUrl, String mailbox, String folder, int pageSize,
                        int deltaPageSize, AttachmentPolicy policy, Clock clock) {
        this(graph, baseUrl, mailbox, folder, pageSize, deltaPageSize, policy, clock, SyncMode.DELTA,
                Duration.ZERO, ListingFilter.none());
    }

    /** As above, with the triage rules' skip filter applied before any attachment is downloaded. */
    public GraphMailbox(GraphServiceClient graph, String baseUrl, String mailbox, String folder, int pageSize,
                        int deltaPageSize, AttachmentPolicy policy, Clock clock, ListingFilter filter) {
        this(graph, baseUrl, mailbox, folder, pageSize, deltaPageSize, policy, clock, SyncMode.DELTA,
                Duration.ZERO, filter);
    }

    /**
     * As above, in the given sync mode and with the triage skip filter. With {@link SyncMode#WATERMARK} there is
     * no delta query: each cycle lists what was received since the watermark minus {@code watermarkOverlap}
     * (mail moved in later with an older receivedDateTime is missed).
     */
    public GraphMailbox(GraphServiceClient graph, String baseUrl, String mailbox, String folder, int pageSize,
                        int deltaPageSize, AttachmentPolicy policy, Clock clock, SyncMode syncMode,
                        Duration watermarkOverlap, ListingFilter filter) {
        this.filter = filter;
        this.deltaPageSize = new PageSize(deltaPageSize);
        this.graph = graph;
        this.baseUrl = baseUrl.replaceAll("/+$", "");
        this.mailbox = mailbox;
        this.folder = folder;
        this.pageSize = new PageSize(pageSize);
        this.policy = policy;
        this.clock = clock;
        this.offersDelta = syncMode == SyncMode.DELTA;
        this.watermarkOverlap = watermarkOverlap;
    }

    @Override
    public boolean offersDelta() {
        return offersDelta;
    }

    /** The triage skip filter this mailbox applies. */
    public ListingFilter filter() {
        return filter;
    }

    private void headers(BaseRequestConfiguration rc) {
        headers(rc, pageSize.current());
    }

    private static void headers(BaseRequestConfiguration rc, int size) {
        rc.headers.add("Prefer", "IdType=\"ImmutableId\"");
        rc.headers.add("Prefer", "odata.maxpagesize=" + size);
    }

    /**
     * Runs a page request with the current page size, halving it while Graph still answers 504 after the
     * throttling retries ({@link PageSize}).
     */
    private <T> T shrinking(PageSize size, IntFunction<T> request) {
        while (true) {
            int used = size.current();
            try {
                return request.apply(used);
            } catch (ApiException e) {
                if (e.getResponseStatusCode() != 504 || !size.halveAfter(used)) {
                    throw e;
                }
                log.warn("Graph answered 504 (gateway timeout) to a page of {} messages; asking for pages of {} "
                        + "from now on", used, size.current());
            }
        }
    }

    /** Resolves the configured folder (once). */
    public String folderId() {
        if (folderId == null) {
            folderId = FolderPath.parse(folder).resolve(this::children);
            log.info("reading folder '{}' of {}", folder, mailbox);
        }
        return folderId;
    }

    private List<FolderPath.Folder> children(String parentId) {
        var folders = graph.users().byUserId(mailbox).mailFolders();
        // hidden folders are listed only when asked for, and both listings are paged (learn.microsoft.com/graph/api/
        // user-list-mailfolders, mailfolder-list-childfolders: includeHiddenFolders=true; follow @odata.nextLink)
        MailFolderCollectionResponse page = parentId == null
                ? folders.get(rc -> {
                    headers(rc);
                    rc.queryParameters.top = 100;
                    rc.queryParameters.includeHiddenFolders = "true";
                    rc.queryParameters.select = new String[] {"id", "displayName"};
                })
                : folders.byMailFolderId(parentId).childFolders().get(rc -> {
                    headers(rc);
                    rc.queryParameters.top = 100;
                    rc.queryParameters.includeHiddenFolders = "true";
                    rc.queryParameters.select = new String[] {"id", "displayName"};
                });
        List<FolderPath.Folder> out = new ArrayList<>();
        while (page != null) {
            for (MailFolder f : page.getValue()) {
                out.add(new FolderPath.Folder(f.getId(), f.getDisplayName()));
            }
            String next = page.getOdataNextLink();
            page = next == null ? null : folders.withUrl(next).get(this::headers);
        }
        return out;
    }

    private MailFolderItemRequestBuilder folder() {
        return graph.users().byUserId(mailbox).mailFolders().byMailFolderId(folderId());
    }

    @Override
    public java.util.OptionalLong totalItems() {
        try {
            var f = folder().get(rc -> {
                headers(rc);
                rc.queryParameters.select = new String[] {"totalItemCount"};
            });
            Integer total = f == null ? null : f.getTotalItemCount();
            return total == null ? java.util.OptionalLong.empty() : java.util.OptionalLong.of(total);
        } catch (RuntimeException e) {
            // progress is a courtesy: never fail a cycle over it
            log.debug("cannot read the folder's item count: {}", e.toString());
            return java.util.OptionalLong.empty();
        }
    }

    @Override
    public Page listSince(Instant since) {
        Instant from = offersDelta ? since : since.minus(watermarkOverlap);
        return listingPage(shrinking(pageSize, size -> folder().messages().get(rc -> {
            headers(rc, size);
            rc.queryParameters.filter = "receivedDateTime ge " + DateTimeFormatter.ISO_INSTANT.format(from);
            rc.queryParameters.orderby = new String[] {"receivedDateTime asc"};
            rc.queryParameters.top = size;
            rc.queryParameters.select = SELECT;
            rc.queryParameters.expand = EXPAND;
        })));
    }

    private Page listingPage(MessageCollectionResponse r) {
        List<Item> items = new ArrayList<>();
        for (Message m : r.getValue()) {
            items.add(new Item(m.getId(), instant(m.getReceivedDateTime()), false, m));
        }
        return new Page(items, r.getOdataNextLink(), null);
    }

    @Override
    public Page deltaStart() {
        if (!offersDelta) {
            return new Page(List.of(), null, WATERMARK_LINK);
        }
        try {
            return round.filter(deltaPage(shrinking(deltaPageSize, size -> folder().messages().delta().get(rc -> {
                headers(rc, size);
                rc.queryParameters.select = DELTA_SELECT;
                // only mail that appears in the folder (new or moved in); edits of known mail are not news
                rc.queryParameters.changeType = "created";
            }))), false);
        } catch (ApiException e) {
            throw deltaError(e);
        }
    }

    @Override
    public Page follow(String link, boolean delta) {
        if (!delta) {
            return listingPage(shrinking(pageSize, size -> folder().messages().withUrl(PageSize.withTop(link, size))
                    .get(rc -> headers(rc, size))));
        }
        if (!offersDelta) {
            return new Page(List.of(), null, WATERMARK_LINK);
        }
        if (WATERMARK_LINK.equals(link)) {
            throw new DeltaExpiredException("the cursor was written in watermark mode; delta starts a new round", null);
        }
        boolean continuing = round.continues(link);
        try {
            return round.filter(deltaPage(shrinking(deltaPageSize, size -> folder().messages().delta().withUrl(link)
                    .get(rc -> headers(rc, size)))), continuing);
        } catch (ApiException e) {
            throw deltaError(e);
        }
    }

    private static RuntimeException deltaError(ApiException e) {
        if (SyncStateErrors.isExpired(e)) {
            return new DeltaExpiredException("delta link rejected: sync state expired or invalid (HTTP "
                    + e.getResponseStatusCode() + ", " + String.join("/", SyncStateErrors.codes(e)) + ")", e);
        }
        return e;
    }

    private static Page deltaPage(DeltaGetResponse r) {
        List<Item> items = new ArrayList<>();
        for (Message m : r.getValue()) {
            boolean removed = m.getAdditionalData() != null && m.getAdditionalData().containsKey("@removed");
            items.add(new Item(m.getId(), instant(m.getReceivedDateTime()), removed, null));
        }
        return new Page(items, r.getOdataNextLink(), r.getOdataDeltaLink());
    }

    @Override
    public Optional<Envelope> envelope(Item item, String fetchCycleId) {
        Message m;
        if (item.source() instanceof Message listed) {
            m = listed;
        } else {
            try {
                m = graph.users().byUserId(mailbox).messages().byMessageId(item.id()).get(rc -> {
                    headers(rc);
                    rc.queryParameters.select = SELECT;
                    rc.queryParameters.expand = EXPAND;
                });
            } catch (ApiException e) {
                if (e.getResponseStatusCode() == 404) {
                    log.info("message {} is gone since it was listed; skipped", item.id());
                    return Optional.empty();
                }
                throw e;
            }
        }
        // triage (begin): skip rules decidable from the listing, before any attachment is downloaded
        if (filter.filteredBy(() -> ListingFacts.of(m), m.getId()).isPresent()) {
            return Optional.empty();
        }
        // triage (end)
        Envelope.Builder b = Envelope.builder()
                .source(new EnvelopeSource(EnvelopeSource.KIND_GRAPH, mailbox, folder, m.getId(),
                        m.getInternetMessageId(), filter.source()))
                .subject(m.getSubject())
                .from(address(m.getFrom()))
                .sender(address(m.getSender()))
                .recipients(new Recipients(addresses(m.getToRecipients()), addresses(m.getCcRecipients()),
                        addresses(m.getBccRecipients())))
                .sentAt(instant(m.getSentDateTime()))
                .receivedAt(instant(m.getReceivedDateTime()))
                .body(m.getBody() == null ? EnvelopeBody.empty() : new EnvelopeBody(
                        m.getBody().getContentType() == BodyType.Html ? EnvelopeBody.HTML : EnvelopeBody.TEXT,
                        m.getBody().getContent()))
                .fetchCycleId(fetchCycleId)
                .fetchedAt(clock.instant());
        ListingFacts.headers(m).forEach(h -> b.header(h.name(), h.value())); // triage
        List<Attachment> attachments = m.getAttachments();
        if (attachments == null && Boolean.TRUE.equals(m.getHasAttachments())) {
            attachments = graph.users().byUserId(mailbox).messages().byMessageId(m.getId()).attachments()
                    .get(rc -> {
                        headers(rc);
                        rc.queryParameters.select = new String[] {"id", "name", "contentType", "size", "isInline"};
                    }).getValue();
        }
        long carried = 0;
        for (Attachment a : attachments == null ? List.<Attachment>of() : attachments) {
            carried += attach(b, m.getId(), a, carried);
        }
        return Optional.of(b.build());
    }

    /**
     * What the envelope of a listed message will weigh: its body and the attachments the policy lets through on
     * their metadata. A delta item (metadata not known yet) is assumed to carry the most the policy allows.
     */
    @Override
    public long expectedBytes(Item item) {
        if (!(item.source() instanceof Message m)) {
            return policy.maxTotalBytes();
        }
        long bytes = m.getBody() == null || m.getBody().getContent() == null ? 0 : m.getBody().getContent().length();
        long carried = 0;
        for (Attachment a : m.getAttachments() == null ? List.<Attachment>of() : m.getAttachments()) {
            AttachmentPolicy.Meta meta = meta(a);
            if (policy.screen(meta, carried).isEmpty()) {
                carried += Math.max(0, meta.size());
            }
        }
        return bytes + carried;
    }

    private static AttachmentPolicy.Meta meta(Attachment a) {
        return new AttachmentPolicy.Meta(kind(a), a.getName(), a.getContentType(),
                a.getSize() == null ? -1 : a.getSize(), Boolean.TRUE.equals(a.getIsInline()));
    }

    /** Adds the attachment or its skip record; returns the bytes carried. */
    private long attach(Envelope.Builder b, String messageId, Attachment a, long carried) {
        AttachmentPolicy.Meta meta = meta(a);
        Optional<SkippedAttachment> skip = policy.screen(meta, carried);
        if (skip.isPresent()) {
            b.skipped(skip.get());
            return 0;
        }
        byte[] content;
        try {
            content = rawContent(messageId, a.getId(), meta.kind());
        } catch (ApiException e) {
            if (e.getResponseStatusCode() == 429 || e.getResponseStatusCode() >= 500) {
                throw e; // throttled or Graph trouble: retry the whole e-mail later rather than drop a file
            }
            b.skipped(new SkippedAttachment(meta.name(), meta.contentType(), meta.size(), SkipReason.UNAVAILABLE,
                    "Graph answered " + e.getResponseStatusCode()));
            return 0;
        }
        String type = AttachmentPolicy.effectiveType(meta, content);
        skip = policy.check(meta, type, content.length, carried);
        if (skip.isPresent()) {
            b.skipped(skip.get());
            return 0;
        }
        String name = AttachmentPolicy.fileName(meta, type);
        b.attachment(EnvelopeAttachment.of(name, type, meta.inline(),
                meta.kind() == AttachmentPolicy.Kind.ITEM ? AttachmentKind.ITEM : AttachmentKind.FILE, content));
        return content.length;
    }

    private static AttachmentPolicy.Kind kind(Attachment a) {
        String type = a.getOdataType() == null ? "" : a.getOdataType();
        if (a instanceof ItemAttachment || type.endsWith("itemAttachment")) {
            return AttachmentPolicy.Kind.ITEM;
        }
        if (a instanceof ReferenceAttachment || type.endsWith("referenceAttachment")) {
            return AttachmentPolicy.Kind.REFERENCE;
        }
        return AttachmentPolicy.Kind.FILE;
    }

    /**
     * An attachment's bytes: {@code GET …/attachments/{id}/$value} (no typed builder for it). For a file this is
     * the raw content, a quarter smaller on the wire than {@code contentBytes} and with no JSON string or base64
     * to decode; for an attached Outlook item it is the item as MIME.
     */
    private byte[] rawContent(String messageId, String attachmentId, AttachmentPolicy.Kind kind) {
        RequestInformation request = new RequestInformation();
        request.httpMethod = HttpMethod.GET;
        request.setUri(URI.create(baseUrl + "/users/" + encode(mailbox) + "/messages/" + encode(messageId)
                + "/attachments/" + encode(attachmentId) + "/$value"));
        request.headers.add("Accept", kind == AttachmentPolicy.Kind.ITEM
                ? "message/rfc822, text/vcard, text/calendar, application/octet-stream" : "*/*");
        request.headers.add("Prefer", "IdType=\"ImmutableId\"");
        HashMap<String, ParsableFactory<? extends Parsable>> errors = new HashMap<>();
        errors.put("XXX", ODataError::createFromDiscriminatorValue);
        try (InputStream in = graph.getRequestAdapter().sendPrimitive(request, errors, InputStream.class)) {
            return in == null ? new byte[0] : in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("reading attachment " + attachmentId, e);
        }
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static Instant instant(OffsetDateTime t) {
        return t == null ? null : t.toInstant();
    }

    private static EmailAddress address(Recipient r) {
        if (r == null || r.getEmailAddress() == null) {
            return null;
        }
        return new EmailAddress(r.getEmailAddress().getName(), r.getEmailAddress().getAddress());
    }

    private static List<EmailAddress> addresses(List<Recipient> rs) {
        List<EmailAddress> out = new ArrayList<>();
        if (rs != null) {
            for (Recipient r : rs) {
                EmailAddress a = address(r);
                if (a != null) {
                    out.add(a);
                }
            }
        }
        return out;
    }
}
