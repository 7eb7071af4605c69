package io.emailintel.config;

import java.util.List;

/** The README's configuration table, rendered from the declarations so the two never drift apart. */
public final class SettingsTable {

    private SettingsTable() {
    }

    /** A Markdown table: environment name, YAML key, type, default, description. */
    public static String markdown(List<Setting<?>> settings) {
        StringBuilder out = new StringBuilder();
        out.append("| Environment variable | YAML key | Type | Default | Description |\n");
        out.append("|---|---|---|---|---|\n");
        for (Setting<?> s : settings) {
            String env = "`" + s.env() + "`";
            String key = "`" + s.key() + "`";
            for (String alias : s.aliases()) {
                env += " (or `" + Setting.envName(alias) + "`)";
                key += " (or `" + alias + "`)";
            }
            String def = s.required() ? "*required*" : s.defaultValue() == null ? "" : "`" + s.defaultValue() + "`";
            String doc = s.description() + (s.secret() ? " Secret: never shown." : "");
            out.append("| ").append(env).append(" | ").append(key).append(" | ").append(s.type().name())
                    .append(" | ").append(def).append(" | ").append(doc.replace("|", "\\|")).append(" |\n");
        }
        return out.toString();
    }
}
