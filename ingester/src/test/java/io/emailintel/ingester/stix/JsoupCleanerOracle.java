package io.emailintel.ingester.stix;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.jsoup.safety.Cleaner;
import org.jsoup.select.NodeTraversor;

/**
 * The sanitiser as it was before issue 20 (commit 943a7d3), kept verbatim as the oracle that
 * {@link BodySanitizerEquivalenceTest} holds the single-pass {@link BodySanitizer} to: jsoup's {@link Cleaner} over
 * the same safelist, then the images dropped and the depth bounded in two more walks.
 */
final class JsoupCleanerOracle {

    private static final Pattern DATA_IMAGE = Pattern.compile(
            "(?i)data:image/(png|jpeg|jpg|gif|webp|bmp);base64,[A-Za-z0-9+/=\\s]*");

    private JsoupCleanerOracle() {
    }

    static String html(String html) {
        Document doc = new Cleaner(BodySanitizer.SAFELIST).clean(Jsoup.parseBodyFragment(html, ""));
        doc.outputSettings(new Document.OutputSettings().prettyPrint(false));
        for (Element img : doc.select("img")) {
            String src = img.attr("src");
            if (src.isEmpty() || src.length() > BodySanitizer.MAX_DATA_IMAGE_CHARS
                    || !DATA_IMAGE.matcher(src).matches()) {
                img.remove();
            }
        }
        List<Element> tooDeep = new ArrayList<>();
        NodeTraversor.traverse((node, depth) -> {
            if (depth > BodySanitizer.MAX_DEPTH && node instanceof Element e) {
                tooDeep.add(e);
            }
        }, doc.body());
        tooDeep.forEach(Element::unwrap);
        return doc.body().html();
    }
}
