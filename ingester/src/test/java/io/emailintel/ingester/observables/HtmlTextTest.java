package io.emailintel.ingester.observables;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class HtmlTextTest {

    @Test
    void tagsAndAttributesGoBlocksBreakLinesReferencesAreDecoded() {
        assertThat(HtmlText.of("<p>C2 <b>evil</b>.com</p><a href=\"https://target.com\">text</a><td>1.1.1.1</td>"))
                .isEqualTo("\nC2 evil.com\ntext\n1.1.1.1\n");
        assertThat(HtmlText.of("a&amp;b&nbsp;c&#46;d&#x2E;e &unknown; & &lt;x&gt;")).isEqualTo("a&b c.d.e &unknown; & <x>");
    }

    @Test
    void scriptsStylesAndCommentsAreSkipped() {
        assertThat(HtmlText.of("<style>a{b:c}</style><SCRIPT>var x='1.1.1.1'</script>x<!-- 8.8.8.8 -->y"))
                .isEqualTo("xy");
    }

    @Test
    void malformedMarkupNeverLosesTheRest() {
        assertThat(HtmlText.of("1 < 2 and <a title='x>y'>z</a> <unclosed")).isEqualTo("1 < 2 and z ");
        assertThat(HtmlText.of("<script>never closed 8.8.8.8")).isEmpty();
    }
}
