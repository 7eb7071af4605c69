package io.emailintel.ingester.attachments;

import io.emailintel.model.AttachmentKind;
import io.emailintel.model.Envelope;
import io.emailintel.model.EnvelopeAttachment;
import io.emailintel.model.EnvelopeBody;
import io.emailintel.model.EnvelopeFixtures;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import net.lingala.zip4j.io.outputstream.ZipOutputStream;
import net.lingala.zip4j.model.ZipParameters;
import net.lingala.zip4j.model.enums.AesKeyStrength;
import net.lingala.zip4j.model.enums.EncryptionMethod;
import org.apache.commons.compress.archivers.sevenz.SevenZArchiveEntry;
import org.apache.commons.compress.archivers.sevenz.SevenZOutputFile;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/** Archives and e-mails written in the test with the same libraries that read them. */
final class Samples {

    static final byte[] PDF = "%PDF-1.7\n1 0 obj <<>> endobj\n%%EOF\n".getBytes(StandardCharsets.US_ASCII);
    static final byte[] CSV = "indicator,type\nevil.example,domain\n".getBytes(StandardCharsets.US_ASCII);
    static final byte[] EXE = new byte[] {'M', 'Z', (byte) 0x90, 0, 3, 0, 0, 0};

    private Samples() {
    }

    static byte[] zip(Map<String, byte[]> files) throws IOException {
        return zip(files, null, null, StandardCharsets.UTF_8);
    }

    static byte[] zip(Map<String, byte[]> files, String password, EncryptionMethod method, Charset names)
            throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(out, password == null ? null : password.toCharArray(), names)) {
            for (Map.Entry<String, byte[]> f : files.entrySet()) {
                ZipParameters p = new ZipParameters();
                p.setFileNameInZip(f.getKey());
                if (password != null) {
                    p.setEncryptFiles(true);
                    p.setEncryptionMethod(method);
                    p.setAesKeyStrength(AesKeyStrength.KEY_STRENGTH_256);
                }
                zip.putNextEntry(p);
                zip.write(f.getValue());
                zip.closeEntry();
            }
        }
        return out.toByteArray();
    }

    static byte[] sevenZ(Map<String, byte[]> files) throws IOException {
        File tmp = File.createTempFile("sample", ".7z");
        try {
            try (SevenZOutputFile out = new SevenZOutputFile(tmp)) {
                for (Map.Entry<String, byte[]> f : files.entrySet()) {
                    SevenZArchiveEntry e = new SevenZArchiveEntry();
                    e.setName(f.getKey());
                    out.putArchiveEntry(e);
                    out.write(f.getValue());
                    out.closeArchiveEntry();
                }
            }
            return Files.readAllBytes(tmp.toPath());
        } finally {
            tmp.delete();
        }
    }

    static byte[] tar(Map<String, byte[]> files) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(out, "UTF-8")) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            for (Map.Entry<String, byte[]> f : files.entrySet()) {
                TarArchiveEntry e = new TarArchiveEntry(f.getKey());
                e.setSize(f.getValue().length);
                tar.putArchiveEntry(e);
                tar.write(f.getValue());
                tar.closeArchiveEntry();
            }
        }
        return out.toByteArray();
    }

    static byte[] gzip(byte[] content) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(content);
        }
        return out.toByteArray();
    }

    /** A MIME message with a text body and one attachment. */
    static byte[] eml(String subject, String body, String fileName, String type, byte[] content) {
        String b64 = java.util.Base64.getMimeEncoder().encodeToString(content);
        String mime = "From: a@example.org\r\nTo: b@example.org\r\nSubject: " + subject + "\r\n"
                + "MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n"
                + "--b1\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n" + body + "\r\n"
                + "--b1\r\nContent-Type: " + type + "; name=\"" + fileName + "\"\r\n"
                + "Content-Disposition: attachment; filename=\"" + fileName + "\"\r\n"
                + "Content-Transfer-Encoding: base64\r\n\r\n" + b64 + "\r\n--b1--\r\n";
        return mime.getBytes(StandardCharsets.UTF_8);
    }

    static Envelope envelope(String body, EnvelopeAttachment... attachments) {
        Envelope.Builder b = Envelope.builder().source(EnvelopeFixtures.source("m1")).subject("Samples")
                .receivedAt(Instant.parse("2025-05-09T10:11:12Z")).body(new EnvelopeBody(EnvelopeBody.TEXT, body))
                .fetchCycleId("c1").fetchedAt(Instant.parse("2025-05-09T10:15:00Z"));
        for (EnvelopeAttachment a : attachments) {
            b.attachment(a);
        }
        return b.build();
    }

    static EnvelopeAttachment file(String name, String type, byte[] content) {
        return EnvelopeAttachment.of(name, type, false, AttachmentKind.FILE, content);
    }

    static ExpansionSettings on(String... passwords) {
        return new ExpansionSettings(true, List.of(passwords), List.of("application/pdf", "text/csv", "text/plain",
                "message/rfc822"), 3, 100, 8L << 20, 100, ExpansionSettings.DEFAULT_MAX_MEMORY_KIB);
    }
}
