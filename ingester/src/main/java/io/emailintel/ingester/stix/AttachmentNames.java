package io.emailintel.ingester.stix;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * File names for {@code x_opencti_files}: no path separators or control characters, and unique per report
 * case-insensitively, because OpenCTI stores a report's files by lower-cased name and two equal names collide.
 */
final class AttachmentNames {

    static final int MAX_LENGTH = 200;
    static final String FALLBACK = "attachment";

    private AttachmentNames() {
    }

    /** Safe, case-insensitively unique names, in the order given. */
    static List<String> safeAndUnique(List<String> names) {
        Set<String> taken = new HashSet<>();
        List<String> out = new ArrayList<>(names.size());
        for (String name : names) {
            String safe = safe(name);
            String candidate = safe;
            for (int n = 2; !taken.add(candidate.toLowerCase(Locale.ROOT)); n++) {
                candidate = numbered(safe, n);
            }
            out.add(candidate);
        }
        return out;
    }

    static String safe(String name) {
        StringBuilder out = new StringBuilder();
        // one form per visible name: OpenCTI compares lower-cased names, which NFC and NFD "é" would defeat
        String s = name == null ? "" : Normalizer.normalize(name, Normalizer.Form.NFC);
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            i += Character.charCount(cp);
            int type = Character.getType(cp);
            // FORMAT covers the bidi controls (U+202A–U+202E, U+2066–U+2069, LRM/RLM/ALM) that make
            // "invoice\u202Efdp.exe" read as "invoiceexe.pdf"; line separators and lone surrogates break names
            boolean bad = cp == '/' || cp == '\\' || cp == ':' || Character.isISOControl(cp)
                    || type == Character.FORMAT || type == Character.LINE_SEPARATOR
                    || type == Character.PARAGRAPH_SEPARATOR || type == Character.SURROGATE || cp == 0xFFFD;
            out.appendCodePoint(bad ? '_' : cp);
        }
        String result = out.toString().strip();
        // no hidden files and no "." / ".." names
        while (result.startsWith(".")) {
            result = result.substring(1);
        }
        if (result.isBlank() || result.chars().allMatch(c -> c == '_')) {
            result = FALLBACK + extensionOf(result);
        }
        if (result.length() > MAX_LENGTH) {
            String ext = extensionOf(result);
            if (ext.length() > 20) {
                ext = "";
            }
            int cut = MAX_LENGTH - ext.length();
            if (Character.isHighSurrogate(result.charAt(cut - 1))) {
                cut--; // never half a character
            }
            result = result.substring(0, cut) + ext;
        }
        return result;
    }

    private static String numbered(String name, int n) {
        String ext = extensionOf(name);
        return name.substring(0, name.length() - ext.length()) + " (" + n + ")" + ext;
    }

    private static String extensionOf(String name) {
        int dot = name.lastIndexOf('.');
        return dot > 0 ? name.substring(dot) : "";
    }
}
