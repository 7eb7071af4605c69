package io.emailintel.ingester.observables;

import static org.assertj.core.api.Assertions.assertThat;

import io.emailintel.model.EnvelopeBody;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Precision and recall per type over a labelled set of advisory-like texts ({@code observables/labelled-set.txt}).
 *
 * <p>Thresholds: precision at least 0.98 for every type — a wrong observable costs an analyst's trust and time
 * (and can feed a block list), so with this set's size that means no false positive at all. Recall at least 0.75
 * per type and 0.85 overall: misses are the accepted price (the set labels the ones the design gives up: a
 * Safe Links target, a spaced defang, a hash glued to a file extension).
 */
class LabelledSetTest {

    record Doc(String name, boolean html, String sender, String text, Set<String> expected) {
    }

    static List<Doc> load() throws IOException {
        String all;
        try (InputStream in = LabelledSetTest.class.getResourceAsStream("/observables/labelled-set.txt")) {
            all = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        List<Doc> docs = new ArrayList<>();
        String[] header = null;
        StringBuilder text = new StringBuilder();
        Set<String> expected = new HashSet<>();
        boolean inExpect = false;
        for (String line : all.split("\n", -1)) {
            if (line.startsWith("=== doc ") || line.equals("=== end")) {
                if (header != null) {
                    docs.add(new Doc(header[2], header[3].equals("html"), header[4], text.toString(), expected));
                }
                header = line.split(" ");
                text = new StringBuilder();
                expected = new HashSet<>();
                inExpect = false;
            } else if (line.equals("=== expect")) {
                inExpect = true;
            } else if (header != null && inExpect && !line.isBlank()) {
                expected.add(line.strip());
            } else if (header != null) {
                text.append(line).append('\n');
            }
        }
        return docs;
    }

    static String label(Observable o) {
        return switch (o.type()) {
            case IPV4 -> "ipv4";
            case IPV6 -> "ipv6";
            case DOMAIN -> "domain";
            case URL -> "url";
            case EMAIL -> "email";
            case MD5 -> "md5";
            case SHA1 -> "sha1";
            case SHA256 -> "sha256";
            case SHA512 -> "sha512";
            case CVE -> "cve";
        } + " " + o.value();
    }

    @Test
    void precisionAndRecallPerTypeMeetTheThresholds() throws IOException {
        Extractor extractor = new Extractor(ExtractMode.OBSERVABLES, Exclusions.defaults(), Extractor.DEFAULT_CAP);
        Map<String, int[]> counts = new LinkedHashMap<>(); // type → {tp, fp, fn}
        List<String> mistakes = new ArrayList<>();
        List<Doc> docs = load();
        assertThat(docs).hasSizeGreaterThanOrEqualTo(10);
        for (Doc doc : docs) {
            EnvelopeBody body = new EnvelopeBody(doc.html() ? EnvelopeBody.HTML : EnvelopeBody.TEXT, doc.text());
            Set<String> found = new HashSet<>();
            extractor.extract(Mails.from(doc.sender(), body).build()).observables().forEach(o -> found.add(label(o)));
            for (String f : found) {
                int[] c = counts.computeIfAbsent(f.split(" ")[0], k -> new int[3]);
                if (doc.expected().contains(f)) {
                    c[0]++;
                } else {
                    c[1]++;
                    mistakes.add(doc.name() + ": false positive " + f);
                }
            }
            for (String e : doc.expected()) {
                if (!found.contains(e)) {
                    counts.computeIfAbsent(e.split(" ")[0], k -> new int[3])[2]++;
                    mistakes.add(doc.name() + ": missed " + e);
                }
            }
        }
        StringBuilder report = new StringBuilder("type      tp  fp  fn  precision  recall\n");
        int tp = 0;
        int fn = 0;
        for (Map.Entry<String, int[]> e : counts.entrySet()) {
            int[] c = e.getValue();
            tp += c[0];
            fn += c[2];
            report.append(String.format(Locale.ROOT, "%-8s %3d %3d %3d  %9.3f  %6.3f%n", e.getKey(), c[0], c[1], c[2],
                    precision(c), recall(c)));
        }
        mistakes.forEach(m -> report.append(m).append('\n'));
        System.out.println(report);
        for (Map.Entry<String, int[]> e : counts.entrySet()) {
            assertThat(precision(e.getValue())).as("precision of %s%n%s", e.getKey(), report).isGreaterThanOrEqualTo(0.98);
            assertThat(recall(e.getValue())).as("recall of %s%n%s", e.getKey(), report).isGreaterThanOrEqualTo(0.75);
        }
        assertThat((double) tp / (tp + fn)).as("overall recall%n%s", report).isGreaterThanOrEqualTo(0.85);
        assertThat(counts.keySet()).as("every type is measured")
                .contains("ipv4", "ipv6", "domain", "url", "email", "md5", "sha1", "sha256", "sha512", "cve");
    }

    private static double precision(int[] c) {
        return c[0] + c[1] == 0 ? 1.0 : (double) c[0] / (c[0] + c[1]);
    }

    private static double recall(int[] c) {
        return c[0] + c[2] == 0 ? 1.0 : (double) c[0] / (c[0] + c[2]);
    }
}
