package io.emailintel.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.emailintel.config.Setting;
import io.emailintel.config.SettingsTable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Keeps the README's configuration tables equal to the declarations. Each table sits between
 * {@code <!-- settings:NAME:start -->} and {@code <!-- settings:NAME:end -->}; run the tests with
 * {@code -Dreadme.update=true} to rewrite them.
 */
public final class ReadmeTables {

    private ReadmeTables() {
    }

    public static void assertInSync(String name, List<Setting<?>> settings) throws IOException {
        Path readme = findReadme();
        String text = Files.readString(readme, StandardCharsets.UTF_8);
        String start = "<!-- settings:" + name + ":start -->\n";
        String end = "<!-- settings:" + name + ":end -->";
        int from = text.indexOf(start);
        int to = text.indexOf(end);
        assertThat(from).as("README.md has a '%s' marker", start.strip()).isGreaterThanOrEqualTo(0);
        assertThat(to).as("README.md has a '%s' marker", end).isGreaterThan(from);
        String expected = SettingsTable.markdown(settings);
        String actual = text.substring(from + start.length(), to);
        if (!actual.equals(expected) && Boolean.getBoolean("readme.update")) {
            Files.writeString(readme, text.substring(0, from + start.length()) + expected + text.substring(to),
                    StandardCharsets.UTF_8);
            return;
        }
        assertThat(actual).as("README table '%s' (run with -Dreadme.update=true to regenerate)", name)
                .isEqualTo(expected);
    }

    private static Path findReadme() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null) {
            if (Files.isRegularFile(dir.resolve("README.md")) && Files.isRegularFile(dir.resolve("mvnw"))) {
                return dir.resolve("README.md");
            }
            dir = dir.getParent();
        }
        throw new IllegalStateException("README.md not found above " + Path.of("").toAbsolutePath());
    }
}
