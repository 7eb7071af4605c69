package io.emailintel.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The effective configuration as a table for {@code config show}: every key, its environment name, its
 * value (secrets as {@code ****}) and the source that won; then, for each named section (the fetcher's sources), what
 * it sets differently, with the environment variable that sets it there.
 */
public final class ConfigReport {

    private ConfigReport() {
    }

    public static String render(Config config) {
        List<String[]> rows = new ArrayList<>();
        for (Config.Entry e : config.entries()) {
            rows.add(row(e, e.setting().env()));
        }
        StringBuilder out = new StringBuilder(table(rows));
        ConfigSections sections = config.schema().sections();
        config.sections().forEach((name, section) -> {
            List<String[]> own = new ArrayList<>();
            for (Config.Entry e : section.entries()) {
                Config.Entry top = config.entry(e.setting());
                if (!e.source().equals(top.source()) || !Objects.equals(e.text(), top.text())) {
                    own.add(row(e, sections.envName(name, e.setting())));
                }
            }
            out.append(System.lineSeparator()).append(sections.noun()).append(' ').append(name)
                    .append(" (the settings above, except:)").append(System.lineSeparator()).append(table(own));
        });
        return out.toString();
    }

    private static String[] row(Config.Entry e, String env) {
        return new String[] {e.setting().key(), env, e.text() == null ? "(not set)" : e.displayValue(),
                e.source().toString()};
    }

    private static String table(List<String[]> entries) {
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"KEY", "ENV", "VALUE", "SOURCE"});
        rows.addAll(entries);
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
