package io.emailintel.fetcher.eml;

import java.util.Map;

/**
 * Angus Mail's lenient parsing switches, which make it read real-world mail the way mail clients do.
 *
 * <p>Most of them are not {@code Session} properties: Jakarta Mail reads them with
 * {@code MimeUtility.getBooleanSystemProperty} in the <em>static initialisers</em> of {@code MimeMultipart},
 * {@code MimeUtility}, {@code ParameterList}, {@code ContentDisposition}, {@code MimeBodyPart} and Angus Mail's
 * {@code BASE64DecoderStream} / {@code UUDecoderStream} (checked in jakarta.mail-api 2.1.5 / angus-mail 2.0.5;
 * listed as System properties in the {@code jakarta.mail.internet} package documentation,
 * https://eclipse-ee4j.github.io/angus-mail/docs/api/jakarta.mail/jakarta/mail/internet/package-summary.html).
 * So they must be set before any of those classes is first used in the JVM, and they then hold for every
 * Jakarta Mail user in it (the IMAP source included, which reads the same mail). {@link #apply()} is called
 * first thing by the fetcher's command line and again by {@link MimeMessageReader}'s static initialiser (for
 * tests and embedders); a value an operator set with {@code -D} is left alone.
 *
 * <p>Not used: {@code mail.mime.contenttypehandler} (a class name whose static method rewrites every
 * Content-Type, JVM-wide): {@link MimeMessageReader} decides part types itself, where it also knows the parent
 * (the parts of a multipart/digest default to message/rfc822). {@code mail.mime.address.strict} and
 * {@code mail.mime.allowutf8} are Session properties and are set on the reader's session.
 */
public final class MimeLeniency {

    /** Each switch, with the value we want and why (the Angus Mail default in brackets). */
    static final Map<String, String> SYSTEM_PROPERTIES = Map.ofEntries(
            // [true] a multipart without its closing "--boundary--" keeps the parts it has (Python does too)
            Map.entry("mail.mime.multipart.ignoremissingendboundary", "true"),
            // [true] multipart without a boundary parameter: the first "--" line is taken as the boundary
            Map.entry("mail.mime.multipart.ignoremissingboundaryparameter", "true"),
            // [false] a multipart whose start boundary never comes has no parts instead of failing; the reader
            // then shows its text as the body, as a mail client does
            Map.entry("mail.mime.multipart.allowempty", "true"),
            // [true] unquoted values with spaces (name=Threat Report.pdf) end at the next ';', not at the space
            Map.entry("mail.mime.parameters.strict", "false"),
            // [true] "attachment filename=x" or an unterminated quote does not make the part unreadable
            Map.entry("mail.mime.contentdisposition.strict", "false"),
            // [false] an unknown Content-Transfer-Encoding ("8bits", "quoted_printable") is read as 8bit, as
            // Python and mail clients do, instead of failing the part
            Map.entry("mail.mime.ignoreunknownencoding", "true"),
            // [true] encoded words that are not whitespace-separated (Subject: Re:=?utf-8?q?...?=) are decoded
            Map.entry("mail.mime.decodetext.strict", "false"),
            // [false] RFC 2047 encoded words in file names are decoded (Outlook and Gmail send them)
            Map.entry("mail.mime.decodefilename", "true"),
            // [true] RFC 2231 parameters (filename*=UTF-8''...) are decoded
            Map.entry("mail.mime.decodeparameters", "true"),
            // [false] broken base64 yields what decodes (Python: best effort plus a defect) instead of an error
            Map.entry("mail.mime.base64.ignoreerrors", "true"),
            // [false] uuencoded parts with a bad line or no begin/end lines yield what decodes
            Map.entry("mail.mime.uudecode.ignoreerrors", "true"),
            Map.entry("mail.mime.uudecode.ignoremissingbeginend", "true"));

    private MimeLeniency() {
    }

    /** Sets each switch unless already set; idempotent, cheap, safe to call from several entry points. */
    public static synchronized void apply() {
        SYSTEM_PROPERTIES.forEach((key, value) -> {
            if (System.getProperty(key) == null) {
                System.setProperty(key, value);
            }
        });
    }
}
