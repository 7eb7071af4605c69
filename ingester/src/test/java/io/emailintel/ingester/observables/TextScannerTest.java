package io.emailintel.ingester.observables;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TextScannerTest {

    private static List<String> scan(String text) {
        List<String> out = new ArrayList<>();
        TextScanner.scan(text, o -> out.add(o.type() + " " + o.value()));
        return out;
    }

    @Test
    void plainAndDefangedValuesOfEveryTypeAreFound() {
        assertThat(scan("C2 45.61.136[.]12, evil-updates[.]net and http://91.92.240.18:8080/gate.php"))
                .containsExactly("IPV4 45.61.136.12", "DOMAIN evil-updates.net", "URL http://91.92.240.18:8080/gate.php");
        assertThat(scan("mail from Bob.Smith[@]Payro11-Update.com")).containsExactly("EMAIL bob.smith@payro11-update.com");
        assertThat(scan("v6 2A03:B0C0:3:D0::1A51:C001.")).containsExactly("IPV6 2a03:b0c0:3:d0::1a51:c001");
        assertThat(scan("(CVE-2024-3400), cve-2023-4966")).containsExactly("CVE CVE-2024-3400", "CVE CVE-2023-4966");
    }

    @Test
    void hashesAreHexRunsOfADigestLengthStandingAlone() {
        String md5 = "9e107d9d372bb6826bd81d3542a419d6";
        String sha1 = "2fd4e1c67a2d28fced849ee1bb76e7391b93eb12";
        String sha256 = "d7a8fbb307d7809469ca9abcb0082e4f8d5651e46d3cdb762d02d0bf37c9e592";
        assertThat(scan("md5=" + md5 + " SHA1:" + sha1.toUpperCase() + " (" + sha256 + ")."))
                .containsExactly("MD5 " + md5, "SHA1 " + sha1, "SHA256 " + sha256);
        assertThat(scan("0x" + md5 + " " + md5 + "a " + md5 + "-x " + "0".repeat(32) + " " + "1234567890".repeat(4)))
                .as("glued, too long, a hyphenated id part, zeros, decimal digits").isEmpty();
        assertThat(scan("%064x".formatted(0x9e3779b97f4a7c15L)))
                .as("a zero-padded number is not a digest").isEmpty();
    }

    @Test
    void urlKeepsItsPathCaseAndLosesTrailingPunctuation() {
        assertThat(scan("see HTTPS://Evil.COM/Path/X.php?a=B.")).containsExactly("URL https://evil.com/Path/X.php?a=B");
        assertThat(scan("[link](https://evil.com/a)")).containsExactly("URL https://evil.com/a");
        assertThat(scan("javascript://evil.com gopher://evil.com")).as("other schemes").isEmpty();
        assertThat(scan("http://10.0.0.1/admin http://intranet.local/x")).as("private hosts").isEmpty();
    }

    @Test
    void plainDomainsMustLookLikeHostsNotFileNamesOrCode() {
        assertThat(scan("readme.md script.py run.sh archive.zip invoice.pdf config.json ASP.NET Node.js "
                + "System.IO kernel32.dll os.path e.g. U.S. 1.2.3 2024.03.12")).isEmpty();
        assertThat(scan("defanged archive[.]zip")).containsExactly("DOMAIN archive.zip");
        assertThat(scan("plain evil.co.uk and co.uk")).containsExactly("DOMAIN evil.co.uk");
    }

    @Test
    void dottedQuadsThatAreVersionsOrNotRoutableAreLeftOut() {
        assertThat(scan("version 5.15.0.105, builds 4.4.4.4 and 8.8.4.4")).isEmpty();
        assertThat(scan("1.3.6.1.4.1.311 01.02.03.04 256.1.1.1 192.168.1.1 127.0.0.1 198.51.100.7 224.0.0.1"))
                .isEmpty();
        assertThat(scan("10.0.0.0/8 and 8.8.8.0/24")).as("CIDR ranges are not addresses").isEmpty();
        assertThat(scan("hit 8.8.8.8:53")).containsExactly("IPV4 8.8.8.8");
    }

    @Test
    void colonsInTimesMacsAndCodeAreNotIpv6() {
        assertThat(scan("10:30:45 00:1A:2B:3C:4D:5E std::string ::1 fe80::1 fc00::1 2001:db8::1 ff02::1 a:b"))
                .isEmpty();
    }

    @Test
    void zeroWidthCharactersDoNotHideAValue() {
        assertThat(scan("evil\u200b.com")).containsExactly("DOMAIN evil.com");
    }

    @Test
    void aTokenLongerThanTheLimitIsSkippedWhole() {
        assertThat(scan("http://evil.com/" + "a".repeat(TextScanner.MAX_TOKEN) + " 8.8.8.8"))
                .containsExactly("IPV4 8.8.8.8");
    }

    @Test
    void theSinkCanStopTheScan() {
        List<String> seen = new ArrayList<>();
        boolean complete = TextScanner.scan("8.8.8.8 9.9.9.9 1.1.1.1", o -> seen.add(o.value()) && seen.size() < 2);
        assertThat(complete).isFalse();
        assertThat(seen).containsExactly("8.8.8.8", "9.9.9.9");
    }
}
