package io.emailintel.ingester.attachments;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.Charset;
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

    @Override
    public String format() {
        return "zip";
    }

    @Override
    public List<Member> read(byte[] archive, String password, Budget.Meter meter) throws Locked, Refused, IOException {
        List<Member> members = new ArrayList<>();
        char[] secret = password == null ? null : password.toCharArray();
        try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(archive), secret, LEGACY_NAMES)) {
            for (LocalFileHeader entry; (entry = zip.getNextEntry()) != null; ) {
                if (entry.isEncrypted() && password == null) {
                    throw new Locked();
                }
                if (entry.isDirectory()) {
                    continue;
                }
                try {
                    members.add(MemberPaths.member(entry.getFileName(), meter.readMember(zip)));
                } catch (ZipException e) {
                    if (entry.isEncrypted()) {
                        throw new Locked(); // wrong password: AES verifier or ZipCrypto check byte, or the CRC
                    }
                    throw e;
                }
            }
        } catch (ZipException e) {
            if (password != null && e.getType() == ZipException.Type.WRONG_PASSWORD) {
                throw new Locked();
            }
            throw e;
        }
        return members;
    }
}
