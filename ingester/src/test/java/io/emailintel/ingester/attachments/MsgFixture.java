package io.emailintel.ingester.attachments;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.poi.poifs.filesystem.DirectoryEntry;
import org.apache.poi.poifs.filesystem.POIFSFileSystem;

/**
 * Writes minimal Outlook .msg files for the tests. POI cannot write .msg, but its POIFS writes the compound
 * file underneath, and a .msg is that file with streams named by MS-OXMSG: {@code __substg1.0_PPPPTTTT} for
 * property PPPP of type TTTT (001F = UTF-16LE string, 0102 = binary, 000D = an embedded object: a storage),
 * one {@code __recip_version1.0_#XXXXXXXX} storage per recipient and one {@code __attach_version1.0_#XXXXXXXX}
 * storage per attachment (MS-OXMSG 2.2.1, 2.2.2; PidTagSubject 0x0037, PidTagBody 0x1000, PidTagSenderName
 * 0x0C1A, PidTagTransportMessageHeaders 0x007D, PidTagSmtpAddress 0x39FE, PidTagAttachLongFilename 0x3707,
 * PidTagAttachDataBinary/Object 0x3701, PidTagAttachMimeTag 0x370E). Enough for HSMF to read it back; the
 * property streams Outlook also writes ({@code __properties_version1.0}) are optional for HSMF.
 */
final class MsgFixture {

    record Attachment(String name, String mimeType, byte[] content, MsgFixture embedded) {
    }

    private final String subject;
    private final String body;
    private final String from;
    private final String to;
    private final String headers;
    private final List<Attachment> attachments = new ArrayList<>();

    MsgFixture(String subject, String body, String from, String to, String headers) {
        this.subject = subject;
        this.body = body;
        this.from = from;
        this.to = to;
        this.headers = headers;
    }

    MsgFixture file(String name, String mimeType, byte[] content) {
        attachments.add(new Attachment(name, mimeType, content, null));
        return this;
    }

    MsgFixture message(String name, MsgFixture embedded) {
        attachments.add(new Attachment(name, null, null, embedded));
        return this;
    }

    byte[] bytes() throws IOException {
        try (POIFSFileSystem fs = new POIFSFileSystem()) {
            write(fs.getRoot());
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            fs.writeFilesystem(out);
            return out.toByteArray();
        }
    }

    private void write(DirectoryEntry dir) throws IOException {
        string(dir, "0037", subject);
        string(dir, "1000", body);
        string(dir, "0C1A", from);
        if (headers != null) {
            string(dir, "007D", headers);
        }
        if (to != null) {
            DirectoryEntry recip = dir.createDirectory("__recip_version1.0_#00000000");
            string(recip, "39FE", to);
            string(recip, "3001", to);
        }
        for (int i = 0; i < attachments.size(); i++) {
            Attachment a = attachments.get(i);
            DirectoryEntry attach = dir.createDirectory(String.format("__attach_version1.0_#%08X", i));
            string(attach, "3707", a.name());
            if (a.embedded() != null) {
                a.embedded().write(attach.createDirectory("__substg1.0_3701000D"));
            } else {
                string(attach, "370E", a.mimeType());
                attach.createDocument("__substg1.0_37010102", new ByteArrayInputStream(a.content()));
            }
        }
    }

    private static void string(DirectoryEntry dir, String property, String value) throws IOException {
        if (value == null) {
            return;
        }
        dir.createDocument("__substg1.0_" + property + "001F",
                new ByteArrayInputStream(value.getBytes(StandardCharsets.UTF_16LE)));
    }
}
