package io.emailintel.ingester.observables;

/**
 * The kinds of value extracted, with the STIX type each becomes and, for indicators, the pattern's object path
 * and OpenCTI's main observable type ({@code x_opencti_main_observable_type}).
 */
enum ObservableType {
    IPV4("ipv4-addr", "ipv4-addr:value", "IPv4-Addr"),
    IPV6("ipv6-addr", "ipv6-addr:value", "IPv6-Addr"),
    DOMAIN("domain-name", "domain-name:value", "Domain-Name"),
    URL("url", "url:value", "Url"),
    EMAIL("email-addr", "email-addr:value", "Email-Addr"),
    MD5("file", "file:hashes.MD5", "StixFile"),
    SHA1("file", "file:hashes.'SHA-1'", "StixFile"),
    SHA256("file", "file:hashes.'SHA-256'", "StixFile"),
    SHA512("file", "file:hashes.'SHA-512'", "StixFile"),
    CVE("vulnerability", "", "");

    final String stixType;
    final String patternPath;
    final String openCtiType;

    ObservableType(String stixType, String patternPath, String openCtiType) {
        this.stixType = stixType;
        this.patternPath = patternPath;
        this.openCtiType = openCtiType;
    }

    boolean isHash() {
        return stixType.equals("file");
    }

    /** The STIX 2.1 hash algorithm name (hash-algorithm-ov) of a hash type. */
    String hashAlgorithm() {
        return switch (this) {
            case MD5 -> "MD5";
            case SHA1 -> "SHA-1";
            case SHA256 -> "SHA-256";
            case SHA512 -> "SHA-512";
            default -> throw new IllegalStateException(this + " is not a hash");
        };
    }

    /** The hash type of a hex string of {@code length} characters, or null. */
    static ObservableType hashOfLength(int length) {
        return switch (length) {
            case 32 -> MD5;
            case 40 -> SHA1;
            case 64 -> SHA256;
            case 128 -> SHA512;
            default -> null;
        };
    }
}
