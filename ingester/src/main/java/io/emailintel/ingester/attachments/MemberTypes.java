package io.emailintel.ingester.attachments;

import io.emailintel.model.ContentSniffing;
import java.util.Locale;
import java.util.Map;

/**
 * The type of an extracted file: archives give no MIME type, so it is what the first bytes say, else what
 * the extension says (the fetcher's table for Outlook's {@code application/octet-stream}, plus archives), else
 * text/plain for valid UTF-8 text, else octet-stream. Executables keep the type their name claims here; the
 * report's content check then flags them ({@code AttachmentCheck}), exactly as for a top-level attachment.
 */
final class MemberTypes {

    static final String OCTET_STREAM = "application/octet-stream";
    static final String RFC822 = "message/rfc822";
    static final String OUTLOOK = "application/vnd.ms-outlook";
    static final String ZIP = "application/zip";
    static final String SEVEN_Z = "application/x-7z-compressed";
    static final String GZIP = "application/gzip";
    static final String TAR = "application/x-tar";

    private static final Map<String, String> BY_EXTENSION = Map.ofEntries(
            Map.entry("pdf", "application/pdf"), Map.entry("csv", "text/csv"), Map.entry("txt", "text/plain"),
            Map.entry("log", "text/plain"), Map.entry("json", "application/json"), Map.entry("xml", "application/xml"),
            Map.entry("html", "text/html"), Map.entry("htm", "text/html"), Map.entry("eml", RFC822),
            Map.entry("vcf", "text/vcard"), Map.entry("ics", "text/calendar"), Map.entry("msg", OUTLOOK),
            Map.entry("png", "image/png"), Map.entry("jpg", "image/jpeg"), Map.entry("jpeg", "image/jpeg"),
            Map.entry("gif", "image/gif"), Map.entry("zip", ZIP), Map.entry("stix", "application/json"),
            Map.entry("7z", SEVEN_Z), Map.entry("gz", GZIP), Map.entry("tgz", GZIP), Map.entry("tar", TAR),
            Map.entry("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
            Map.entry("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
            Map.entry("doc", "application/msword"), Map.entry("xls", "application/vnd.ms-excel"));

    private MemberTypes() {
    }

    static String of(String name, byte[] c) {
        String ext = byExtension(name);
        if (ContentSniffing.startsWith(c, 0, '%', 'P', 'D', 'F', '-')) {
            return "application/pdf";
        }
        if (ContentSniffing.startsWith(c, 0, 0x89, 'P', 'N', 'G')) {
            return "image/png";
        }
        if (ContentSniffing.startsWith(c, 0, 0xFF, 0xD8, 0xFF)) {
            return "image/jpeg";
        }
        if (ContentSniffing.startsWith(c, 0, 'G', 'I', 'F', '8')) {
            return "image/gif";
        }
        if (isZip(c)) {
            return ext.startsWith("application/vnd.openxmlformats") ? ext : ZIP;
        }
        if (ContentSniffing.startsWith(c, 0, '7', 'z', 0xBC, 0xAF, 0x27, 0x1C)) {
            return SEVEN_Z;
        }
        if (ContentSniffing.startsWith(c, 0, 0x1F, 0x8B)) {
            return GZIP;
        }
        if (isTar(c)) {
            return TAR;
        }
        if (!ext.equals(OCTET_STREAM)) {
            return ext;
        }
        return ContentSniffing.looksLikeText(c) ? "text/plain" : OCTET_STREAM;
    }

    /** What kind of container the content is, whatever its declared type; NONE for a plain file. */
    enum Container { ZIP, SEVEN_Z, GZIP, TAR, MSG, EML, NONE }

    static Container container(String name, String declaredType, byte[] c) {
        String type = declaredType == null ? "" : declaredType.toLowerCase(Locale.ROOT);
        String ext = byExtension(name);
        // OOXML documents (docx, xlsx) are zips too: they are documents, not archives
        if (isZip(c) && !ext.startsWith("application/vnd.openxmlformats") && !type.startsWith("application/vnd.")) {
            return Container.ZIP;
        }
        if (ContentSniffing.startsWith(c, 0, '7', 'z', 0xBC, 0xAF, 0x27, 0x1C)) {
            return Container.SEVEN_Z;
        }
        if (ContentSniffing.startsWith(c, 0, 0x1F, 0x8B)) {
            return Container.GZIP;
        }
        if (isTar(c)) {
            return Container.TAR;
        }
        // a .msg is an OLE2 compound file (MS-CFB 2.2: D0 CF 11 E0 A1 B1 1A E1), as .doc and .xls are too
        if (ContentSniffing.startsWith(c, 0, 0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1)
                && (type.equals(OUTLOOK) || ext.equals(OUTLOOK))) {
            return Container.MSG;
        }
        if (type.equals(RFC822) || ext.equals(RFC822)) {
            return Container.EML;
        }
        return Container.NONE;
    }

    static String byExtension(String name) {
        if (name == null) {
            return OCTET_STREAM;
        }
        int dot = name.lastIndexOf('.');
        if (dot < 0 || dot == name.length() - 1) {
            return OCTET_STREAM;
        }
        return BY_EXTENSION.getOrDefault(name.substring(dot + 1).toLowerCase(Locale.ROOT), OCTET_STREAM);
    }

    private static boolean isZip(byte[] c) {
        return ContentSniffing.startsWith(c, 0, 'P', 'K', 3, 4) || ContentSniffing.startsWith(c, 0, 'P', 'K', 5, 6);
    }

    /** POSIX ustar and GNU tar both write "ustar" at offset 257 of the first header (POSIX.1-2001 pax, ustar). */
    private static boolean isTar(byte[] c) {
        return ContentSniffing.startsWith(c, 257, 'u', 's', 't', 'a', 'r');
    }
}
