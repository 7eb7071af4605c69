package io.emailintel.ingester.stix;

import io.emailintel.model.EnvelopeBody;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.jsoup.nodes.Entities;
import org.jsoup.safety.Safelist;

/**
 * Makes an e-mail body safe to show in OpenCTI's report content view. The analyst opens phishing samples
 * there: nothing in the body may run (scripts, event handlers, {@code javascript:} links) or load anything
 * remote (a tracking pixel would tell the attacker the report was read). Structure, text, links and tables
 * stay.
 */
public final class BodySanitizer {

    // relaxed(): text structure, lists, tables, links; no style attributes or <style> (CSS url() loads),
    // no forms, iframes, scripts or on* attributes. Images only as data: URIs, never remote.
    private static final Safelist SAFELIST = Safelist.relaxed()
            .removeProtocols("img", "src", "http", "https")
            .addProtocols("img", "src", "data")
            .removeProtocols("a", "href", "ftp")
            .addEnforcedAttribute("a", "rel", "noopener noreferrer nofollow");

    private static final Document.OutputSettings OUTPUT = new Document.OutputSettings().prettyPrint(false);

    private BodySanitizer() {
    }

    /** The body as safe HTML, whatever its content type. */
    public static String toSafeHtml(EnvelopeBody body) {
        return body.isHtml() ? html(body.content()) : text(body.content());
    }

    static String html(String html) {
        String cleaned = Jsoup.clean(html, "", SAFELIST, OUTPUT);
        Document doc = Jsoup.parseBodyFragment(cleaned);
        doc.outputSettings(OUTPUT);
        // an <img> whose remote src was removed is an empty box: drop it
        for (Element img : doc.select("img:not([src])")) {
            img.remove();
        }
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
