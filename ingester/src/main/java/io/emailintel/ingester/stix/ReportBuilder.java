package io.emailintel.ingester.stix;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.emailintel.ingester.observables.Extraction;
import io.emailintel.ingester.observables.Extractor;
import io.emailintel.ingester.observables.ObservableObjects;
import io.emailintel.model.EmailAddress;
import io.emailintel.model.Envelope;
import io.emailintel.model.EnvelopeAttachment;
import io.emailintel.model.SkippedAttachment;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/**
 * Envelope → STIX 2.1 bundle (author identity, TLP marking, report), as the Python connector shaped it, so
 * ids match after a migration. A pure function apart from the clock, which only sets {@code modified}.
 */
public final class ReportBuilder {

    /** STIX timestamps with milliseconds, as stix2 writes created/modified. */
    private static final DateTimeFormatter MILLIS = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'")
            .withZone(ZoneOffset.UTC);
    /** A fixed created/modified for the author, so every bundle carries the same identity object. */
    static final String AUTHOR_CREATED = "2025-01-01T00:00:00.000Z";

    private final ReportOptions options;
    private final Clock clock;
    private final String authorId;
    private final Extractor extractor;

    public ReportBuilder(ReportOptions options, Clock clock) {
        this(options, clock, Extractor.off());
    }

    /** With {@code extractor} finding the observables the report contains (EMAIL_INTEL_MICROSOFT_EXTRACT). */
    public ReportBuilder(ReportOptions options, Clock clock, Extractor extractor) {
        this.options = options;
        this.clock = clock;
        this.authorId = StixIds.organizationId(options.authorName());
        this.extractor = extractor;
    }

    public StixBundle build(Envelope envelope) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        Instant published = envelope.receivedAt();
        String name = reportName(envelope);
        String reportId = StixIds.reportId(name, published);

        ObjectNode report = f.objectNode();
        report.put("type", "report");
        report.put("spec_version", "2.1");
        report.put("id", reportId);
        Instant created = published.truncatedTo(ChronoUnit.MILLIS);
        Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        report.put("created", MILLIS.format(created));
        report.put("modified", MILLIS.format(now.isBefore(created) ? created : now));
        report.put("name", name);
        Extraction extraction = extractor.extract(envelope);
        report.put("description", description(envelope) + extraction.descriptionNote());
        report.put("published", DateTimeFormatter.ISO_INSTANT.format(published));
        ArrayNode types = report.putArray("report_types");
        options.reportTypes().forEach(types::add);
        report.put("created_by_ref", authorId);
        report.putArray("object_marking_refs").add(options.tlp().markingId());
        // STIX requires at least one ref; the author is the one object every report has
        report.putArray("object_refs").add(authorId);
        report.set("external_references", f.arrayNode().add(externalReference(envelope)));
        if (!envelope.body().content().isBlank()) {
            report.put("x_opencti_content", BodySanitizer.toSafeHtml(envelope.body()));
        }
        report.set("x_opencti_files", files(envelope));
        // extracted observables: the report contains them (and only them: the author is created_by_ref already)
        List<ObjectNode> observables = ObservableObjects.of(extraction, extractor.mode(), authorId,
                options.tlp().markingId(), published, now);
        if (!observables.isEmpty()) {
            ArrayNode refs = report.putArray("object_refs");
            observables.forEach(o -> refs.add(o.get("id").textValue()));
        }

        ObjectNode bundle = f.objectNode();
        bundle.put("type", "bundle");
        bundle.put("id", "bundle--" + StixIds.nameBased("bundle:" + reportId));
        ArrayNode objects = bundle.putArray("objects");
        objects.add(author());
        objects.add(options.tlp().definition());
        objects.add(report);
        objects.addAll(observables);
        return new StixBundle(reportId, bundle);
    }

    /**
     * Longest report name, in characters. RFC 5322 limits a header line to 998 characters, so real subjects fit
     * and keep the Python connector's id; a longer (hostile) subject is cut, and the id is computed from the
     * name as cut, the way OpenCTI recomputes it. The description keeps the whole subject.
     */
    static final int MAX_NAME_LENGTH = 1000;

    /** The subject; without one, who sent it (the Python connector crashed when the sender was missing too). */
    static String reportName(Envelope envelope) {
        String subject = envelope.subject().strip();
        if (!subject.isEmpty()) {
            return bounded(subject);
        }
        EmailAddress author = envelope.author();
        String who = !author.address().isBlank() ? author.address().strip()
                : !author.name().isBlank() ? author.name().strip() : "an unknown sender";
        return bounded("<no subject> from " + who);
    }

    private static String bounded(String name) {
        if (name.length() <= MAX_NAME_LENGTH) {
            return name;
        }
        int end = MAX_NAME_LENGTH - 1;
        if (Character.isHighSurrogate(name.charAt(end - 1))) {
            end--;
        }
        return name.substring(0, end).strip() + "…";
    }

    private ObjectNode author() {
        ObjectNode identity = JsonNodeFactory.instance.objectNode();
        identity.put("type", "identity");
        identity.put("spec_version", "2.1");
        identity.put("id", authorId);
        identity.put("created", AUTHOR_CREATED);
        identity.put("modified", AUTHOR_CREATED);
        identity.put("name", options.authorName());
        identity.put("identity_class", "organization");
        return identity;
    }

    private static String description(Envelope e) {
        StringBuilder out = new StringBuilder();
        String from = e.author().display();
        out.append("**From:** ").append(from.isBlank() ? "(unknown)" : markdown(from)).append("  \n");
        out.append("**Received:** ").append(DateTimeFormatter.ISO_INSTANT.format(e.receivedAt())).append("  \n");
        out.append("**Subject:** ").append(e.subject().isBlank() ? "(none)" : markdown(e.subject().strip()))
                .append("  \n");
        out.append("**Attachments:** ").append(e.attachments().size());
        List<String> findings = new ArrayList<>();
        for (EnvelopeAttachment a : e.attachments()) {
            AttachmentCheck.Verdict v = AttachmentCheck.of(a);
            if (!v.finding().isEmpty()) {
                findings.add("- " + markdown(a.name().isBlank() ? "(unnamed)" : a.name()) + ": " + v.finding());
            }
        }
        if (!findings.isEmpty()) {
            out.append("\n\n**Attachments flagged:**\n").append(String.join("\n", findings));
        }
        if (!e.skippedAttachments().isEmpty()) {
            out.append("\n\n**Attachments not imported:**\n");
            for (SkippedAttachment s : e.skippedAttachments()) {
                out.append("- ").append(markdown(s.name().isBlank() ? "(unnamed)" : s.name()));
                List<String> facts = new ArrayList<>();
                if (!s.mimeType().isBlank()) {
                    facts.add(s.mimeType());
                }
                if (s.size() >= 0) {
                    facts.add(s.size() + " bytes");
                }
                if (!facts.isEmpty()) {
                    out.append(" (").append(String.join(", ", facts)).append(')');
                }
                out.append(": ").append(why(s));
                out.append('\n');
            }
        }
        return out.toString().stripTrailing();
    }

    private static String why(SkippedAttachment s) {
        String reason = switch (s.reason()) {
            case NOT_ALLOWED -> "MIME type not in the allow-list";
            case TOO_LARGE -> "too large";
            case REFERENCE_ATTACHMENT -> "a link to a file stored elsewhere";
            case INLINE_IMAGE -> "inline image";
            case UNAVAILABLE -> "content not available from the mailbox";
        };
        return s.detail().isBlank() ? reason : reason + " — " + markdown(s.detail());
    }

    /** Keeps user text from turning into markdown structure (links, emphasis, HTML). */
    private static String markdown(String text) {
        StringBuilder out = new StringBuilder();
        for (char c : text.replace('\n', ' ').replace('\r', ' ').toCharArray()) {
            if ("\\`*_[]<>#|".indexOf(c) >= 0) {
                out.append('\\');
            }
            out.append(c);
        }
        return out.toString();
    }

    private static ObjectNode externalReference(Envelope e) {
        ObjectNode ref = JsonNodeFactory.instance.objectNode();
        String messageId = e.source().internetMessageId().strip();
        if (!messageId.isEmpty()) {
            ref.put("source_name", "email");
            ref.put("external_id", messageId);
            ref.put("description", "Internet Message-ID of the e-mail");
        } else {
            ref.put("source_name", "email-intel");
            ref.put("external_id", e.envelopeId());
            ref.put("description", "Envelope id (the e-mail has no Message-ID)");
        }
        return ref;
    }

    private ArrayNode files(Envelope e) {
        ArrayNode files = JsonNodeFactory.instance.arrayNode();
        List<EnvelopeAttachment> uploaded = new ArrayList<>();
        List<AttachmentCheck.Verdict> verdicts = new ArrayList<>();
        for (EnvelopeAttachment a : e.attachments()) {
            AttachmentCheck.Verdict v = AttachmentCheck.of(a);
            if (v.uploaded()) {
                uploaded.add(a);
                verdicts.add(v);
            }
        }
        // a flagged file's name must not claim its type either: "invoice.pdf" becomes "invoice.pdf.bin"
        List<String> names = new ArrayList<>();
        for (int i = 0; i < uploaded.size(); i++) {
            names.add(uploaded.get(i).name() + (verdicts.get(i).flagged() ? AttachmentCheck.FLAGGED_SUFFIX : ""));
        }
        names = AttachmentNames.safeAndUnique(names);
        for (int i = 0; i < uploaded.size(); i++) {
            EnvelopeAttachment a = uploaded.get(i);
            ObjectNode file = files.addObject();
            file.put("name", names.get(i));
            // a BinaryNode over the envelope's array, not a copy: Jackson writes it as standard padded base64
            // (what Base64.getEncoder() gives), so a 12 MiB attachment is never held as a 16 MiB String too
            file.put("data", a.content());
            file.put("mime_type", verdicts.get(i).mimeType());
            file.putArray("object_marking_refs").add(options.tlp().markingId());
            file.put("no_trigger_import", options.noTriggerImport() || verdicts.get(i).flagged());
        }
        return files;
    }
}
