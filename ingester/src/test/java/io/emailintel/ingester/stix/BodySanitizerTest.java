package io.emailintel.ingester.stix;

import static org.assertj.core.api.Assertions.assertThat;

import io.emailintel.model.EnvelopeBody;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Element;
import org.jsoup.select.NodeTraversor;
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

    @Test
    void tenThousandNestedElementsAreSanitisedWithoutOverflowingTheStack() {
        int depth = 10_000;
        String html = "<div>".repeat(depth) + "deep text<script>x()</script>" + "</div>".repeat(depth)
                + "<b>".repeat(depth) + "bold" + "<table><tr><td>".repeat(depth / 10) + "cell";
        String out = BodySanitizer.html(html);
        assertThat(out).contains("deep text").contains("bold").contains("cell").doesNotContain("script");
        assertThat(maxDepth(Jsoup.parseBodyFragment(out).body())).isLessThanOrEqualTo(BodySanitizer.MAX_DEPTH);
        assertThat(out.indexOf("deep text")).isLessThan(out.indexOf("bold"));
    }

    @Test
    void ordinaryNestingIsKeptAsItIs() {
        String html = "<div>".repeat(40) + "<p>x</p>" + "</div>".repeat(40);
        assertThat(BodySanitizer.html(html)).isEqualTo(html);
    }

    private static int maxDepth(Element root) {
        int[] max = {0};
        NodeTraversor.traverse((node, depth) -> {
            if (node instanceof Element) {
                max[0] = Math.max(max[0], depth);
            }
        }, root);
        return max[0];
    }

    @Test
    void aHugeInlineDataImageIsLeftOutButASmallOneStays() {
        String big = "data:image/png;base64," + "A".repeat(BodySanitizer.MAX_DATA_IMAGE_CHARS);
        String out = BodySanitizer.html("<p>before</p><img src=\"" + big + "\"><img src=\"data:image/gif;base64,R0lG\">");
        assertThat(out).hasSizeLessThan(1_000).contains("before").contains("data:image/gif;base64,R0lG");
    }

    @Test
    void dataUrlsThatAreNotRasterImagesAreRemoved() {
        String out = BodySanitizer.html("<img src=\"data:image/svg+xml;base64,PHN2Zz4=\">"
                + "<img src=\"data:text/html,<script>alert(1)</script>\">"
                + "<a href=\"data:text/html;base64,PHNjcmlwdD4=\">x</a>");
        assertThat(out).doesNotContain("data:").doesNotContain("img").doesNotContain("script").contains("x");
    }

    @Test
    void obfuscatedJavascriptAndVbscriptLinksAndCssExpressionsAreRemoved() {
        String out = BodySanitizer.html("<a href=\"jav&#x09;ascript:alert(1)\">a</a>"
                + "<a href=\" javascript:alert(2)\">b</a><a href=\"vbscript:msgbox(3)\">c</a>"
                + "<div style=\"width: expression(alert(4))\">d</div>"
                + "<svg onload=\"alert(5)\"><script>alert(6)</script></svg>"
                + "<math><mtext><table><mglyph><style><img src=x onerror=alert(7)></style></mglyph></table></mtext></math>"
                + "<body onload=\"alert(8)\">e</body>");
        assertThat(out).doesNotContainIgnoringCase("script").doesNotContain("alert").doesNotContain("expression")
                .doesNotContain("onload").doesNotContain("onerror").doesNotContain("style")
                .contains("a").contains("b").contains("c").contains("d").contains("e");
    }
}
