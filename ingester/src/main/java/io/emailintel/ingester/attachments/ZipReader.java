package io.emailintel.ingester.attachments;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.ArrayList;
import java.util.List;
import net.lingala.zip4j.exception.ZipException;
import net.lingala.zip4j.io.inputstream.ZipInputStream;
import net.lingala.zip4j.model.LocalFileHeader;

/**
 * Zip, including ZipCrypto and WinZip AES, streamed from the local headers with zip4j (the central directory,
 * where overlapping-entry bombs live, is never followed). Names with the UTF-8 flag (APPNOTE 4.4.4, bit 11) are
 * UTF-8; without it the APPNOTE says IBM code page 437 (appendix D), which is what is used.
 */
final class ZipReader implements ArchiveReader {

    static final Charset LEGACY_NAMES = Charset.forName("IBM437");
    /** zip4j decodes every name with the charset it is given, flag or not: ISO-8859-1 keeps the bytes as they are. */
    private static final Charset RAW = StandardCharsets.ISO_8859_1;

    @Override
    public String format() {
        return "zip";
    }

    @Override
    public List<Member> read(byte[] archive, String password, Budget.Meter meter) throws Locked, Refused, IOException {
        List<Member> members = new ArrayList<>();
        char[] secret = password == null ? null : password.toCharArray();
        try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(archive), secret, RAW)) {
            for (LocalFileHeader entry; (entry = zip.getNextEntry()) != null; ) {
                if (entry.isEncrypted() && password == null) {
                    throw new Locked();
                }
                if (entry.isDirectory()) {
                    continue;
                }
                try {
                    members.add(MemberPaths.member(name(entry), meter.readMember(zip)));
                } catch (ZipException e) {
                    if (entry.isEncrypted()) {
                        throw new Locked(); // wrong password: AES verifier or ZipCrypto check byte, or the CRC
                    }
                    throw e;
                }
            }
        } catch (ZipException e) {
            // zip4j opens an entry's decrypter inside getNextEntry, before its header is visible to us: a missing
            // or wrong password surfaces as WRONG_PASSWORD, or (AES without one) as a message naming the password
            String message = e.getMessage() == null ? "" : e.getMessage().toLowerCase(Locale.ROOT);
            if (e.getType() == ZipException.Type.WRONG_PASSWORD || message.contains("password")) {
                throw new Locked();
            }
            throw e;
        }
        return members;
    }

    private static String name(LocalFileHeader entry) {
        byte[] raw = entry.getFileName().getBytes(RAW);
        return new String(raw, entry.isFileNameUTF8Encoded() ? StandardCharsets.UTF_8 : LEGACY_NAMES);
    }
}
