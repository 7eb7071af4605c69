package io.emailintel.ingester.attachments;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.compress.MemoryLimitException;
import org.apache.commons.compress.PasswordRequiredException;
import org.apache.commons.compress.archivers.sevenz.SevenZArchiveEntry;
import org.apache.commons.compress.archivers.sevenz.SevenZFile;

/**
 * 7z (AES-256 with LZMA/LZMA2 via org.tukaani:xz), with commons-compress. A 7z header names the dictionary size
 * the decoder must allocate (up to 4 GiB for LZMA2); the memory limit makes such a header a refusal rather than
 * an OutOfMemoryError (SevenZFile.Builder#setMaxMemoryLimitKiB, commons-compress 1.28 javadoc).
 */
final class SevenZipReader implements ArchiveReader {

    private final int maxMemoryKiB;

    SevenZipReader(int maxMemoryKiB) {
        this.maxMemoryKiB = maxMemoryKiB;
    }

    @Override
    public String format() {
        return "7z";
    }

    @Override
    public List<Member> read(byte[] archive, String password, Budget.Meter meter) throws Locked, Refused, IOException {
        SevenZFile.Builder builder = SevenZFile.builder().setByteArray(archive).setMaxMemoryLimitKiB(maxMemoryKiB)
                .setTryToRecoverBrokenArchives(false);
        if (password != null) {
            builder.setPassword(password.toCharArray());
        }
        List<Member> members = new ArrayList<>();
        try (SevenZFile sevenZ = builder.get()) {
            for (SevenZArchiveEntry entry; (entry = sevenZ.getNextEntry()) != null; ) {
                if (entry.isDirectory() || !entry.hasStream()) {
                    continue;
                }
                members.add(MemberPaths.member(entry.getName(), meter.readMember(new EntryStream(sevenZ))));
            }
        } catch (PasswordRequiredException e) {
            throw new Locked();
        } catch (MemoryLimitException e) {
            throw new Refused("its decoder needs more than " + maxMemoryKiB + " KiB of memory (7z dictionary size)");
        } catch (IOException e) {
            if (password != null) {
                // a wrong AES key yields garbage that fails LZMA decoding or the CRC; it cannot be told from damage
                throw new Locked();
            }
            throw e;
        }
        return members;
    }

    /** The current entry of a SevenZFile as a stream. */
    private static final class EntryStream extends InputStream {

        private final SevenZFile file;

        EntryStream(SevenZFile file) {
            this.file = file;
        }

        @Override
        public int read() throws IOException {
            return file.read();
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            return file.read(b, off, len);
        }
    }
}
