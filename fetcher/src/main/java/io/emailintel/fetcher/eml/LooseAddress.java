package io.emailintel.fetcher.eml;

import io.emailintel.model.EmailAddress;

/**
 * A single mailbox written as a display name followed by a bare address, without the angle brackets RFC 5322
 * §3.4 requires: {@code From: "Doe, Jane" jane@example.org} or {@code From: Jane Doe jane@example.org}. Mail
 * clients show the name and the address; Jakarta Mail's parser (strict or not) drops the name or splits at the
 * comma, and Python runs the phrase into the local part ({@code "Doe, Jane jane"@example.org}).
 */
final class LooseAddress {

    private LooseAddress() {
    }

    /** The name and address, or null when the value is not that shape (then the normal parser reads it). */
    static EmailAddress parse(String value) {
        String v = value.replaceAll("\\r?\\n(?=[ \\t])", "").strip();
        if (v.indexOf('<') >= 0 || v.indexOf('(') >= 0) {
            return null;
        }
        int space = Math.max(v.lastIndexOf(' '), v.lastIndexOf('\t'));
        if (space <= 0) {
            return null;
        }
        String address = v.substring(space + 1);
        String phrase = v.substring(0, space).strip();
        int at = address.indexOf('@');
        if (at <= 0 || at != address.lastIndexOf('@') || at == address.length() - 1 || phrase.isEmpty()
                || phrase.indexOf('@') >= 0 || address.indexOf(',') >= 0 || address.indexOf('"') >= 0) {
            return null;
        }
        if (phrase.length() >= 2 && phrase.startsWith("\"") && phrase.endsWith("\"")) {
            phrase = phrase.substring(1, phrase.length() - 1).replace("\\\"", "\"").replace("\\\\", "\\");
        } else if (phrase.indexOf('"') >= 0 || phrase.indexOf(',') >= 0) {
            return null; // unbalanced quoting or a list: leave it to the real parser
        }
        return new EmailAddress(phrase, address);
    }
}
