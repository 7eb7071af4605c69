package io.emailintel.ingester.stix;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PlatformNameTest {

    @Test
    void oneCharacterNamesAreRefused() {
        assertThat(PlatformName.accepted("?")).isFalse();
        assertThat(PlatformName.accepted("1")).isFalse();
        assertThat(PlatformName.accepted("")).isFalse();
    }

    @Test
    void twoCharacterNamesAreAccepted() {
        assertThat(PlatformName.accepted("ab")).isTrue();
        assertThat(PlatformName.accepted("??")).isTrue();
        assertThat(PlatformName.accepted(" a")).as("length is counted before trimming").isTrue();
    }

    @Test
    void namesOfOnlyUnicodeSpacesAreBlankAsJavaScriptTrimSeesThem() {
        for (String blank : new String[] {"  ", "\u00A0\u00A0", "\u3000\u3000", "\uFEFF\uFEFF", "\u2007\u202F",
                "\u2028\u2029", "\t\u000B\u000C\r\n", "\u1680\u205F", "\u2000\u200A"}) {
            assertThat(PlatformName.accepted(blank)).as("%s", escaped(blank)).isFalse();
        }
    }

    @Test
    void javaScriptTrimKeepsWhatItDoesNotCountAsSpace() {
        // U+001C..U+001F are whitespace to Java's strip(), not to JavaScript; U+200B and U+0085 are neither
        assertThat(PlatformName.jsTrim("\u001C\u001D")).isEqualTo("\u001C\u001D");
        assertThat(PlatformName.accepted("\u200B\u200B")).isTrue();
        assertThat(PlatformName.jsTrim("\u0085x\u0085")).isEqualTo("\u0085x\u0085");
        assertThat(PlatformName.jsTrim("\u00A0\uFEFFab\u202F\u3000")).isEqualTo("ab");
    }

    @Test
    void aSingleEmojiIsOneCharacterToTheConstraintThoughTwoUtf16Units() {
        String fish = "\uD83C\uDFA3"; // 🎣, a surrogate pair
        assertThat(fish).hasSize(2);
        assertThat(PlatformName.constraintLength(fish)).isEqualTo(1);
        assertThat(PlatformName.accepted(fish)).isFalse();
        assertThat(PlatformName.accepted(fish + fish)).isTrue();
        assertThat(PlatformName.accepted(fish + "!")).isTrue();
    }

    @Test
    void variationSelectorsDoNotCount() {
        assertThat(PlatformName.accepted("\u2764\uFE0F")).as("❤️").isFalse();
        assertThat(PlatformName.constraintLength("a\uFE0E")).isEqualTo(1);
    }

    @Test
    void aLoneSurrogateCountsAsOneUnit() {
        assertThat(PlatformName.constraintLength("\uD83Cx")).isEqualTo(2);
    }

    private static String escaped(String s) {
        StringBuilder out = new StringBuilder();
        s.chars().forEach(c -> out.append(String.format("\\u%04X", c)));
        return out.toString();
    }
}
