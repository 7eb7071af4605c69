package io.emailintel.ingester.stix;

import static org.assertj.core.api.Assertions.assertThat;

import io.emailintel.model.EnvelopeBody;
import org.junit.jupiter.api.Test;

class BodySanitizerTest {

    @Test
    void trackingPixelIsRemoved() {
        String out = BodySanitizer.html("<p>Hi</p><img src=\"https://track.evil.example/p.gif?u=1\" width=1 height=1>");
        assertThat(out).doesNotContain("img").doesNotContain("evil").contains("<p>Hi</p>");
    }

    @Test
    void protocolRelativeAndCidImagesAreRemoved() {
        assertThat(BodySanitizer.html("<img src=\"//evil.example/x.png\"><img src=\"cid:abc\">")).doesNotContain("img");
    }

    @Test
    void inlineDataImagesStay() {
        assertThat(BodySanitizer.html("<img src=\"data:image/png;base64,AAAA\">")).contains("src=\"data:image/png;base64,AAAA\"");
    }

    @Test
    void scriptsAreRemovedWithTheirContent() {
        String out = BodySanitizer.html("<p>a</p><script>alert(1)</script><p>b</p>");
        assertThat(out).doesNotContain("script").doesNotContain("alert").contains("<p>a</p>").contains("<p>b</p>");
    }

    @Test
    void eventHandlersAreRemoved() {
        String out = BodySanitizer.html("<p onclick=\"steal()\">x</p><img src=x onerror=\"alert(1)\"><b onmouseover=y>z</b>");
        assertThat(out).doesNotContain("onclick").doesNotContain("onerror").doesNotContain("onmouseover")
                .doesNotContain("alert").contains("<b>z</b>");
    }

    @Test
    void iframesAndFramesAreRemoved() {
        assertThat(BodySanitizer.html("<iframe src=\"https://evil.example\"></iframe><frame src=x><embed src=y><object data=z></object>"))
                .doesNotContain("iframe").doesNotContain("frame").doesNotContain("embed").doesNotContain("object")
                .doesNotContain("evil");
    }

    @Test
    void formsAndInputsAreRemoved() {
        String out = BodySanitizer.html("<form action=\"https://evil.example/login\"><input name=p type=password><button>Go</button></form>");
        assertThat(out).doesNotContain("form").doesNotContain("input").doesNotContain("evil").doesNotContain("button");
    }

    @Test
    void javascriptLinksLoseTheirTarget() {
        String out = BodySanitizer.html("<a href=\"javascript:alert(1)\">click</a><a href=\"JaVaScRiPt:alert(2)\">b</a>");
        assertThat(out).doesNotContainIgnoringCase("javascript").doesNotContain("alert").contains("click");
    }

    @Test
    void httpLinksStayAndCannotReachTheOpener() {
        String out = BodySanitizer.html("<a href=\"https://vendor.example/advisory\">advisory</a>");
        assertThat(out).contains("href=\"https://vendor.example/advisory\"").contains("rel=\"noopener noreferrer nofollow\"");
    }

    @Test
    void cssCannotLoadAnything() {
        String out = BodySanitizer.html("<style>body{background:url(https://evil.example/a.png)}</style>"
                + "<div style=\"background-image:url('https://evil.example/b.png')\">text</div>"
                + "<table background=\"https://evil.example/c.png\"><tr><td>cell</td></tr></table>");
        assertThat(out).doesNotContain("url(").doesNotContain("evil").doesNotContain("style").contains("text")
                .contains("<td>cell</td>");
    }

    @Test
    void linkMetaAndBaseElementsAreRemoved() {
        assertThat(BodySanitizer.html("<link rel=stylesheet href=https://evil.example/s.css><meta http-equiv=refresh content=\"0;url=https://evil.example\"><base href=https://evil.example/>x"))
                .doesNotContain("evil").contains("x");
    }

    @Test
    void structureTextAndTablesAreKept() {
        String html = "<h1>Title</h1><p>Para with <b>bold</b> and <i>it</i></p><ul><li>one</li></ul>"
                + "<table><tbody><tr><th>IOC</th></tr><tr><td>1.2.3.4</td></tr></tbody></table>";
        assertThat(BodySanitizer.html(html)).isEqualTo(html);
    }

    @Test
    void plainTextIsEscapedWithLineBreaksKept() {
        String out = BodySanitizer.toSafeHtml(new EnvelopeBody("text", "a <script>x</script> & b\r\nline 2\nline 3"));
        assertThat(out).isEqualTo("<p>a &lt;script&gt;x&lt;/script&gt; &amp; b<br>\nline 2<br>\nline 3</p>");
    }
}
