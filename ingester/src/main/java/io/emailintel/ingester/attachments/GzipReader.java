package io.emailintel.ingester.attachments;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.List;
import java.util.Locale;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;

/**
 * Gzip: one stream (concatenated members are one file, RFC 1952 section 2.2). A {@code .tar.gz} / {@code .tgz}
 * is a tar inside; its files are the members, and the decompressed tar itself is not kept.
 */
final class GzipReader implements ArchiveReader {

    private final String name;

    GzipReader(String name) {
        this.name = name == null ? "" : name;
    }

    @Override
    public String format() {
        return "gzip";
    }

    @Override
    public List<Member> read(byte[] archive, String password, Budget.Meter meter) throws Refused, IOException {
        byte[] inner;
        try (GzipCompressorInputStream gz = GzipCompressorInputStream.builder()
                .setInputStream(new ByteArrayInputStream(archive)).setDecompressConcatenated(true).get()) {
            inner = meter.decompress(gz);
        }
        if (MemberTypes.container("", "", inner) == MemberTypes.Container.TAR) {
            return new TarReader().read(inner, null, meter);
        }
        return List.of(MemberPaths.member(innerName(), meter.readMember(new ByteArrayInputStream(inner))));
    }

    private String innerName() {
        String base = MemberPaths.fileName(MemberPaths.clean(name));
        String lower = base.toLowerCase(Locale.ROOT);
        if (lower.endsWith(".tgz")) {
            return base.substring(0, base.length() - 4) + ".tar";
        }
        if (lower.endsWith(".gz") && base.length() > 3) {
            return base.substring(0, base.length() - 3);
        }
        return base + ".out";
    }
}
