package io.emailintel.ingester.attachments;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/** Tar (ustar, GNU, pax), regular files only: links, devices and directories carry no content of their own. */
final class TarReader implements ArchiveReader {

    @Override
    public String format() {
        return "tar";
    }

    @Override
    public List<Member> read(byte[] archive, String password, Budget.Meter meter) throws Refused, IOException {
        List<Member> members = new ArrayList<>();
        try (TarArchiveInputStream tar = new TarArchiveInputStream(new ByteArrayInputStream(archive), "UTF-8")) {
            for (TarArchiveEntry entry; (entry = tar.getNextEntry()) != null; ) {
                if (entry.isFile()) {
                    members.add(MemberPaths.member(entry.getName(), meter.readMember(tar)));
                }
            }
        }
        return members;
    }
}
