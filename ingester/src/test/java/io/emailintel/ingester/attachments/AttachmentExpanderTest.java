package io.emailintel.ingester.attachments;

import static io.emailintel.ingester.attachments.Samples.CSV;
import static io.emailintel.ingester.attachments.Samples.EXE;
import static io.emailintel.ingester.attachments.Samples.PDF;
import static io.emailintel.ingester.attachments.Samples.envelope;
import static io.emailintel.ingester.attachments.Samples.file;
import static io.emailintel.ingester.attachments.Samples.on;
import static org.assertj.core.api.Assertions.assertThat;

import io.emailintel.model.EnvelopeAttachment;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.lingala.zip4j.model.enums.EncryptionMethod;
import org.junit.jupiter.api.Test;

class AttachmentExpanderTest {

    private static AttachmentExpansion expand(ExpansionSettings s, String body, EnvelopeAttachment... a) {
        return new AttachmentExpander(s).expand(envelope(body, a));
    }

    private static List<String> names(AttachmentExpansion x) {
        return x.files().stream().map(EnvelopeAttachment::name).toList();
    }

    private static Map<String, byte[]> files(Object... nameThenContent) {
        Map<String, byte[]> m = new LinkedHashMap<>();
        for (int i = 0; i < nameThenContent.length; i += 2) {
            m.put((String) nameThenContent[i], (byte[]) nameThenContent[i + 1]);
        }
        return m;
    }

    @Test
    void offByDefaultOpensNothing() throws Exception {
        AttachmentExpansion x = new AttachmentExpander(ExpansionSettings.off())
                .expand(envelope("", file("a.zip", "application/zip", Samples.zip(files("r.pdf", PDF)))));
        assertThat(x).isEqualTo(AttachmentExpansion.NONE);
        assertThat(x.description()).isEmpty();
    }

    @Test
    void plainZipMembersBecomeFilesWithTheirSniffedType() throws Exception {
        AttachmentExpansion x = expand(on(), "", file("a.zip", "application/zip",
                Samples.zip(files("docs/report.pdf", PDF, "iocs.csv", CSV))));
        assertThat(names(x)).containsExactly("report.pdf", "iocs.csv");
        assertThat(x.files()).extracting(EnvelopeAttachment::mimeType).containsExactly("application/pdf", "text/csv");
        assertThat(x.opened()).containsExactly("a.zip: zip, 2 files, not encrypted");
        assertThat(x.extracted()).contains("a.zip › docs/report.pdf (application/pdf, " + PDF.length + " bytes)");
    }

    @Test
    void aesZipOpensWithAConfiguredPasswordAndTheDescriptionNamesTheEntryNotThePassword() throws Exception {
        byte[] zip = Samples.zip(files("r.pdf", PDF), "s3cret-Pa55", EncryptionMethod.AES, StandardCharsets.UTF_8);
        AttachmentExpansion x = expand(on("infected", "s3cret-Pa55"), "", file("a.zip", "application/zip", zip));
        assertThat(names(x)).containsExactly("r.pdf");
        assertThat(x.files().get(0).content()).isEqualTo(PDF);
        assertThat(x.opened()).containsExactly("a.zip: zip, 1 file, opened with the password from "
                + "INGESTER_ARCHIVE_PASSWORDS entry 2");
        assertThat(x.description()).doesNotContain("s3cret-Pa55");
    }

    @Test
    void zipCryptoOpensWithThePasswordLineOfTheBodyInEachCoveredLanguage() throws Exception {
        for (String line : List.of("Password: hunter2", "pw: hunter2", "Passwort: hunter2", "Kennwort = hunter2",
                "mot de passe : hunter2", "Contraseña: \"hunter2\"", "wachtwoord: hunter2", "> senha: hunter2")) {
            byte[] zip = Samples.zip(files("r.pdf", PDF), "hunter2", EncryptionMethod.ZIP_STANDARD,
                    StandardCharsets.UTF_8);
            AttachmentExpansion x = expand(on(), "Hello,\nthe sample is attached.\n" + line + "\nRegards",
                    file("a.zip", "application/zip", zip));
            assertThat(names(x)).as(line).containsExactly("r.pdf");
            assertThat(x.opened().get(0)).as(line).contains("the e-mail's").contains("(line 3 of its text)");
            assertThat(x.description()).doesNotContain("hunter2");
        }
    }

    @Test
    void htmlBodyPasswordParagraphIsALine() {
        List<Password> hints = PasswordHints.from(PasswordHints.text(
                "<p>Sample attached.</p><p>Password: <b>infected!</b></p><p>Bye</p>", true));
        assertThat(hints).extracting(Password::secret).containsExactly("infected!");
        assertThat(hints.get(0).toString()).doesNotContain("infected!");
    }

    @Test
    void wrongPasswordsLeaveTheArchiveClosedAndSayHowManyWereTried() throws Exception {
        byte[] zip = Samples.zip(files("r.pdf", PDF), "right", EncryptionMethod.AES, StandardCharsets.UTF_8);
        AttachmentExpansion x = expand(on("infected", "malware"), "password: wrong",
                file("a.zip", "application/zip", zip));
        assertThat(x.files()).isEmpty();
        assertThat(x.closed()).containsExactly("a.zip: not opened, encrypted and none of the 3 passwords tried "
                + "opened it (1 from the e-mail, 2 configured), or it is damaged");
    }

    @Test
    void missingPasswordLeavesTheArchiveClosed() throws Exception {
        byte[] zip = Samples.zip(files("r.pdf", PDF), "right", EncryptionMethod.ZIP_STANDARD, StandardCharsets.UTF_8);
        AttachmentExpansion x = expand(on(), "", file("a.zip", "application/zip", zip));
        assertThat(x.files()).isEmpty();
        assertThat(x.closed()).singleElement().asString().contains("no password was available");
    }

    @Test
    void sevenZipTarAndGzipAreOpened() throws Exception {
        AttachmentExpansion x = expand(on(), "",
                file("a.7z", "application/octet-stream", Samples.sevenZ(files("seven.pdf", PDF))),
                file("b.tar.gz", "application/gzip", Samples.gzip(Samples.tar(files("dir/tarred.csv", CSV)))),
                file("c.tar", "application/x-tar", Samples.tar(files("plain.pdf", PDF))),
                file("notes.txt.gz", "application/gzip", Samples.gzip("just text\n".getBytes(StandardCharsets.UTF_8))));
        assertThat(names(x)).containsExactly("seven.pdf", "tarred.csv", "plain.pdf", "notes.txt");
        assertThat(x.opened()).containsExactly("a.7z: 7z, 1 file, not encrypted", "b.tar.gz: gzip, 1 file, not encrypted",
                "c.tar: tar, 1 file, not encrypted", "notes.txt.gz: gzip, 1 file, not encrypted");
    }

    @Test
    void highRatioBombIsLeftClosedWithAReasonAndNothingExtracted() throws Exception {
        byte[] zeros = new byte[50 * 1024 * 1024];
        byte[] bomb = Samples.zip(files("a.txt", zeros, "b.pdf", PDF));
        assertThat(bomb.length).isLessThan(200_000);
        AttachmentExpansion x = expand(on(), "", file("bomb.zip", "application/zip", bomb));
        assertThat(x.files()).isEmpty();
        assertThat(x.closed()).singleElement().asString().startsWith("bomb.zip: not opened, expands to more than 100 "
                + "times its own size (compression ratio limit, INGESTER_EXPAND_MAX_RATIO)");
    }

    @Test
    void gzipBombIsLeftClosedToo() throws Exception {
        byte[] bomb = Samples.gzip(new byte[40 * 1024 * 1024]);
        AttachmentExpansion x = expand(on(), "", file("x.gz", "application/gzip", bomb));
        assertThat(x.files()).isEmpty();
        assertThat(x.closed()).singleElement().asString().contains("compression ratio limit");
    }

    @Test
    void totalExtractedBytesAreBoundedPerEmail() throws Exception {
        byte[] random = new byte[600 * 1024];
        new java.util.Random(1).nextBytes(random);
        ExpansionSettings s = new ExpansionSettings(true, List.of(), List.of("*/*"), 3, 100, 1024 * 1024, 100,
                ExpansionSettings.DEFAULT_MAX_MEMORY_KIB);
        AttachmentExpansion x = expand(s, "", file("a.zip", "application/zip", Samples.zip(files("1.bin", random))),
                file("b.zip", "application/zip", Samples.zip(files("2.bin", random))));
        assertThat(names(x)).containsExactly("1.bin");
        assertThat(x.closed()).singleElement().asString().startsWith("b.zip: not opened, would take this e-mail beyond "
                + "1048576 extracted bytes (INGESTER_EXPAND_MAX_BYTES)");
    }

    @Test
    void tooManyMembersLeaveTheArchiveClosed() throws Exception {
        Map<String, byte[]> many = new LinkedHashMap<>();
        for (int i = 0; i < 101; i++) {
            many.put("f" + i + ".csv", CSV);
        }
        AttachmentExpansion x = expand(on(), "", file("many.zip", "application/zip", Samples.zip(many)));
        assertThat(x.files()).isEmpty();
        assertThat(x.closed()).singleElement().asString().contains("more than 100 files")
                .contains("INGESTER_EXPAND_MAX_MEMBERS");
    }

    @Test
    void nestingDeeperThanTheLimitIsLeftClosed() throws Exception {
        byte[] level4 = Samples.zip(files("deepest.pdf", PDF));
        byte[] level3 = Samples.zip(files("l4.zip", level4, "l3.csv", CSV));
        byte[] level2 = Samples.zip(files("l3.zip", level3));
        byte[] level1 = Samples.zip(files("l2.zip", level2));
        AttachmentExpansion x = expand(on(), "", file("l1.zip", "application/zip", level1));
        assertThat(names(x)).containsExactly("l3.csv");
        assertThat(x.opened()).hasSize(3);
        assertThat(x.closed()).containsExactly("l1.zip › l2.zip › l3.zip › l4.zip: not opened, nested deeper than 3 "
                + "containers (INGESTER_EXPAND_MAX_DEPTH)");
    }

    @Test
    void pathTraversalInMemberNamesIsReducedToARelativePath() throws Exception {
        AttachmentExpansion x = expand(on(), "", file("t.zip", "application/zip", Samples.zip(files(
                "../../etc/passwd.txt", CSV, "/abs/x.csv", CSV, "..\\..\\win\\evil.pdf", PDF, "C:\\Windows\\y.csv", CSV))));
        assertThat(names(x)).containsExactly("passwd.txt", "x.csv", "evil.pdf", "y.csv");
        assertThat(x.extracted()).extracting(l -> l.substring(0, l.indexOf(" (")))
                .containsExactly("t.zip › etc/passwd.txt", "t.zip › abs/x.csv", "t.zip › win/evil.pdf",
                        "t.zip › Windows/y.csv");
    }

    @Test
    void nonAsciiMemberNamesSurviveUtf8FlagAndCp437() throws Exception {
        AttachmentExpansion utf8 = expand(on(), "", file("u.zip", "application/zip",
                Samples.zip(files("rapport-été-日本.pdf", PDF))));
        assertThat(names(utf8)).containsExactly("rapport-été-日本.pdf");
        AttachmentExpansion legacy = expand(on(), "", file("l.zip", "application/zip",
                Samples.zip(files("Ärger-ñ.csv", CSV), null, null, Charset.forName("IBM437"))));
        assertThat(names(legacy)).containsExactly("Ärger-ñ.csv");
    }

    @Test
    void executablesAndUnlistedTypesAreNotExtractedButSaidSo() throws Exception {
        AttachmentExpansion x = expand(on(), "", file("a.zip", "application/zip",
                Samples.zip(files("tool.exe", EXE, "invoice.pdf", EXE))));
        // "invoice.pdf" claims a listed type: it is carried, and the report's content check flags it (MZ header)
        assertThat(names(x)).containsExactly("invoice.pdf");
        assertThat(x.closed()).containsExactly("a.zip › tool.exe: not extracted, application/octet-stream is not in "
                + "INGESTER_EXPAND_MIME_TYPES");
    }

    @Test
    void damagedArchiveIsLeftClosedNotAnError() throws Exception {
        byte[] zip = Samples.zip(files("r.pdf", PDF));
        byte[] cut = java.util.Arrays.copyOf(zip, 40);
        AttachmentExpansion x = expand(on(), "", file("cut.zip", "application/zip", cut),
                file("junk.7z", "application/x-7z-compressed", new byte[] {'7', 'z', (byte) 0xBC, (byte) 0xAF, 0x27, 0x1C, 9, 9}));
        assertThat(x.files()).isEmpty();
        assertThat(x.closed()).hasSize(2).allMatch(l -> l.contains("damaged or not a"));
    }

    @Test
    void attachedEmailsAttachmentsAreExpandedWithTheirOwnPasswordLine() throws Exception {
        byte[] zip = Samples.zip(files("inner.pdf", PDF), "fromInner", EncryptionMethod.AES, StandardCharsets.UTF_8);
        byte[] eml = Samples.eml("Fwd: sample", "Here it is.\nPassword: fromInner", "s.zip", "application/zip", zip);
        AttachmentExpansion x = expand(on(), "see attached", file("fwd.eml", "message/rfc822", eml));
        assertThat(names(x)).containsExactly("inner.pdf");
        assertThat(x.opened()).containsExactly("fwd.eml: e-mail, 1 attachment",
                "fwd.eml › s.zip: zip, 1 file, opened with the password from the e-mail's \"password:\" line (line 2 "
                        + "of its text)");
    }

    @Test
    void inlineImagesOfAnAttachedEmailAreLeftOutAsTheFetcherLeavesThemOut() throws Exception {
        String mime = "From: a@example.org\r\nSubject: s\r\nMIME-Version: 1.0\r\n"
                + "Content-Type: multipart/related; boundary=\"r\"\r\n\r\n"
                + "--r\r\nContent-Type: text/html\r\n\r\n<img src=\"cid:logo\">\r\n"
                + "--r\r\nContent-Type: image/png; name=\"logo.png\"\r\nContent-ID: <logo>\r\n"
                + "Content-Disposition: inline; filename=\"logo.png\"\r\n\r\nPNG\r\n--r--\r\n";
        AttachmentExpansion x = expand(on(), "", file("m.eml", "message/rfc822", mime.getBytes(StandardCharsets.UTF_8)));
        assertThat(x).isEqualTo(AttachmentExpansion.NONE);
    }

    @Test
    void descriptionEscapesMarkdownInMemberNames() throws Exception {
        AttachmentExpansion x = expand(on(), "", file("a.zip", "application/zip",
                Samples.zip(files("[click](http:__evil)*x*.csv", CSV))));
        assertThat(x.description()).contains("\\[click\\](http:\\_\\_evil)\\*x\\*.csv");
    }
}
