package io.emailintel.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {

    static final Setting<String> NAME = Setting.builder("connector.name", ValueTypes.STRING)
            .defaultValue("Email Intel Microsoft").description("name").build();
    static final Setting<Duration> PERIOD = Setting.builder("connector.duration_period", ValueTypes.DURATION)
            .defaultValue("PT1H").description("period").build();
    static final Setting<String> TENANT = Setting.builder("email_intel_microsoft.tenant_id", ValueTypes.STRING)
            .required().description("tenant").build();
    static final Setting<String> SECRET = Setting.builder("email_intel_microsoft.client_secret", ValueTypes.STRING)
            .secret().description("secret").build();
    static final Setting<String> INBOX = Setting.builder("email_intel_microsoft.inbox", ValueTypes.STRING)
            .alias("email_intel_microsoft.mailbox").defaultValue("Inbox").description("folder").build();
    static final Setting<String> TLP = Setting.builder("email_intel_microsoft.tlp_level",
            ValueTypes.oneOf("clear", "green", "amber", "amber+strict", "red")).defaultValue("amber+strict")
            .description("tlp").build();

    static final ConfigSchema SCHEMA = new ConfigSchema("test", List.of(NAME, PERIOD, TENANT, SECRET, INBOX, TLP),
            List.of());

    @TempDir
    Path dir;

    @Test
    void yamlWinsOverDotenvWhichWinsOverEnvironmentWhichWinsOverDefaultPerKey() throws Exception {
        Path yml = write("config.yml", """
                connector:
                  name: From YAML
                email_intel_microsoft:
                  tenant_id: yaml-tenant
                """);
        Path env = write(".env", """
                # comment
                CONNECTOR_NAME=From dotenv
                CONNECTOR_DURATION_PERIOD=PT5M
                export EMAIL_INTEL_MICROSOFT_CLIENT_SECRET="dotenv secret"
                """);
        Config config = ConfigLoader.load(SCHEMA, ConfigInputs.read(yml, env, Map.of(
                "CONNECTOR_NAME", "From env",
                "CONNECTOR_DURATION_PERIOD", "PT10M",
                "EMAIL_INTEL_MICROSOFT_TLP_LEVEL", "RED")));

        assertThat(config.get(NAME)).isEqualTo("From YAML");
        assertThat(config.sourceOf(NAME).kind()).isEqualTo(ConfigSource.Kind.YAML);
        assertThat(config.sourceOf(NAME).where()).contains("config.yml").contains("connector.name");
        assertThat(config.get(PERIOD)).isEqualTo(Duration.ofMinutes(5));
        assertThat(config.sourceOf(PERIOD).kind()).isEqualTo(ConfigSource.Kind.DOTENV);
        assertThat(config.get(SECRET)).isEqualTo("dotenv secret");
        assertThat(config.get(TLP)).isEqualTo("red");
        assertThat(config.sourceOf(TLP).where()).isEqualTo("environment (EMAIL_INTEL_MICROSOFT_TLP_LEVEL)");
        assertThat(config.get(INBOX)).isEqualTo("Inbox");
        assertThat(config.sourceOf(INBOX)).isEqualTo(ConfigSource.DEFAULT);
    }

    @Test
    void blankValuesFallThroughToTheNextSource() {
        Config config = load(Map.of("EMAIL_INTEL_MICROSOFT_TENANT_ID", "t", "CONNECTOR_NAME", "  "));
        assertThat(config.get(NAME)).isEqualTo("Email Intel Microsoft");
    }

    @Test
    void pythonConnectorsMailboxNameIsAcceptedForTheFolder() {
        Config config = load(Map.of("EMAIL_INTEL_MICROSOFT_TENANT_ID", "t", "EMAIL_INTEL_MICROSOFT_MAILBOX", "CTI"));
        assertThat(config.get(INBOX)).isEqualTo("CTI");
        Config both = load(Map.of("EMAIL_INTEL_MICROSOFT_TENANT_ID", "t", "EMAIL_INTEL_MICROSOFT_MAILBOX", "CTI",
                "EMAIL_INTEL_MICROSOFT_INBOX", "Vendors"));
        assertThat(both.get(INBOX)).isEqualTo("Vendors");
    }

    @Test
    void isoDurationsIncludingDaysAndWeeksParse() {
        assertThat(ValueTypes.DURATION.parse("P30D")).isEqualTo(Duration.ofDays(30));
        assertThat(ValueTypes.DURATION.parse("PT1H")).isEqualTo(Duration.ofHours(1));
        assertThat(ValueTypes.DURATION.parse("p2w")).isEqualTo(Duration.ofDays(14));
        assertThat(ValueTypes.DURATION.parse("P1DT12H")).isEqualTo(Duration.ofHours(36));
        assertThat(ValueTypes.DURATION_LIST.parse("PT10S, PT1M,PT10M"))
                .containsExactly(Duration.ofSeconds(10), Duration.ofMinutes(1), Duration.ofMinutes(10));
    }

    @Test
    void everyProblemIsReportedAtOnceNamingKeySourceAndExpectation() {
        assertThatThrownBy(() -> load(Map.of("CONNECTOR_DURATION_PERIOD", "hourly",
                "EMAIL_INTEL_MICROSOFT_TLP_LEVEL", "purple")))
                .isInstanceOf(ConfigException.class)
                .satisfies(e -> {
                    List<ConfigProblem> problems = ((ConfigException) e).problems();
                    assertThat(problems).hasSize(3);
                    assertThat(e.getMessage())
                            .contains("CONNECTOR_DURATION_PERIOD (connector.duration_period, environment "
                                    + "(CONNECTOR_DURATION_PERIOD)): expected an ISO-8601 duration such as PT1H")
                            .contains("got 'hourly'")
                            .contains("EMAIL_INTEL_MICROSOFT_TLP_LEVEL")
                            .contains("one of: clear, green, amber, amber+strict, red")
                            .contains("EMAIL_INTEL_MICROSOFT_TENANT_ID (email_intel_microsoft.tenant_id, not set): "
                                    + "required");
                });
    }

    @Test
    void invalidSecretIsReportedWithoutItsValue() {
        Setting<Integer> secretNumber = Setting.builder("opencti.pin", ValueTypes.POSITIVE_INT).secret()
                .description("pin").build();
        ConfigSchema schema = new ConfigSchema("t", List.of(secretNumber), List.of());
        assertThatThrownBy(() -> ConfigLoader.load(schema, ConfigInputs.ofEnvironment(
                Map.of("OPENCTI_PIN", "hunter2-secret"))))
                .hasMessageContaining("OPENCTI_PIN")
                .hasMessageNotContaining("hunter2-secret");
    }

    @Test
    void showPrintsSecretsMaskedAndEverySource() {
        Config config = load(Map.of("EMAIL_INTEL_MICROSOFT_TENANT_ID", "t",
                "EMAIL_INTEL_MICROSOFT_CLIENT_SECRET", "s3cr3t-value"));
        String shown = ConfigReport.render(config);
        assertThat(shown).doesNotContain("s3cr3t-value").contains("****")
                .contains("email_intel_microsoft.tenant_id").contains("environment (EMAIL_INTEL_MICROSOFT_TENANT_ID)")
                .contains("default");
        assertThat(config.toString()).doesNotContain("s3cr3t-value");
    }

    @Test
    void brokerUriPasswordIsNeverShown() {
        ConfigSchema schema = new ConfigSchema("t", List.of(CommonSettings.RABBITMQ_URI), List.of());
        Config config = ConfigLoader.load(schema, ConfigInputs.ofEnvironment(
                Map.of("PIPELINE_RABBITMQ_URI", "amqp://svc:pa55word@rabbit:5672/cti")));
        assertThat(ConfigReport.render(config)).contains("amqp://svc:****@rabbit:5672/cti")
                .doesNotContain("pa55word");
        assertThatThrownBy(() -> ConfigLoader.load(schema, ConfigInputs.ofEnvironment(
                Map.of("PIPELINE_RABBITMQ_URI", "http://svc:pa55word@rabbit/"))))
                .hasMessageContaining("PIPELINE_RABBITMQ_URI").hasMessageNotContaining("pa55word");
    }

    @Test
    void missingExplicitFileAndBrokenYamlAreClearErrors() throws Exception {
        assertThatThrownBy(() -> ConfigInputs.read(dir.resolve("nope.yml"), null, Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("file not found");
        Path bad = write("bad.yml", "connector: [unclosed\n");
        assertThatThrownBy(() -> ConfigInputs.read(bad, null, Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("not valid YAML");
    }

    @Test
    void yamlListsAndNumbersBecomeText() throws Exception {
        Path yml = write("c.yml", """
                pipeline:
                  retry_delays: [PT1S, PT2S]
                  max_attempts: 7
                """);
        ConfigSchema schema = new ConfigSchema("t", List.of(CommonSettings.RETRY_DELAYS, CommonSettings.MAX_ATTEMPTS),
                List.of());
        Config config = ConfigLoader.load(schema, ConfigInputs.read(yml, null, Map.of()));
        assertThat(config.get(CommonSettings.RETRY_DELAYS)).containsExactly(Duration.ofSeconds(1),
                Duration.ofSeconds(2));
        assertThat(config.get(CommonSettings.MAX_ATTEMPTS)).isEqualTo(7);
    }

    @Test
    void rulesRunAfterEverySettingParsed() {
        ConfigRule needSecret = c -> c.get(SECRET) == null
                ? List.of(new ConfigProblem(SECRET.key(), ConfigSource.UNSET, "needed")) : List.of();
        ConfigSchema schema = new ConfigSchema("t", List.of(SECRET), List.of(needSecret));
        assertThatThrownBy(() -> ConfigLoader.load(schema, ConfigInputs.ofEnvironment(Map.of())))
                .hasMessageContaining("EMAIL_INTEL_MICROSOFT_CLIENT_SECRET").hasMessageContaining("needed");
    }

    @Test
    void declarationsAreValidatedWhenBuilt() {
        assertThatThrownBy(() -> Setting.builder("Bad Key", ValueTypes.STRING).description("x").build())
                .hasMessageContaining("Bad Key");
        assertThatThrownBy(() -> Setting.builder("a.b", ValueTypes.DURATION).defaultValue("soon")
                .description("x").build()).hasMessageContaining("default of a.b is invalid");
        assertThatThrownBy(() -> new ConfigSchema("t", List.of(NAME, NAME), List.of()))
                .hasMessageContaining("declared twice");
    }

    @Test
    void bytesAcceptUnits() {
        assertThat(ValueTypes.BYTES.parse("10MiB")).isEqualTo(10L * 1024 * 1024);
        assertThat(ValueTypes.BYTES.parse("512 KiB")).isEqualTo(512L * 1024);
        assertThat(ValueTypes.BYTES.parse("1000")).isEqualTo(1000L);
        assertThatThrownBy(() -> ValueTypes.BYTES.parse("ten")).hasMessageContaining("size in bytes");
    }

    @Test
    void connectorIdMustBeAUuid() {
        assertThat(ValueTypes.UUID_TYPE.parse("7e4f5a5c-9a3b-4c1e-8f2d-0a1b2c3d4e5f")).isNotNull();
        assertThatThrownBy(() -> ValueTypes.UUID_TYPE.parse("my-connector")).hasMessageContaining("a UUID");
    }

    @Test
    void commonDefaultsMatchTheDocumentedContract() {
        ConfigSchema schema = new ConfigSchema("t", CommonSettings.ALL, List.of());
        Config config = ConfigLoader.load(schema, ConfigInputs.ofEnvironment(Map.of()));
        assertThat(config.get(CommonSettings.RABBITMQ_URI).toString()).isEqualTo("amqp://guest:****@localhost:5672/%2F");
        assertThat(config.get(CommonSettings.QUEUE_PREFIX)).isEqualTo("email-intel");
        assertThat(config.get(CommonSettings.RETRY_DELAYS)).containsExactly(Duration.ofSeconds(10),
                Duration.ofMinutes(1), Duration.ofMinutes(10));
        assertThat(config.get(CommonSettings.LOG_LEVEL)).isEqualTo("error");
    }

    private Config load(Map<String, String> env) {
        return ConfigLoader.load(SCHEMA, ConfigInputs.ofEnvironment(env));
    }

    private Path write(String name, String content) throws Exception {
        Path p = dir.resolve(name);
        Files.writeString(p, content, StandardCharsets.UTF_8);
        return p;
    }
}
