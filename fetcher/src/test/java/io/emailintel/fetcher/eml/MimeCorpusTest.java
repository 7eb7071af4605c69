package io.emailintel.fetcher.eml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.emailintel.model.AttachmentKind;
import io.emailintel.model.EnvelopeBody;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Real-world MIME shapes, one quirk per file under {@code src/test/resources/mime-corpus/}, each compared field
 * by field with what a mail client shows. The expected values were derived by running Python 3.11.7's {@code email}
 * package ({@code email.message_from_bytes(raw, policy=policy.default)}; subject, {@code from.addresses},
 * {@code date.datetime}, {@code get_body()}, {@code iter_attachments()}) over each file; where we keep more
 * than Python does, the row's comment says what Python gives and why we differ. Bodies are compared with line
 * ends normalised to LF and trailing line breaks trimmed (Python keeps the final CRLF of a single-part body).
 */
class MimeCorpusTest {

    private final MimeMessageReader reader = new MimeMessageReader();

    /** An attachment as a mail client lists it; {@code size} −1 for an attached e-mail (its source is checked). */
    record Att(String name, String type, int size) {
        static Att file(String name, String type, int size) {
            return new Att(name, type, size);
        }

        static Att mail(String name) {
            return new Att(name, "message/rfc822", -1);
        }
    }

    record Sample(String file, String subject, String fromName, String fromAddress, String sentAt, String bodyType,
                  String body, List<Att> attachments) {
        @Override
        public String toString() {
            return file;
        }
    }

    private static final String PLAIN = EnvelopeBody.TEXT;
    private static final String HTML = EnvelopeBody.HTML;
    private static final int PDF = 18; // "%PDF-1.4\n% sample\n", base64 in the samples

    private static Sample s(String file, String subject, String fromName, String fromAddress, String sentAt,
                            String bodyType, String body, Att... attachments) {
        return new Sample(file, subject, fromName, fromAddress, sentAt, bodyType, body, List.of(attachments));
    }

    static Stream<Sample> corpus() {
        String desk = "desk@cert.example";
        return Stream.of(
                // Python: StartBoundaryNotFoundDefect, get_body() None, the payload is the text. Angus Mail with
                // mail.mime.multipart.allowempty reads no parts; like a mail client we show the text as the body.
                s("missing-start-boundary", "Missing start boundary", "CERT Desk", desk, "2026-11-23T08:00:00Z",
                        PLAIN, "The sender declared multipart but wrote plain text: block 203.0.113.9."),
                // Python: NoBoundaryInMultipartDefect, no body, no attachments. Angus Mail
                // (mail.mime.multipart.ignoremissingboundaryparameter, default true) takes the first "--" line as
                // the boundary, so we keep the body and the PDF: more than Python, what the sender meant.
                s("boundary-parameter-missing", "Boundary parameter missing", "", desk, "2026-11-23T08:01:00Z",
                        PLAIN, "Body of a multipart without a boundary parameter.",
                        Att.file("advisory.pdf", "application/pdf", PDF)),
                // Python: CloseBoundaryNotFoundDefect; body and iocs.csv (38 bytes) as here.
                s("missing-end-boundary", "Missing end boundary", "", desk, "2026-11-23T08:02:00Z",
                        PLAIN, "The close delimiter never comes.", Att.file("iocs.csv", "text/csv", 38)),
                // Python names the file "Threat" (the value ends at the first space); with
                // mail.mime.parameters.strict=false the value runs to the next ';', the name the sender wrote.
                s("params-unquoted-spaces", "Unquoted spaces in parameters", "", desk, "2026-11-23T08:03:00Z",
                        PLAIN, "See the report.", Att.file("Threat Report Q4.pdf", "application/pdf", PDF)),
                // Python: as here (trailing ';' ignored everywhere).
                s("params-trailing-semicolon", "Trailing semicolons", "", desk, "2026-11-23T08:04:00Z",
                        PLAIN, "Trailing semicolons everywhere; café.", Att.file("semi.pdf", "application/pdf", PDF)),
                // Python: as here; get_filename() returns the first of two filename parameters.
                s("params-duplicate", "Duplicate parameters", "", desk, "2026-11-23T08:05:00Z",
                        PLAIN, "Paramètres en double.", Att.file("first.pdf", "application/pdf", PDF)),
                // Python: "threat-" (continuation *1 missing: stops there), "report final.pdf" (%20 decoded
                // without a charset), "r\uFFFDsum\uFFFD.pdf" (unknown charset: replacement characters).
                s("rfc2231-continuations-wrong", "RFC 2231 done wrong", "", desk, "2026-11-23T08:06:00Z",
                        PLAIN, "Three attachments with broken RFC 2231 names.",
                        Att.file("threat-", "application/pdf", PDF),
                        Att.file("report final.pdf", "application/pdf", PDF),
                        Att.file("r\uFFFDsum\uFFFD.pdf", "application/pdf", PDF)),
                // Python: an unknown Content-Transfer-Encoding is read as 8bit.
                s("cte-8bits", "Unknown transfer encoding 8bits", "", desk, "2026-11-23T08:07:00Z",
                        PLAIN, "Das Gerät ist kompromittiert."),
                // Python: x-uuencode decoded, hosts.txt is 19 bytes.
                s("cte-x-uuencode", "uuencoded attachment", "", desk, "2026-11-23T08:08:00Z",
                        PLAIN, "List attached.", Att.file("hosts.txt", "text/plain", 19)),
                // Python: as here (spaces around the encoding name ignored).
                s("cte-binary-with-spaces", "binary with trailing spaces", "", desk, "2026-11-23T08:09:00Z",
                        PLAIN, "Transfer encoding with spaces around it."),
                // Python: "quoted_printable" is unknown, so read as 8bit: the =XX stay as written.
                s("cte-quoted-printable-underscore", "quoted_printable is not a known encoding", "", desk,
                        "2026-11-23T08:10:00Z", PLAIN, "Caf=C3=A9 stays as written, like Python shows it."),
                // Python: body as here; "unterminated.pdf"; the third part has no file name (its disposition
                // "attachment filename=..." lacks the ';'), so we name it by position and type.
                s("disposition-malformed", "Malformed dispositions", "", desk, "2026-11-23T08:11:00Z",
                        PLAIN, "Body with an empty disposition parameter list.",
                        Att.file("unterminated.pdf", "application/pdf", PDF),
                        Att.file("part-2.pdf", "application/pdf", PDF)),
                // Python: an invalid Content-Type counts as text/plain (RFC 2045 §5.2), so this is the body.
                s("content-type-text-no-subtype", "Content-Type text without subtype", "", desk,
                        "2026-11-23T08:12:00Z", PLAIN, "A body whose type has no subtype."),
                // Python: only Content-Disposition: attachment makes an attachment (is_attachment()); the first
                // text/plain is the body even with a name=, the second text/plain is an attachment.
                s("text-name-no-disposition", "Text parts named but without disposition", "", desk,
                        "2026-11-23T08:13:00Z", PLAIN, "The first named text part is the body.",
                        Att.file("iocs.txt", "text/plain", 12)),
                // Python: MissingHeaderBodySeparatorDefect; the first line that is not a header starts the body.
                s("headers-no-blank-line", "No blank line after the headers", "", desk, "2026-11-23T08:14:00Z",
                        PLAIN, "The body starts right after the last header.\nSecond line."),
                // Python: body as here; the parts of multipart/digest default to message/rfc822 (RFC 2046
                // §5.1.5). iter_attachments() yields the digest as one part; we list each digest entry as an
                // attached e-mail, as mail clients show them.
                s("multipart-digest", "CTI list digest, Vol 4, Issue 7", "", "list-digest@lists.example",
                        "2026-11-23T08:15:00Z", PLAIN, "Today's topics: 2 messages.",
                        Att.mail("Phishing wave.eml"), Att.mail("Re: Phishing wave.eml")),
                // Python: as here, HTML preferred.
                s("bare-lf", "Bare LF line endings", "", desk, "2026-11-23T08:16:00Z",
                        HTML, "<p>HTML with LF only.</p>"),
                // Python keeps the NUL in the subject; the ingester makes names safe.
                s("nul-in-headers", "NUL\u0000inside", "", desk, "2026-11-23T08:17:00Z",
                        PLAIN, "Headers carry NUL bytes."),
                // Python: subject as here, but the display name comes back as surrogate escapes
                // ("J\\udcc3\\udcbcrgen"); raw UTF-8 in headers is RFC 6532, so we decode it.
                s("eightbit-header-utf8", "Gefährliche Anhänge im Umlauf", "Jürgen Müller", "juergen@cert.example",
                        "2026-11-23T08:18:00Z", PLAIN, "Unkodierte UTF-8-Kopfzeilen."),
                // Python: "R\uFFFDunion s\uFFFDcurit\uFFFD" (8-bit bytes that are not UTF-8 are replaced). Mail
                // clients decode such headers with the message's charset; we do the same (else windows-1252).
                s("eightbit-header-latin1", "Réunion sécurité", "René Durand", "rene@cert.example",
                        "2026-11-23T08:19:00Z", PLAIN, "Entêtes en Latin-1 brut."),
                // Python: "Réunion €qapla" (bytes of adjacent encoded words in one charset joined before
                // decoding; the unknown charset's text kept).
                s("encoded-words-broken", "Réunion €qapla", "Sébastien", "seb@cert.example", "2026-11-23T08:20:00Z",
                        PLAIN, "Encoded words with a split character and an unknown charset."),
                // Python: date None.
                s("date-missing", "No Date header", "", desk, null, PLAIN, "Undated."),
                // Python: 2026-11-24 05:59:58-05:00 (two-digit year < 50 → 20xx, EST = −0500, RFC 5322 §4.3).
                s("date-obsolete", "Obsolete date", "", desk, "2026-11-24T10:59:58Z",
                        PLAIN, "Two-digit year and a named zone."),
                // Python: addr_spec '"Doe, Jane jane"@cert.example' (it runs the phrase into the local part);
                // mail clients show the name and the address, as Angus Mail's non-strict parser reads them.
                s("from-odd", "Odd From", "Doe, Jane", "jane@cert.example", "2026-11-23T08:22:00Z",
                        PLAIN, "From without angle brackets."),
                // Python: body as here; the message/rfc822 part is the one attachment (its subject
                // "Invoice overdue"); it is carried whole, its own PDF inside.
                s("nested-rfc822", "Fwd: suspicious", "", "analyst@cert.example", "2026-11-23T08:23:00Z",
                        PLAIN, "Forwarding the phish.", Att.mail("Invoice overdue.eml")),
                // Python: get_content() raises LookupError (unknown encoding: unknown-8bit); the bytes are UTF-8,
                // which is what we fall back to for every unknown charset.
                s("charset-unknown-8bit", "charset unknown-8bit", "", desk, "2026-11-23T08:24:00Z",
                        PLAIN, "Naïve UTF-8 under an unknown charset."),
                // Python: the leading "From " line is the mbox envelope (get_unixfrom()), not a header.
                s("mbox-from-line", "Starts with an mbox From_ line", "", desk, "2026-11-23T08:25:00Z",
                        PLAIN, "Saved from an mbox."),
                // Python: body as here; blob.bin 10 bytes (the '*' skipped, the missing padding tolerated), as
                // Angus Mail's mail.mime.base64.ignoreerrors decodes it.
                s("broken-base64", "Broken base64", "", desk, "2026-11-23T08:26:00Z",
                        PLAIN, "Base64 body with junk !! inside.",
                        Att.file("blob.bin", "application/octet-stream", 10)),
                // Python: as here (header names and types are case-insensitive; MIME-Version is not required to
                // read a Content-Type; a date without weekday or seconds, +0100).
                s("uppercase-no-mime-version", "Upper-case headers, no MIME-Version", "", desk,
                        "2026-11-23T07:27:00Z", HTML, "<p>Upper case everywhere.</p>"),
                // Python: "folded inside an encoded word ✓" (the fold between two encoded words is dropped).
                s("encoded-words-folded", "folded inside an encoded word ✓", "", desk, "2026-11-23T08:28:00Z",
                        PLAIN, "Folded between words."));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corpus")
    void readsEachQuirkAsAMailClientDoes(Sample sample) throws Exception {
        ParsedEmail mail = reader.read(resource(sample.file() + ".eml"));
        assertThat(mail.subject()).as("subject").isEqualTo(sample.subject());
        assertThat(mail.from().name()).as("from name").isEqualTo(sample.fromName());
        assertThat(mail.from().address()).as("from address").isEqualTo(sample.fromAddress());
        Instant date = sample.sentAt() == null ? null : Instant.parse(sample.sentAt());
        assertThat(mail.sentAt()).as("date").isEqualTo(date);
        assertThat(mail.body().contentType()).as("body type").isEqualTo(sample.bodyType());
        assertThat(mail.body().content().replace("\r\n", "\n").stripTrailing()).as("body").isEqualTo(sample.body());
        assertThat(mail.parts()).as("attachments").hasSameSizeAs(sample.attachments());
        for (int i = 0; i < sample.attachments().size(); i++) {
            Att want = sample.attachments().get(i);
            ParsedPart got = mail.parts().get(i);
            assertThat(got.name()).as("attachment %d name", i).isEqualTo(want.name());
            assertThat(got.mimeType()).as("attachment %d type", i).isEqualTo(want.type());
            if (want.size() >= 0) {
                assertThat(got.kind()).isEqualTo(AttachmentKind.FILE);
                assertThat(got.content()).as("attachment %d size", i).hasSize(want.size());
            } else {
                String subject = want.name().substring(0, want.name().length() - ".eml".length());
                assertThat(got.kind()).isEqualTo(AttachmentKind.ITEM);
                assertThat(new String(got.content(), StandardCharsets.UTF_8)).contains("Subject: " + subject);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("senders")
    void theSenderHeaderIsReadLikeFrom(String file, String name, String address) throws Exception {
        ParsedEmail mail = reader.read(resource(file));
        assertThat(mail.sender().name()).isEqualTo(name);
        assertThat(mail.sender().address()).isEqualTo(address);
    }

    static Stream<Arguments> senders() {
        // Python: display_name "" (a comment is not a display name in RFC 5322), address as here. The old
        // "address (Name)" form is how RFC 822 mailers named the sender; Angus Mail and mail clients show it.
        return Stream.of(Arguments.of("from-odd.eml", "SOC Robot", "soc@cert.example"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("notEmails")
    void bytesThatAreNotAnEmailAreRefusedWithAReason(String file, String reason) {
        assertThatThrownBy(() -> reader.read(resource(file)))
                .isInstanceOf(MalformedMailException.class)
                .hasMessageContaining(reason);
    }

    static Stream<Arguments> notEmails() {
        // Python's parser accepts anything (the JSON even parses as one header), so it cannot be the judge here:
        // a message must start with a header line and carry at least one RFC 5322 / MIME header.
        return Stream.of(
                Arguments.of("not-email-empty.bin", "empty"),
                Arguments.of("not-email-junk.bin", "does not start with a header"),
                Arguments.of("not-email-json.bin", "no e-mail header"),
                Arguments.of("not-email-pdf.bin", "does not start with a header"));
    }

    private static byte[] resource(String name) {
        try (InputStream in = MimeCorpusTest.class.getResourceAsStream("/mime-corpus/" + name)) {
            if (in == null) {
                throw new IllegalStateException("mime-corpus/" + name + " is missing");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
