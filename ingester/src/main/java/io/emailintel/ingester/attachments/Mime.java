package io.emailintel.ingester.attachments;

import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.ContentType;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import jakarta.mail.internet.ParameterList;
import java.util.Properties;

/** The Jakarta Mail session and the two quirks that keep converted messages reproducible. */
final class Mime {

    /** RFC 2047-encoded file names are decoded (mail.mime.decodefilename; RFC 2231 is decoded by default). */
    static final Session SESSION = Session.getInstance(properties());

    private Mime() {
    }

    private static Properties properties() {
        Properties p = new Properties();
        p.setProperty("mail.mime.decodefilename", "true");
        p.setProperty("mail.mime.encodefilename", "true");
        return p;
    }

    /**
     * A message that keeps the Message-ID it was given and adds none: {@code saveChanges} would otherwise invent
     * a random one (MimeMessage#updateMessageID), and the same .msg would become a different .eml on every replay.
     */
    static final class KeptIdMessage extends MimeMessage {

        KeptIdMessage() {
            super(SESSION);
        }

        @Override
        protected void updateMessageID() {
        }
    }

    /**
     * A multipart with a given boundary instead of Jakarta Mail's random one (again for reproducible output).
     * The boundary is derived from the content's digest, so content cannot be crafted to contain it.
     */
    static MimeMultipart multipart(String subtype, String boundary) throws MessagingException {
        MimeMultipart mp = new MimeMultipart(subtype) {
            {
                ParameterList params = new ParameterList();
                params.set("boundary", boundary);
                contentType = new ContentType("multipart", subtype, params).toString();
            }
        };
        return mp;
    }
}
