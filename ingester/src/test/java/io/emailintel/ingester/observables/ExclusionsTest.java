package io.emailintel.ingester.observables;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExclusionsTest {

    private static final Set<String> NONE = Set.of();

    private static boolean excluded(Exclusions x, ObservableType type, String value) {
        return x.excludes(new Observable(type, value), Set.of("me@corp.net"), Set.of("corp.net"));
    }

    @Test
    void operatorFileExcludesValuesRangesAndDomainSuffixes(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("exclusions.txt");
        Files.writeString(file, """
                # our scanners and partners
                203.0.114.0/24
                2a03:b0c0::/32   # a hosting range we use
                8.8.8.8
                partner.com
                *.cdn.example-cdn.net
                9e107d9d372bb6826bd81d3542a419d6
                """);
        Exclusions x = Exclusions.load(file);
        assertThat(excluded(x, ObservableType.IPV4, "203.0.114.77")).isTrue();
        assertThat(excluded(x, ObservableType.IPV4, "203.0.115.1")).isFalse();
        assertThat(excluded(x, ObservableType.IPV6, "2a03:b0c0:3:d0::1")).isTrue();
        assertThat(excluded(x, ObservableType.IPV4, "8.8.8.8")).isTrue();
        assertThat(excluded(x, ObservableType.DOMAIN, "mail.partner.com")).isTrue();
        assertThat(excluded(x, ObservableType.EMAIL, "bob@partner.com")).isTrue();
        assertThat(excluded(x, ObservableType.URL, "https://a.cdn.example-cdn.net/x")).isTrue();
        assertThat(excluded(x, ObservableType.URL, "http://203.0.114.9/x")).isTrue();
        assertThat(excluded(x, ObservableType.DOMAIN, "example-cdn.net")).isFalse();
        assertThat(excluded(x, ObservableType.MD5, "9E107D9D372BB6826BD81D3542A419D6")).isTrue();
        assertThat(excluded(x, ObservableType.DOMAIN, "notpartner.com")).as("suffixes match whole labels").isFalse();
    }

    @Test
    void theMailsOwnAddressesAndDomainsAreExcluded() {
        Exclusions x = Exclusions.defaults();
        assertThat(excluded(x, ObservableType.EMAIL, "me@corp.net")).isTrue();
        assertThat(excluded(x, ObservableType.EMAIL, "other@corp.net")).isTrue();
        assertThat(excluded(x, ObservableType.DOMAIN, "vpn.corp.net")).isTrue();
        assertThat(excluded(x, ObservableType.URL, "https://corp.net/login")).isTrue();
    }

    @Test
    void referenceSitesAreExcludedAsLinksButNotAsSenderAddresses() {
        Exclusions x = Exclusions.defaults();
        assertThat(x.excludes(new Observable(ObservableType.URL, "https://nvd.nist.gov/vuln/detail/CVE-2024-1"),
                NONE, NONE)).isTrue();
        assertThat(x.excludes(new Observable(ObservableType.DOMAIN, "learn.microsoft.com"), NONE, NONE)).isTrue();
        assertThat(x.excludes(new Observable(ObservableType.EMAIL, "ceo.payroll@outlook.com"), NONE, NONE))
                .as("a phishing sender at a freemail provider is an indicator").isFalse();
    }

    @Test
    void aBadRangeNamesTheFileAndLine() {
        assertThatThrownBy(() -> Exclusions.parse(List.of("# ok", "10.0.0.0/40"), "x.txt"))
                .hasMessageContaining("x.txt line 2");
    }
}
