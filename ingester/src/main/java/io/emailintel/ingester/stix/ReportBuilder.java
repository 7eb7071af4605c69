package io.emailintel.ingester.stix;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.emailintel.ingester.attachments.AttachmentExpander;
import io.emailintel.ingester.attachments.AttachmentExpansion;
import io.emailintel.ingester.attachments.ExpansionSettings;
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
    private final AttachmentExpander expander;
    private final Extractor extractor;

    public ReportBuilder(ReportOptions options, Clock clock) {
        this(options, clock, new AttachmentExpander(ExpansionSettings.off()), Extractor.off());
    }

    /** With {@code extractor} finding the observables the report contains (EMAIL_INTEL_MICROSOFT_EXTRACT). */
    public ReportBuilder(ReportOptions options, Clock clock, Extractor extractor) {
        this(options, clock, new AttachmentExpander(ExpansionSettings.off()), extractor);
    }

    /** With archives, .msg files and attached e-mails opened as the expander's settings say (issue 21). */
    public ReportBuilder(ReportOptions options, Clock clock, AttachmentExpander expander) {
        this(options, clock, expander, Extractor.off());
    }

    /** With both: attachments expanded (issue 21) and observables extracted (issue 17). */
    public ReportBuilder(ReportOptions options, Clock clock, AttachmentExpander expander, Extractor extractor) {
        this.options = options;
        this.clock = clock;
        this.expander = expander;
        this.extractor = extractor;
    }

    /** The defaults every report gets when no triage rule decides otherwise. */
    public ReportOptions options() {
        return options;
    }

    /** Today's report: the configured author, marking and report types. */
    public StixBundle build(Envelope envelope) {
        return build(envelope, ReportDecision.defaults(options));
    }

    /** The report with the author, marking, labels and report types triage decided for this e-mail. */
    public StixBundle build(Envelope envelope, ReportDecision decision) {
        // triage (begin): the decision replaces the fixed author, marking and report types
        String authorId = StixIds.organizationId(decision.authorName());
        Tlp tlp = decision.tlp();
        // triage (end)
        JsonNodeFactory f = JsonNodeFactory.instance;
        Instant published = envelope.receivedAt();
        String name = reportName(envelope);
        String reportId = StixIds.reportId(name, published);
        // attachment expansion (issue 21): extracted files follow the attachments, through the same checks
        AttachmentExpansion expansion = expander.expand(envelope);
        List<EnvelopeAttachment> carried = new ArrayList<>(envelope.attachments());
        carried.addAll(expansion.files());

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
        String expanded = expansion.description();
        report.put("description", description(envelope, carried, !options.messageIdReference())
                + TriageLines.of(envelope, decision) + (expanded.isEmpty() ? "" : "\n\n" + expanded)
                + extraction.descriptionNote());
        report.put("published", DateTimeFormatter.ISO_INSTANT.format(published));
        ArrayNode types = report.putArray("report_types");
        decision.reportTypes().forEach(types::add);
        List<String> labels = labels(envelope, decision);
        if (!labels.isEmpty()) {
            labels.forEach(report.putArray("labels")::add);
        }
        report.put("created_by_ref", authorId);
        report.putArray("object_marking_refs").add(tlp.markingId());
        // No object_refs, as the Python connector (its report class makes them optional and the platform accepts a
        // report without them): the author there would make every report "contain" the author entity.
        if (options.messageIdReference()) {
            // opt-in only: external references are platform entities without markings, readable whatever the TLP
            report.set("external_references", f.arrayNode().add(externalReference(envelope)));
        }
        if (!envelope.body().content().isBlank()) {
            report.put("x_opencti_content", BodySanitizer.toSafeHtml(envelope.body()));
        }
        report.set("x_opencti_files", files(carried, tlp));
        // extracted observables: the report contains them (and only them: the author is created_by_ref already)
        List<ObjectNode> observables = ObservableObjects.of(extraction, extractor.mode(), authorId,
                tlp.markingId(), published, now);
        if (!observables.isEmpty()) {
            ArrayNode refs = report.putArray("object_refs");
            observables.forEach(o -> refs.add(o.get("id").textValue()));
        }

        ObjectNode bundle = f.objectNode();
        bundle.put("type", "bundle");
        bundle.put("id", "bundle--" + StixIds.nameBased("bundle:" + reportId));
        ArrayNode objects = bundle.putArray("objects");
        objects.add(author(authorId, decision));
        objects.add(tlp.definition());
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

    /**
     * The subject, when OpenCTI accepts it as a name ({@link PlatformName}); otherwise who sent it, as the Python
     * connector names a message without a subject (it crashed when the sender was missing too). A subject the
     * Python connector could import (one the platform accepts) keeps the Python connector's name and so its id:
     * the id is computed over Python's {@code lower(strip(name))}, which our strip does not change.
     */
    static String reportName(Envelope envelope) {
        String subject = envelope.subject();
        String stripped = bounded(subject.strip());
        if (PlatformName.accepted(stripped)) {
            return stripped;
        }
        if (PlatformName.accepted(subject) && subject.length() <= MAX_NAME_LENGTH) {
            // e.g. " a": too short once stripped, but the Python connector sent it as is and the platform took it
            return subject;
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

    private static ObjectNode author(String authorId, ReportDecision decision) {
        ObjectNode identity = JsonNodeFactory.instance.objectNode();
        identity.put("type", "identity");
        identity.put("spec_version", "2.1");
        identity.put("id", authorId);
        identity.put("created", AUTHOR_CREATED);
        identity.put("modified", AUTHOR_CREATED);
        identity.put("name", decision.authorName());
        if (!decision.authorDescription().isBlank()) {
            identity.put("description", decision.authorDescription());
        }
        identity.put("identity_class", "organization");
        if (!decision.authorSectors().isEmpty()) {
            decision.authorSectors().forEach(identity.putArray("sectors")::add);
        }
        return identity;
    }

    private static String description(Envelope e, List<EnvelopeAttachment> carried, boolean withMessageId) {
        StringBuilder out = new StringBuilder();
        String from = e.author().display();
        out.append("**From:** ").append(from.isBlank() ? "(unknown)" : markdown(from)).append("  \n");
        out.append("**Received:** ").append(DateTimeFormatter.ISO_INSTANT.format(e.receivedAt())).append("  \n");
        out.append("**Subject:** ").append(e.subject().isBlank() ? "(none)" : markdown(e.subject().strip()))
                .append("  \n");
        if (withMessageId) {
            // here, under the report's marking, rather than in an external reference that carries none
            String messageId = e.source().internetMessageId().strip();
            out.append("**Message-ID:** ").append(messageId.isEmpty() ? "(none; envelope " + markdown(e.envelopeId())
                    + ")" : markdown(messageId)).append("  \n");
        }
        out.append("**Attachments:** ").append(e.attachments().size());
        List<String> findings = new ArrayList<>();
        for (EnvelopeAttachment a : carried) {
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
    static String markdown(String text) {
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

    private ArrayNode files(List<EnvelopeAttachment> carried, Tlp tlp) {
        ArrayNode files = JsonNodeFactory.instance.arrayNode();
        List<EnvelopeAttachment> uploaded = new ArrayList<>();
        List<AttachmentCheck.Verdict> verdicts = new ArrayList<>();
        for (EnvelopeAttachment a : carried) {
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
            file.putArray("object_marking_refs").add(tlp.markingId());
            file.put("no_trigger_import", options.noTriggerImport() || verdicts.get(i).flagged());
        }
        return files;
    }

    /** The prefix of the label that names the fetcher's source of the e-mail: {@code source:soc}. */
    static final String SOURCE_LABEL = "source:";

    /**
     * The triage labels, then {@code source:<name>} for an e-mail from a source listed by name in the fetcher's
     * {@code fetcher.sources}; none for the one source of a classic fetcher or an envelope from before 1.2, so
     * those reports are what they always were.
     */
    static List<String> labels(Envelope envelope, ReportDecision decision) {
        if (!envelope.source().listed()) {
            return decision.labels();
        }
        List<String> labels = new ArrayList<>(decision.labels());
        String source = SOURCE_LABEL + envelope.source().name();
        if (!labels.contains(source)) {
            labels.add(source);
        }
        return labels;
    }
}
