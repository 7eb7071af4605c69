package io.emailintel.fetcher.eml;

/** Bytes that cannot be read as a MIME message at all. */
final class MalformedMailException extends Exception {

    MalformedMailException(String message, Throwable cause) {
        super(message, cause);
    }
}
