package io.emailintel.config;

import java.util.regex.Pattern;

/** Masks credentials embedded in values before they are shown or logged. */
public final class Redaction {

    private static final Pattern URI_PASSWORD = Pattern.compile("(?<=://)([^:/@\\s]*):[^@/\\s]*@");

    private Redaction() {
    }

    /** {@code amqp://user:secret@host} → {@code amqp://user:****@host}; other text unchanged. */
    public static String uriPassword(String text) {
        return text == null ? null : URI_PASSWORD.matcher(text).replaceAll("$1:****@");
    }
}
