package io.emailintel.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Documented sample files rendered from the declarations: a {@code .env} and a nested {@code config.yml}
 * with every key, its description and its default (required keys are left for the operator to fill in).
 */
public final class ConfigSamples {

    private ConfigSamples() {
    }

    /** {@code KEY=default} lines, each preceded by its description. */
    public static String dotenv(List<Setting<?>> settings) {
        StringBuilder out = new StringBuilder();
        for (Setting<?> s : settings) {
            comment(out, "", s);
            String value = s.defaultValue() == null ? "" : s.defaultValue();
            boolean active = s.required();
            out.append(active ? "" : "# ").append(s.env()).append('=').append(value).append("\n\n");
        }
        return out.toString();
    }

    /** Nested YAML, sections in first-seen order, each key preceded by its description. */
    public static String yaml(List<Setting<?>> settings) {
        Map<String, List<Setting<?>>> sections = new LinkedHashMap<>();
        for (Setting<?> s : settings) {
            String key = s.key();
            String section = key.substring(0, key.indexOf('.'));
            sections.computeIfAbsent(section, k -> new ArrayList<>()).add(s);
        }
        StringBuilder out = new StringBuilder();
        for (Map.Entry<String, List<Setting<?>>> e : sections.entrySet()) {
            out.append(e.getKey()).append(":\n");
            for (Setting<?> s : e.getValue()) {
                comment(out, "  ", s);
                String leaf = s.key().substring(e.getKey().length() + 1);
                String value = s.defaultValue() == null ? "" : quote(s.defaultValue());
                out.append(s.required() ? "  " : "  # ").append(leaf).append(": ").append(value).append('\n');
            }
            out.append('\n');
        }
        return out.toString();
    }

    private static void comment(StringBuilder out, String indent, Setting<?> s) {
        String text = s.description() + (s.required() ? " (required)" : "") + (s.secret() ? " (secret)" : "")
                + " [" + s.type().name() + "]";
        for (String line : wrap(text, 96)) {
            out.append(indent).append("# ").append(line).append('\n');
        }
    }

    private static String quote(String v) {
        // everything is read back as text, so only what YAML would parse differently needs quotes
        boolean plain = !v.isEmpty() && !v.contains(": ") && !v.contains(" #") && !v.endsWith(":")
                && "-?:,[]{}#&*!|>'\"%@`".indexOf(v.charAt(0)) < 0;
        return plain ? v : "\"" + v.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    private static List<String> wrap(String text, int width) {
        List<String> lines = new ArrayList<>();
        StringBuilder line = new StringBuilder();
        for (String word : text.split(" ")) {
            if (line.length() > 0 && line.length() + word.length() + 1 > width) {
                lines.add(line.toString());
                line.setLength(0);
            }
            if (line.length() > 0) {
                line.append(' ');
            }
            line.append(word);
        }
        if (line.length() > 0) {
            lines.add(line.toString());
        }
        return lines;
    }
}
