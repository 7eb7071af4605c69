package io.emailintel.triage;

import static org.assertj.core.api.Assertions.assertThat;

import io.emailintel.model.EnvelopeBody;
import java.util.List;
import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@link BodyText}'s linear scans (issue 20) give exactly what its regular expressions gave ({@link #regexText}, the
 * code of commit 943a7d3), over generated HTML full of the cases the expressions decide: case, whitespace, word
 * boundaries (digits, underscores, non-spacing marks, non-ASCII letters), unclosed tags and comments, nesting.
 */
class BodyTextTest {

    private static final String[] TOKENS = {
        "<script>", "</script>", "<SCRIPT type=x>", "</ScRiPt >", "<scripts>", "<script_x>", "<script\u0301>",
        "<scriptü>", "<script1>", "</script\n>", "<style>", "</style>", "<STYLE>", "</style\t>", "<head>", "</head>",
        "<Head lang=en>", "</HEAD>", "<header>", "<!--", "-->", "<!-- c -->", "<!-->", "<br>", "<BR/>", "< br >",
        "<br_x>", "<bra>", "<br\u0301>", "</p>", "</P >", "</pre>", "</div>", "</tr>", "</li>", "</h1>", "</h7>",
        "</h12>", "</H3 x>", "</blockquote>", "< / blockquote >", "<blockquote>", "<BLOCKQUOTE cite=x>",
        "<blockquotes>", "<hr>", "<hr/>", "<p>", "<div>", "<a href='<br>'>", "<", ">", "< ", "text", "TLP:RED",
        "&nbsp;", "&amp;lt;", "\u00a0", "\r\n", "\n", " ", "> quoted", "ſcript", "<ſcript>", "</ſcript>", "<ſtyle>",
        "<ıframe>", "K", "\uD83D\uDE00", "<scr\u0130pt>", "</scr\u0130pt>", "<bloc\u212Aquote>", "</bloc\u212Aquote>",
        "<\u0130frame>", "</h\u0661>",
    };

    @Test
    void generatedHtmlReadsAsTheRegularExpressionsReadIt() {
        Random random = new Random(20);
        for (int doc = 0; doc < 20_000; doc++) {
            StringBuilder html = new StringBuilder();
            for (int n = random.nextInt(40); n > 0; n--) {
                html.append(TOKENS[random.nextInt(TOKENS.length)]);
            }
            assertSameText(html.toString());
        }
    }

    @Test
    void mailLikeHtmlReadsAsBefore() {
        for (String html : List.of("",
                "<html><head><style>p{margin:0}</style></head><body><h1>Advisory</h1><p>TLP:AMBER</p>"
                        + "<table><tr><td>198.51.100.1</td></tr></table></body></html>",
                "<p>Hi</p><blockquote><p>From: a@b.example</p><blockquote>inner<br>line</blockquote>x</blockquote>y",
                "<div>-----Original Message-----<br>From: x</div><!-- unclosed comment <p>rest",
                "<script>unclosed <p>visible?</p>", "plain & simple", "a<b", "a>b")) {
            assertSameText(html);
        }
    }

    @Test
    void theSameBodyReadTwiceGivesTheSameText() {
        EnvelopeBody body = new EnvelopeBody(EnvelopeBody.HTML, "<p>one</p><p>two</p>");
        String first = BodyText.of(body);
        assertThat(BodyText.of(body)).isEqualTo(first).isEqualTo("one\ntwo\n\n");
        assertThat(BodyText.of(new EnvelopeBody(EnvelopeBody.HTML, "<p>three</p>"))).isEqualTo("three\n\n");
        assertThat(BodyText.of(new EnvelopeBody(EnvelopeBody.TEXT, "a\r\nb"))).isEqualTo("a\nb");
    }

    private static void assertSameText(String html) {
        EnvelopeBody body = new EnvelopeBody(EnvelopeBody.HTML, html);
        assertThat(BodyText.of(body)).as(html).isEqualTo(regexText(body));
    }

    private static final Pattern BLOCK = Pattern.compile(
            "(?i)<\\s*(br|/p|/div|/tr|/li|/h[1-6]|/blockquote|hr)\\b[^>]*>");
    private static final Pattern QUOTE_OPEN = Pattern.compile("(?i)<\\s*blockquote\\b[^>]*>");
    private static final Pattern QUOTE_CLOSE = Pattern.compile("(?i)<\\s*/\\s*blockquote\\s*>");
    private static final Pattern DROP = Pattern.compile("(?is)<(script|style|head)\\b.*?</\\1\\s*>|<!--.*?-->");
    private static final Pattern TAG = Pattern.compile("<[^>]*>");

    /** BodyText.of as it was before issue 20, verbatim. */
    static String regexText(EnvelopeBody body) {
        String content = body == null ? "" : body.content();
        if (!EnvelopeBody.HTML.equalsIgnoreCase(body == null ? "" : body.contentType())) {
            return content.replace("\r\n", "\n");
        }
        String html = DROP.matcher(content).replaceAll(" ");
        StringBuilder out = new StringBuilder();
        int depth = 0;
        String[] pieces = html.split("(?i)(?=<\\s*/?\\s*blockquote\\b)");
        for (String piece : pieces) {
            if (QUOTE_OPEN.matcher(piece).lookingAt()) {
                depth++;
            } else if (QUOTE_CLOSE.matcher(piece).lookingAt()) {
                depth = Math.max(0, depth - 1);
            }
            String text = TAG.matcher(BLOCK.matcher(piece).replaceAll("\n")).replaceAll("");
            text = text.replace("&nbsp;", " ").replace("&#160;", " ").replace("&lt;", "<").replace("&gt;", ">")
                    .replace("&quot;", "\"").replace("&#39;", "'").replace("&apos;", "'").replace("&amp;", "&")
                    .replace('\u00a0', ' ').replace("\r\n", "\n");
            String prefix = "> ".repeat(depth);
            for (String line : text.split("\n", -1)) {
                out.append(depth > 0 && !line.isBlank() ? prefix : "").append(line).append('\n');
            }
        }
        return out.toString();
    }
}
