package io.emailintel.ingester.observables;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RefangTest {

    @Test
    void usualDefangsAreUndone() {
        assertThat(Refang.token("hxxps://evil[.]com/a")).isEqualTo("https://evil.com/a");
        assertThat(Refang.token("hXXp[:]//1.2.3(.)4")).isEqualTo("http://1.2.3.4");
        assertThat(Refang.token("hxxps[://]evil{.}com")).isEqualTo("https://evil.com");
        assertThat(Refang.token("evil[DOT]com")).isEqualTo("evil.com");
        assertThat(Refang.token("evil(dot)co[.]uk")).isEqualTo("evil.co.uk");
        assertThat(Refang.token("bob[@]evil[.]com")).isEqualTo("bob@evil.com");
        assertThat(Refang.token("bob[at]evil\\.com")).isEqualTo("bob@evil.com");
        assertThat(Refang.token("fxp://drop[.]cc")).isEqualTo("ftp://drop.cc");
    }

    @Test
    void textWithoutDefangsIsReturnedAsIs() {
        String plain = "https://evil.com/a(b)[c]";
        assertThat(Refang.token(plain)).isSameAs(plain);
        assertThat(Refang.token("shxxp://x")).as("hxxp inside a word is not a scheme").isEqualTo("shxxp://x");
        assertThat(Refang.token("hxxpdocs")).isEqualTo("hxxpdocs");
    }
}
