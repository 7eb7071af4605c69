package io.emailintel.ingester.stix;

import io.emailintel.model.EnvelopeBody;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Attribute;
import org.jsoup.nodes.Attributes;
import org.jsoup.nodes.DataNode;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.jsoup.nodes.Entities;
import org.jsoup.nodes.Node;
import org.jsoup.nodes.TextNode;
import org.jsoup.safety.Safelist;
import org.jsoup.select.NodeFilter;
import org.jsoup.select.NodeTraversor;

/**
 * Makes an e-mail body safe to show in OpenCTI's report content view. The analyst opens phishing samples
 * there: nothing in the body may run (scripts, event handlers, {@code javascript:} links) or load anything
 * remote (a tracking pixel would tell the attacker the report was read). Structure, text, links and tables
 * stay.
 */
public final class BodySanitizer {

    // relaxed(): text structure, lists, tables, links; no style attributes or <style> (CSS url() loads),
    // no forms, iframes, scripts or on* attributes. Images only as data: URIs of raster types, bounded in size,
    // never remote.
    static final Safelist SAFELIST = Safelist.relaxed()
            .removeProtocols("img", "src", "http", "https")
            .addProtocols("img", "src", "data")
            .removeProtocols("a", "href", "ftp")
            .addEnforcedAttribute("a", "rel", "noopener noreferrer nofollow");

    /** The tags {@link #SAFELIST} allows (relaxed()'s; {@code BodySanitizerEquivalenceTest} checks they agree). */
    static final Set<String> SAFE_TAGS = Set.of("a", "b", "blockquote", "br", "caption", "cite", "code", "col",
            "colgroup", "dd", "div", "dl", "dt", "em", "h1", "h2", "h3", "h4", "h5", "h6", "i", "img", "li", "ol", "p",
            "pre", "q", "small", "span", "strike", "strong", "sub", "sup", "table", "tbody", "td", "tfoot", "th",
            "thead", "tr", "u", "ul");
    /** The "tag attribute" pairs {@link #SAFELIST} checks the protocol of, with the protocols it allows. */
    static final Map<String, Set<String>> URL_ATTRIBUTES = Map.of(
            "a href", Set.of("http", "https", "mailto"),
            "blockquote cite", Set.of("http", "https"),
            "q cite", Set.of("http", "https"),
            "img src", Set.of("data"));
    private static final Attributes ENFORCED_A = SAFELIST.getEnforcedAttributes("a");

    private static final Document.OutputSettings OUTPUT = new Document.OutputSettings().prettyPrint(false);

    /**
     * Largest {@code data:} image kept in the content, in characters of its URL. An e-mail can inline a 50 MB
     * picture; OpenCTI would store and ship it with every read of the report. Larger ones are left out.
     */
    static final int MAX_DATA_IMAGE_CHARS = 512 * 1024;
    /**
     * Deepest element nesting kept. Real mail layouts (Outlook's nested tables) use a few dozen levels; a hostile
     * body nests thousands, which browsers and rich-text editors lay out recursively. Deeper elements are
     * unwrapped: their text stays, in order, inside the deepest kept element.
     */
    static final int MAX_DEPTH = 100;
    /** Raster types only: an SVG is a document that can carry script and remote references. */
    private static final Pattern DATA_IMAGE = Pattern.compile(
            "(?i)data:image/(png|jpeg|jpg|gif|webp|bmp);base64,[A-Za-z0-9+/=\\s]*");

    private BodySanitizer() {
    }

    /** The body as safe HTML, whatever its content type. */
    public static String toSafeHtml(EnvelopeBody body) {
        return body.isHtml() ? html(body.content()) : text(body.content());
    }

    static String html(String html) {
        Document clean = Document.createShell("");
        clean.outputSettings(OUTPUT);
        NodeTraversor.filter(new Copy(clean.body()), Jsoup.parseBodyFragment(html, "").body());
        // html() without pretty-printing is this, into a builder that does not have to grow from 1 KB
        return clean.body().html(new StringBuilder(html.length() + 256)).toString();
    }

    /**
     * One walk over the parsed body that builds the clean tree as jsoup's {@code Cleaner} with {@link #SAFELIST}
     * builds it (safe elements shallow-copied with their safe attributes, then the enforced ones; text copied; other
     * elements unwrapped; comments and the data of unsafe elements dropped) and, in the same walk, leaves out what
     * the sanitiser removed from the cleaned tree afterwards: images without an acceptable {@code data:} source and
     * elements nested deeper than {@link #MAX_DEPTH}. Replaces Cleaner + a select + a traversal (issue 20); {@code
     * BodySanitizerEquivalenceTest} holds the output to the old code's, byte for byte.
     */
    private static final class Copy implements NodeFilter {
        /** The safe elements that were copied, innermost first: a tail pops its copy. */
        private final ArrayDeque<Node> copied = new ArrayDeque<>();
        private Element destination;
        private int depth;

        Copy(Element destination) {
            this.destination = destination;
        }

        @Override
        public FilterResult head(Node source, int ignored) {
            if (source instanceof Element element) {
                if (!SAFE_TAGS.contains(element.normalName())) {
                    return FilterResult.CONTINUE; // the root (body), or unwrapped: its children go where it was
                }
                Element copy = safeCopy(element);
                if (element.nameIs("img") && !acceptableImage(copy.attr("src"))) {
                    return FilterResult.SKIP_CHILDREN; // left out with anything under it
                }
                if (depth >= MAX_DEPTH) {
                    return FilterResult.CONTINUE; // too deep: unwrapped
                }
                destination.appendChild(copy);
                destination = copy;
                depth++;
                copied.push(source);
            } else if (source instanceof TextNode text) { // CDATA too: copied as text, as Cleaner does
                destination.appendChild(new TextNode(text.getWholeText()));
            } else if (source instanceof DataNode data && data.parent() != null
                    && SAFE_TAGS.contains(data.parent().normalName())) {
                destination.appendChild(new DataNode(data.getWholeData()));
            }
            return FilterResult.CONTINUE;
        }

        @Override
        public FilterResult tail(Node source, int ignored) {
            if (copied.peek() == source) {
                copied.pop();
                destination = destination.parent();
                depth--;
            }
            return FilterResult.CONTINUE;
        }
    }

    private static boolean acceptableImage(String src) {
        return !src.isEmpty() && src.length() <= MAX_DATA_IMAGE_CHARS && DATA_IMAGE.matcher(src).matches();
    }

    /**
     * Cleaner's {@code createSafeElement}: a shallow copy with the source's safe attributes in their order, URL
     * attributes made absolute (with no base URI: normalised, or kept as they are when Java cannot parse them),
     * then the enforced attributes last. A plain absolute http(s) URL, or a {@code data:} image, is a value that
     * resolution leaves unchanged, so those skip the {@code java.net.URL} round trips (two per link in Cleaner).
     */
    private static Element safeCopy(Element source) {
        Element copy = source.shallowClone();
        copy.clearAttributes();
        String tag = source.tagName();
        String name = source.normalName();
        for (Attribute attribute : source.attributes()) {
            String key = attribute.getKey();
            String value = attribute.getValue();
            Set<String> protocols = URL_ATTRIBUTES.get(name + " " + key);
            if (protocols != null && unchangedByResolution(value)) {
                if (protocols.contains(scheme(value))) {
                    copy.attributes().put(key, value);
                }
            } else if (SAFELIST.isSafeAttribute(tag, source, attribute)) {
                if (protocols != null) {
                    String absolute = source.absUrl(key);
                    if (!absolute.isEmpty()) {
                        value = absolute;
                    }
                }
                copy.attributes().put(key, value);
            }
        }
        if (name.equals("a")) {
            for (Attribute enforced : ENFORCED_A) {
                copy.attributes().removeIgnoreCase(enforced.getKey());
                copy.attributes().put(enforced.getKey(), enforced.getValue());
            }
        }
        return copy;
    }

    /**
     * A value that jsoup's URL resolution (no base URI) returns as it is: {@code http(s)://} with a lower-case
     * host name and a path, query and fragment of URL characters without dot segments (which {@code java.net.URL}
     * would normalise), or a {@code data:} URI without control characters (Java has no handler for it, so jsoup
     * keeps it). Anything else takes the resolution.
     */
    static boolean unchangedByResolution(String value) {
        if (value.startsWith("data:")) {
            for (int i = 5; i < value.length(); i++) {
                if (value.charAt(i) < 0x20) {
                    return false;
                }
            }
            return true;
        }
        int at = value.startsWith("https://") ? 8 : value.startsWith("http://") ? 7 : -1;
        if (at < 0 || at == value.length() || !isLowerAlnum(value.charAt(at))) {
            return false;
        }
        int i = at;
        for (; i < value.length(); i++) {
            char c = value.charAt(i);
            if (!isLowerAlnum(c) && c != '.' && c != '-') {
                break;
            }
        }
        if (i < value.length() && "/?#".indexOf(value.charAt(i)) < 0) {
            return false; // a port, user info, an upper-case or non-ASCII host: let java.net.URL say
        }
        for (; i < value.length(); i++) {
            char c = value.charAt(i);
            boolean urlChar = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
                    || "-._~/?#%&=+,;:@!$*'()".indexOf(c) >= 0;
            if (!urlChar || c == '.' && value.charAt(i - 1) == '/') {
                return false;
            }
        }
        return true;
    }

    private static boolean isLowerAlnum(char c) {
        return c >= 'a' && c <= 'z' || c >= '0' && c <= '9';
    }

    private static String scheme(String value) {
        return value.substring(0, value.indexOf(':'));
    }

    /** Plain text escaped, with its line breaks kept as {@code <br>}. */
    static String text(String text) {
        String normalized = text.replace("\r\n", "\n").replace('\r', '\n');
        StringBuilder out = new StringBuilder("<p>");
        String[] lines = normalized.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            if (i > 0) {
                out.append("<br>\n");
            }
            out.append(Entities.escape(lines[i]));
        }
        return out.append("</p>").toString();
    }
}
