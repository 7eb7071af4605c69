package io.emailintel.config;

import java.util.ArrayList;
import java.util.List;

/**
 * The effective configuration as a table for {@code config show}: every key, its environment name, its
 * value (secrets as {@code ****}) and the source that won.
 */
public final class ConfigReport {

    private ConfigReport() {
    }

    public static String render(Config config) {
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"KEY", "ENV", "VALUE", "SOURCE"});
        for (Config.Entry e : config.entries()) {
            rows.add(new String[] {e.setting().key(), e.setting().env(),
                    e.text() == null ? "(not set)" : e.displayValue(), e.source().toString()});
        }
        int[] width = new int[4];
        for (String[] row : rows) {
            for (int i = 0; i < 4; i++) {
                width[i] = Math.max(width[i], row[i].length());
            }
        }
        StringBuilder out = new StringBuilder();
        for (String[] row : rows) {
            for (int i = 0; i < 4; i++) {
                out.append(i == 3 ? row[i] : pad(row[i], width[i] + 2));
            }
            out.append(System.lineSeparator());
        }
        return out.toString();
    }

    private static String pad(String s, int width) {
        return s + " ".repeat(Math.max(0, width - s.length()));
    }
}
