package io.emailintel.ingester.stix;

import io.emailintel.model.EnvelopeBody;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.jsoup.nodes.Entities;
import org.jsoup.safety.Cleaner;
import org.jsoup.safety.Safelist;
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
    private static final Safelist SAFELIST = Safelist.relaxed()
            .removeProtocols("img", "src", "http", "https")
            .addProtocols("img", "src", "data")
            .removeProtocols("a", "href", "ftp")
            .addEnforcedAttribute("a", "rel", "noopener noreferrer nofollow");

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
        // Jsoup.clean's own steps (parse, clean), keeping the cleaned tree instead of printing it and parsing the
        // print again: that second print and parse of a 20 KB body was about half of the sanitiser's cost, and
        // the sanitiser most of the ingester's CPU profile. What is printed at the end is the cleaned tree, as
        // Jsoup.clean prints it, minus the images and depth removed below.
        Document doc = new Cleaner(SAFELIST).clean(Jsoup.parseBodyFragment(html, ""));
        doc.outputSettings(OUTPUT);
        // an <img> whose remote src was removed is an empty box: drop it, and bound what data: images may be
        for (Element img : doc.select("img")) {
            String src = img.attr("src");
            if (src.isEmpty() || src.length() > MAX_DATA_IMAGE_CHARS || !DATA_IMAGE.matcher(src).matches()) {
                img.remove();
            }
        }
        List<Element> tooDeep = new ArrayList<>();
        NodeTraversor.traverse((node, depth) -> {
            if (depth > MAX_DEPTH && node instanceof Element e) {
                tooDeep.add(e);
            }
        }, doc.body());
        tooDeep.forEach(Element::unwrap);
        return doc.body().html();
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
