package io.emailintel.model;

import java.util.Locale;

/**
 * A mailbox address as Graph reports it: a display name (may be empty) and an address (may be empty when
 * Graph has none, e.g. a draft or an Exchange-internal sender).
 */
public record EmailAddress(String name, String address) {

    public EmailAddress {
        name = name == null ? "" : name;
        address = address == null ? "" : address;
    }

    public static EmailAddress of(String address) {
        return new EmailAddress("", address);
    }

    /** True when neither a name nor an address is known. */
    public boolean isEmpty() {
        return name.isBlank() && address.isBlank();
    }

    /** The address lower-cased, for comparisons; addresses are case-insensitive in practice. */
    public String normalizedAddress() {
        return address.strip().toLowerCase(Locale.ROOT);
    }

    /** {@code Name <address>}, or whichever part is known. */
    public String display() {
        if (name.isBlank()) {
            return address;
        }
        if (address.isBlank()) {
            return name;
        }
        return name + " <" + address + ">";
    }
}
