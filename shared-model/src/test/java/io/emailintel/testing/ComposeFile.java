package io.emailintel.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.emailintel.config.ConfigSchema;
import io.emailintel.config.Setting;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * Checks the compose file and the sample .env against a process's configuration schema, so a renamed
 * setting cannot silently stop reaching the containers. (deploy/test-stack starts the stack for real with
 * podman; this catches a renamed setting without a container engine.)
 */
public final class ComposeFile {

    private static final Pattern SECRET_NAME = Pattern.compile("(TOKEN|SECRET|PASSWORD|PASS|PASSPHRASE|SSL_KEY)$");

    private ComposeFile() {
    }

    /** The repository root (where mvnw is). */
    public static Path root() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.isRegularFile(dir.resolve("mvnw"))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new IllegalStateException("repository root not found");
        }
        return dir;
    }

    @SuppressWarnings("unchecked")
    public static Map<String, Object> load() throws IOException {
        try (Reader r = Files.newBufferedReader(root().resolve("docker-compose.yml"), StandardCharsets.UTF_8)) {
            return (Map<String, Object>) new Yaml(new SafeConstructor(new LoaderOptions())).load(r);
        }
    }

    /** deploy/compose.stack-test.yml, the override deploy/test-stack starts the stack with. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> loadOverride() throws IOException {
        try (Reader r = Files.newBufferedReader(root().resolve("deploy/compose.stack-test.yml"), StandardCharsets.UTF_8)) {
            return (Map<String, Object>) new Yaml(new SafeConstructor(new LoaderOptions())).load(r);
        }
    }

    /** The override's variables are settings of the service's process (a renamed setting fails here). */
    @SuppressWarnings("unchecked")
    public static void assertOverrideUsesSettings(String serviceName, ConfigSchema schema) throws IOException {
        Map<String, Object> services = (Map<String, Object>) loadOverride().get("services");
        Map<String, Object> service = (Map<String, Object>) services.getOrDefault(serviceName, Map.of());
        Map<String, Object> environment = (Map<String, Object>) service.getOrDefault("environment", Map.of());
        assertThat(environment.keySet()).as("deploy/compose.stack-test.yml sets settings of %s", schema.component())
                .isSubsetOf(envNames(schema));
    }

    @SuppressWarnings("unchecked")
    public static Map<String, Object> service(String name) throws IOException {
        Map<String, Object> services = (Map<String, Object>) load().get("services");
        assertThat(services).as("services in docker-compose.yml").containsKey(name);
        return (Map<String, Object>) services.get(name);
    }

    /** Every variable the service sets is a setting of the process; every required setting is in the sample. */
    @SuppressWarnings("unchecked")
    public static void assertServiceMatches(String serviceName, ConfigSchema schema) throws IOException {
        Map<String, Object> service = service(serviceName);
        Set<String> known = envNames(schema);
        Map<String, Object> environment = (Map<String, Object>) service.getOrDefault("environment", Map.of());
        Set<String> sample = sampleVariables();
        // least privilege: .env holds every secret of the stack; the service blanks the ones it has no use for,
        // so its container environment never carries the other process's credentials
        for (String name : sample) {
            if (SECRET_NAME.matcher(name).find() && !known.contains(name)) {
                assertThat(environment).as("%s blanks %s (a secret it does not use)", serviceName, name)
                        .containsEntry(name, "");
            }
        }
        for (String name : environment.keySet()) {
            assertThat(known.contains(name) || "".equals(environment.get(name)))
                    .as("%s sets %s: a setting of %s or a blanked secret", serviceName, name, schema.component())
                    .isTrue();
        }
        assertThat(service.get("env_file")).as("%s reads .env", serviceName).isEqualTo(".env");

        for (Setting<?> s : schema.settings()) {
            assertThat(sample).as("config/.env.sample documents %s", s.env()).contains(s.env());
        }
        // variables the compose file interpolates are documented in the sample too
        Matcher m = Pattern.compile("\\$\\{([A-Z0-9_]+)").matcher(Files.readString(root().resolve("docker-compose.yml")));
        while (m.find()) {
            assertThat(sample).as("config/.env.sample documents compose variable %s", m.group(1)).contains(m.group(1));
        }
    }

    /** Every setting of the schema appears in config/config.yml.sample (commented out or not). */
    public static void assertYamlSampleDocuments(ConfigSchema schema) throws IOException {
        String text = Files.readString(root().resolve("config/config.yml.sample"), StandardCharsets.UTF_8);
        for (Setting<?> s : schema.settings()) {
            String section = s.key().substring(0, s.key().indexOf('.'));
            String leaf = s.key().substring(section.length() + 1);
            int at = text.indexOf("\n" + section + ":\n");
            assertThat(at).as("config.yml.sample has a '%s:' section", section).isGreaterThanOrEqualTo(0);
            int end = text.indexOf("\n\n", at + 1);
            String body = text.substring(at, end < 0 ? text.length() : end);
            assertThat(body).as("config.yml.sample documents %s", s.key())
                    .containsPattern("(?m)^  (# )?" + java.util.regex.Pattern.quote(leaf) + ":");
        }
    }

    private static Set<String> envNames(ConfigSchema schema) {
        Set<String> names = new HashSet<>();
        for (Setting<?> s : schema.settings()) {
            for (String key : s.allKeys()) {
                names.add(Setting.envName(key));
            }
        }
        return names;
    }

    /** Variable names in config/.env.sample, commented out or not. */
    public static Set<String> sampleVariables() throws IOException {
        Set<String> names = new HashSet<>();
        List<String> lines = Files.readAllLines(root().resolve("config/.env.sample"), StandardCharsets.UTF_8);
        Pattern var = Pattern.compile("^#?\\s*([A-Z][A-Z0-9_]*)=");
        for (String line : lines) {
            Matcher m = var.matcher(line.strip());
            if (m.find()) {
                names.add(m.group(1));
            }
        }
        return names;
    }
}
