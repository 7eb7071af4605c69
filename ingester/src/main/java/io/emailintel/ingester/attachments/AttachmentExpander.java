package io.emailintel.ingester.attachments;

import io.emailintel.model.AttachmentKind;
import io.emailintel.model.Envelope;
import io.emailintel.model.EnvelopeAttachment;
import java.util.ArrayList;
import java.util.List;

/**
 * Opens an e-mail's archives (zip, 7z, tar, gzip), Outlook {@code .msg} files and attached e-mails, inside
 * one another up to the depth limit, and returns what they hold (issue 21). It runs in the ingester, on the
 * envelope as the fetcher carried it: the envelope is never changed, so a dead-letter replay or a new setting
 * applies to e-mails already fetched. Every container is hostile input: sizes are counted while decompressing,
 * never taken from headers, and any limit, damage or parser failure closes that container with a reason
 * instead of failing the e-mail. A pure function of the envelope and the settings (no I/O, no clock).
 */
public final class AttachmentExpander {

    private final ExpansionSettings settings;

    public AttachmentExpander(ExpansionSettings settings) {
        this.settings = settings;
    }

    public AttachmentExpansion expand(Envelope envelope) {
        if (!settings.enabled() || envelope.attachments().isEmpty()) {
            return AttachmentExpansion.NONE;
        }
        Run run = new Run(new Budget(settings));
        List<Password> hints = PasswordHints.from(
                PasswordHints.text(envelope.body().content(), envelope.body().isHtml()));
        for (EnvelopeAttachment a : envelope.attachments()) {
            String name = a.name().isBlank() ? "(unnamed)" : a.name();
            run.open(name, name, a.mimeType(), a.content(), 1, hints);
        }
        return new AttachmentExpansion(run.files, run.opened, run.extracted, run.closed);
    }

    /** One e-mail's expansion: its budget and what it found so far. */
    private final class Run {

        private final Budget budget;
        private final List<EnvelopeAttachment> files = new ArrayList<>();
        private final List<String> opened = new ArrayList<>();
        private final List<String> extracted = new ArrayList<>();
        private final List<String> closed = new ArrayList<>();

        Run(Budget budget) {
            this.budget = budget;
        }

        /** Opens the content if it is a container; a plain file is left alone. */
        void open(String label, String name, String declaredType, byte[] content, int depth, List<Password> hints) {
            MemberTypes.Container kind = MemberTypes.container(name, declaredType, content);
            if (kind == MemberTypes.Container.NONE) {
                return;
            }
            if (depth > settings.maxDepth()) {
                closed.add(label + ": not opened, nested deeper than " + settings.maxDepth()
                        + " containers (INGESTER_EXPAND_MAX_DEPTH)");
                return;
            }
            switch (kind) {
                case ZIP -> archive(label, new ZipReader(), content, depth, hints);
                case SEVEN_Z -> archive(label, new SevenZipReader(settings.maxMemoryKiB()), content, depth, hints);
                case TAR -> archive(label, new TarReader(), content, depth, hints);
                case GZIP -> archive(label, new GzipReader(name), content, depth, hints);
                case MSG -> outlook(label, name, content, depth, hints);
                case EML -> email(label, content, depth, hints);
                default -> throw new IllegalStateException(kind.name());
            }
        }

        private void archive(String label, ArchiveReader reader, byte[] content, int depth, List<Password> hints) {
            List<Password> candidates = new ArrayList<>();
            candidates.add(null);
            candidates.addAll(hints);
            List<String> configured = settings.passwords();
            for (int i = 0; i < configured.size(); i++) {
                candidates.add(new Password(configured.get(i), "INGESTER_ARCHIVE_PASSWORDS entry " + (i + 1)));
            }
            for (Password password : candidates) {
                Budget.Meter meter = budget.meter(content.length);
                List<Member> members;
                try {
                    members = reader.read(content, password == null ? null : password.secret(), meter);
                } catch (Locked locked) {
                    continue;
                } catch (Refused refused) {
                    closed.add(label + ": not opened, " + refused.reason() + "; nothing extracted from it");
                    return;
                } catch (java.io.IOException | RuntimeException damaged) {
                    // the exception's text is not shown: it may quote member names at length, never a password,
                    // but its class is enough for an operator to look further
                    closed.add(label + ": not opened, damaged or not a " + reader.format() + " archive ("
                            + damaged.getClass().getSimpleName() + ")");
                    return;
                }
                meter.commit();
                opened.add(label + ": " + reader.format() + ", " + members.size() + (members.size() == 1 ? " file" : " files")
                        + (password == null ? ", not encrypted" : ", opened with the password from " + password.source()));
                members.forEach(m -> member(label, m, depth, hints));
                return;
            }
            int fromMail = hints.size();
            closed.add(label + ": not opened, encrypted and " + (candidates.size() == 1
                    ? "no password was available (INGESTER_ARCHIVE_PASSWORDS, or a \"password:\" line in the e-mail)"
                    : "none of the " + (candidates.size() - 1) + " passwords tried opened it (" + fromMail
                            + " from the e-mail, " + configured.size() + " configured), or it is damaged"));
        }

        private void outlook(String label, String name, byte[] content, int depth, List<Password> hints) {
            List<String> notes = new ArrayList<>();
            byte[] eml;
            try {
                eml = MsgToEml.convert(content, settings.maxDepth() - depth + 1, notes);
            } catch (Exception damaged) {
                closed.add(label + ": not opened, not a readable Outlook message (" + damaged.getClass().getSimpleName()
                        + ")");
                return;
            }
            String emlName = (name.toLowerCase(java.util.Locale.ROOT).endsWith(".msg")
                    ? name.substring(0, name.length() - 4) : name) + ".eml";
            // the .eml is the .msg in another format: carried whatever the member allow-list says, since the
            // .msg itself was let through
            files.add(EnvelopeAttachment.of(MemberPaths.fileName(MemberPaths.clean(emlName)), MemberTypes.RFC822,
                    false, AttachmentKind.ITEM, eml));
            opened.add(label + ": Outlook message, carried as " + MemberPaths.fileName(MemberPaths.clean(emlName)));
            notes.forEach(n -> closed.add(label + " › " + n));
            email(label, eml, depth, hints);
        }

        private void email(String label, byte[] content, int depth, List<Password> hints) {
            EmlParts.Parsed parsed;
            Budget.Meter meter = budget.meter(content.length);
            try {
                parsed = EmlParts.parse(content, meter);
            } catch (Refused refused) {
                closed.add(label + ": not opened, " + refused.reason() + "; nothing extracted from it");
                return;
            } catch (Exception damaged) {
                closed.add(label + ": not opened, not a readable e-mail (" + damaged.getClass().getSimpleName() + ")");
                return;
            }
            meter.commit();
            if (parsed.attachments().isEmpty()) {
                return; // an e-mail without attachments: the e-mail itself is the file, nothing more to say
            }
            opened.add(label + ": e-mail, " + parsed.attachments().size()
                    + (parsed.attachments().size() == 1 ? " attachment" : " attachments"));
            // the attached e-mail's own password lines come first, then those of the e-mails around it
            List<Password> inner = new ArrayList<>(PasswordHints.from(parsed.text()));
            hints.stream().filter(h -> inner.stream().noneMatch(i -> i.secret().equals(h.secret()))).forEach(inner::add);
            parsed.attachments().forEach(m -> member(label, m, depth, inner));
        }

        private void member(String parent, Member m, int depth, List<Password> hints) {
            String label = parent + " › " + m.path();
            String type = MemberTypes.of(m.name(), m.content());
            if (m.content().length == 0) {
                closed.add(label + ": empty file (0 bytes), not extracted");
                return;
            }
            boolean container = MemberTypes.container(m.name(), type, m.content()) != MemberTypes.Container.NONE;
            if (settings.allows(type)) {
                files.add(EnvelopeAttachment.of(m.name(), type, false, AttachmentKind.FILE, m.content()));
                extracted.add(label + " (" + type + ", " + m.content().length + " bytes)");
            } else if (!container) {
                closed.add(label + ": not extracted, " + type + " is not in INGESTER_EXPAND_MIME_TYPES");
            }
            open(label, m.name(), type, m.content(), depth + 1, hints);
        }
    }
}
