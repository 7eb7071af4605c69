package io.emailintel.fetcher.graph;

import io.emailintel.model.ContentSniffing;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;

/**
 * Finds the real type of a file that Outlook labelled {@code application/octet-stream}: by its magic bytes,
 * then by its extension.
 */
final class MimeTypes {

    static final String OCTET_STREAM = "application/octet-stream";
    static final String RFC822 = "message/rfc822";
    static final String VCARD = "text/vcard";
    static final String CALENDAR = "text/calendar";
    /** What the {@code $value} of an item attachment can be: a message, a contact or an event. */
    static final java.util.List<String> ITEM_TYPES = java.util.List.of(RFC822, VCARD, CALENDAR);

    private static final Map<String, String> BY_EXTENSION = Map.ofEntries(
            Map.entry("pdf", "application/pdf"), Map.entry("csv", "text/csv"), Map.entry("txt", "text/plain"),
            Map.entry("log", "text/plain"), Map.entry("json", "application/json"), Map.entry("xml", "application/xml"),
            Map.entry("html", "text/html"), Map.entry("htm", "text/html"), Map.entry("eml", RFC822),
            Map.entry("vcf", VCARD), Map.entry("ics", CALENDAR),
            Map.entry("msg", "application/vnd.ms-outlook"), Map.entry("png", "image/png"),
            Map.entry("jpg", "image/jpeg"), Map.entry("jpeg", "image/jpeg"), Map.entry("gif", "image/gif"),
            Map.entry("zip", "application/zip"), Map.entry("stix", "application/json"),
            // archives the ingester can open (INGESTER_EXPAND_ATTACHMENTS, issue 21)
            Map.entry("7z", "application/x-7z-compressed"), Map.entry("gz", "application/gzip"),
            Map.entry("tgz", "application/gzip"), Map.entry("tar", "application/x-tar"),
            Map.entry("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
            Map.entry("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
            Map.entry("doc", "application/msword"), Map.entry("xls", "application/vnd.ms-excel"));

    private MimeTypes() {
    }

    /** The type without parameters, lower-cased; octet-stream when blank. */
    static String base(String contentType) {
        if (contentType == null || contentType.isBlank()) {
            return OCTET_STREAM;
        }
        int semi = contentType.indexOf(';');
        return (semi < 0 ? contentType : contentType.substring(0, semi)).strip().toLowerCase(Locale.ROOT);
    }

    /** The type the file name's extension suggests, or octet-stream. */
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

    /** The type the content's first bytes reveal, else the extension's, else octet-stream. */
    static String sniff(byte[] content, String name) {
        if (ContentSniffing.startsWith(content, 0, '%', 'P', 'D', 'F', '-')) {
            return "application/pdf";
        }
        if (ContentSniffing.startsWith(content, 0, 0x89, 'P', 'N', 'G')) {
            return "image/png";
        }
        if (ContentSniffing.startsWith(content, 0, 0xFF, 0xD8, 0xFF)) {
            return "image/jpeg";
        }
        if (ContentSniffing.startsWith(content, 0, 'G', 'I', 'F', '8')) {
            return "image/gif";
        }
        if (ContentSniffing.startsWith(content, 0, '7', 'z', 0xBC, 0xAF, 0x27, 0x1C)) {
            return "application/x-7z-compressed";
        }
        if (ContentSniffing.startsWith(content, 0, 0x1F, 0x8B)) {
            return "application/gzip";
        }
        String ext = byExtension(name);
        if (ContentSniffing.startsWith(content, 0, 'P', 'K', 3, 4)) {
            return ext.startsWith("application/vnd.openxmlformats") ? ext : "application/zip";
        }
        if (!ext.equals(OCTET_STREAM)) {
            return ext;
        }
        return ContentSniffing.looksLikeText(content) ? "text/plain" : OCTET_STREAM;
    }

    /**
     * The type of an item attachment's {@code $value}: "For an item attachment that is a contact, event, or
     * message, the raw contents returned is in MIME format": vCard for a contact, iCal for an event, MIME for a
     * message (learn.microsoft.com/graph/api/attachment-get, "Get the raw contents of a file or item attachment").
     * A vCard or iCalendar object starts with its BEGIN line (RFC 6350 section 3.3, RFC 5545 section 3.4); one
     * wrapped in MIME headers is known by its top-level Content-Type.
     */
    static String itemType(byte[] content) {
        int n = Math.min(content.length, 8192);
        String head = new String(content, 0, n, StandardCharsets.ISO_8859_1);
        if (head.startsWith("\u00ef\u00bb\u00bf")) {
            head = head.substring(3); // UTF-8 byte order mark
        }
        String start = head.stripLeading().toUpperCase(Locale.ROOT);
        if (start.startsWith("BEGIN:VCARD")) {
            return VCARD;
        }
        if (start.startsWith("BEGIN:VCALENDAR")) {
            return CALENDAR;
        }
        int end = head.indexOf("\r\n\r\n");
        end = end < 0 ? head.indexOf("\n\n") : end;
        String headers = (end < 0 ? head : head.substring(0, end)).toLowerCase(Locale.ROOT);
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?m)^content-type:\\s*([^;\\s]+)")
                .matcher(headers);
        if (m.find()) {
            String type = m.group(1);
            if (type.equals("text/vcard") || type.equals("text/x-vcard") || type.equals("text/directory")) {
                return VCARD;
            }
            if (type.equals("text/calendar")) {
                return CALENDAR;
            }
        }
        return RFC822;
    }

    /** The file extension for an item attachment of this type. */
    static String itemExtension(String type) {
        return switch (type) {
            case VCARD -> ".vcf";
            case CALENDAR -> ".ics";
            default -> ".eml";
        };
    }
}
