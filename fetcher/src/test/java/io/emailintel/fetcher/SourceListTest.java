package io.emailintel.fetcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.emailintel.config.Config;
import io.emailintel.config.ConfigException;
import io.emailintel.config.ConfigInputs;
import io.emailintel.config.ConfigLoader;
import io.emailintel.config.ConfigReport;
import io.emailintel.config.ConfigSource;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class SourceListTest {

    @TempDir
    Path dir;

    private static final String THREE = String.join("\n",
            "connector:",
            "  duration_period: PT10M",
            "email_intel_microsoft:",
            "  tenant_id: shared-tenant",
            "  client_id: shared-client",
            "  client_secret: shared-app-secret",
            "  attachments_mime_types: application/pdf",
            "fetcher:",
            "  state_dir: /var/lib/fetcher",
            "  sources:",
            "    - name: soc",
            "      type: graph",
            "      email_intel_microsoft:",
            "        email: soc@corp.example",
            "        inbox: Inbox/CTI",
            "    - name: partner-imap",
            "      type: imap",
            "      connector:",
            "        duration_period: PT1M",
            "      imap:",
            "        host: imap.partner.example",
            "        user: cti@partner.example",
            "        password: imap-password-in-yaml",
            "    - name: drop",
            "      type: eml-dir",
            "      fetcher:",
            "        eml_dir: /srv/drop",
            "      email_intel_microsoft:",
            "        attachments_mime_types: '*/*'",
            "");

    private Config load(String yaml, Map<String, String> env) throws Exception {
        Path yml = dir.resolve("config.yml");
        Files.writeString(yml, yaml);
        return ConfigLoader.load(FetcherSettings.schema(), ConfigInputs.read(yml, null, env));
    }

    private String problems(String yaml, Map<String, String> env) {
        try {
            load(yaml, env);
        } catch (ConfigException e) {
            return e.getMessage();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        throw new AssertionError("expected invalid configuration");
    }

    @Test
    void eachListedSourceHasItsOwnSettingsAndTheTopLevelOnesWhereItSetsNone() throws Exception {
        Config config = load(THREE, Map.of());
        assertThat(config.sections()).containsOnlyKeys("soc", "partner-imap", "drop");
        Config soc = config.sections().get("soc");
        assertThat(soc.sectionName()).contains("soc");
        assertThat(FetcherSettings.isGraph(soc)).isTrue();
        assertThat(soc.get(FetcherSettings.EMAIL)).isEqualTo("soc@corp.example");
        assertThat(soc.get(FetcherSettings.INBOX)).isEqualTo("Inbox/CTI");
        assertThat(soc.get(FetcherSettings.CLIENT_SECRET)).isEqualTo("shared-app-secret"); // the app, inherited
        assertThat(soc.get(FetcherSettings.DURATION_PERIOD)).isEqualTo(Duration.ofMinutes(10));
        assertThat(soc.sourceOf(FetcherSettings.EMAIL).where())
                .endsWith("config.yml (fetcher.sources[1] soc: email_intel_microsoft.email)");

        Config imap = config.sections().get("partner-imap");
        assertThat(FetcherSettings.isImap(imap)).isTrue();
        assertThat(imap.get(FetcherSettings.DURATION_PERIOD)).isEqualTo(Duration.ofMinutes(1));
        assertThat(imap.get(FetcherSettings.IMAP_PASSWORD)).isEqualTo("imap-password-in-yaml");
        assertThat(imap.get(FetcherSettings.IMAP_FOLDER)).isEqualTo("INBOX");

        Config drop = config.sections().get("drop");
        assertThat(drop.get(FetcherSettings.EML_DIR)).hasToString("/srv/drop");
        assertThat(drop.get(FetcherSettings.ATTACHMENTS_MIME_TYPES)).containsExactly("*/*");
        assertThat(soc.get(FetcherSettings.ATTACHMENTS_MIME_TYPES)).containsExactly("application/pdf");
        // process-wide: one state directory (the cursor files are named by source)
        assertThat(drop.get(FetcherSettings.STATE_DIR)).hasToString("/var/lib/fetcher");
        assertThat(FetcherRuntime.cursorStore(soc).file().getFileName())
                .hasToString("soc--soc@corp.example--inbox_cti.json");
        assertThat(FetcherRuntime.emlCursorStore(drop).file().getFileName().toString()).startsWith("drop--eml-dir--");
        assertThat(FetcherRuntime.imapCursorStore(imap).file().getFileName())
                .hasToString("partner-imap--imap--cti@partner.example--inbox.json");
    }

    @Test
    void withoutAListTheOneSourceIsTheClassicOneWithItsFileNames() throws Exception {
        Config config = load(String.join("\n", "fetcher:", "  source: eml-dir", "  eml_dir: /srv/drop", ""),
                Map.of());
        assertThat(config.sections()).isEmpty();
        assertThat(FetcherSettings.sources(config)).containsExactly(config);
        assertThat(FetcherSettings.sourceName(config)).isEqualTo("default");
        assertThat(FetcherRuntime.emlCursorStore(config).file().getFileName())
                .hasToString(new io.emailintel.fetcher.eml.EmlCursorStore(Path.of("state"), Path.of("/srv/drop"))
                        .file().getFileName().toString());
        assertThat(SourceLoop.checkName(config)).isEqualTo("last-cycle");
    }

    @Test
    void aSourceThatSetsPartOfTheAppRegistrationSetsAllOfIt() throws Exception {
        Config config = load(THREE.replace("        inbox: Inbox/CTI",
                "        inbox: Inbox/CTI\n        tenant_id: other-tenant\n        client_id: other-app\n"
                        + "        client_certificate_path: /etc/app.pem"),
                Map.of());
        Config soc = config.sections().get("soc");
        assertThat(soc.get(FetcherSettings.CLIENT_ID)).isEqualTo("other-app");
        assertThat(soc.get(FetcherSettings.CLIENT_SECRET)).as("not the top-level app's secret").isNull();
        assertThat(soc.get(FetcherSettings.TENANT_ID)).isEqualTo("other-tenant");
        assertThatThrownBy(() -> load(THREE.replace("        inbox: Inbox/CTI",
                "        inbox: Inbox/CTI\n        client_id: other-app"), Map.of()))
                .hasMessageContaining("source \"soc\": email_intel_microsoft.tenant_id")
                .hasMessageContaining("type is graph")
                .hasMessageContaining("no credential");
    }

    @Test
    void aSourceSecretCanComeFromTheEnvironmentUnderTheSourcesName() throws Exception {
        String yaml = THREE.replace("        password: imap-password-in-yaml\n", "").replace("        inbox: Inbox/CTI",
                "        inbox: Inbox/CTI\n        tenant_id: soc-tenant\n        client_id: soc-app");
        Config config = load(yaml, Map.of("FETCHER_SOURCES_PARTNER_IMAP_IMAP_PASSWORD", "from-env",
                "FETCHER_SOURCES_SOC_EMAIL_INTEL_MICROSOFT_CLIENT_SECRET", "soc-own-secret"));
        Config imap = config.sections().get("partner-imap");
        assertThat(imap.get(FetcherSettings.IMAP_PASSWORD)).isEqualTo("from-env");
        assertThat(imap.sourceOf(FetcherSettings.IMAP_PASSWORD))
                .isEqualTo(new ConfigSource(ConfigSource.Kind.ENVIRONMENT,
                        "environment (FETCHER_SOURCES_PARTNER_IMAP_IMAP_PASSWORD)"));
        Config soc = config.sections().get("soc");
        assertThat(soc.get(FetcherSettings.CLIENT_SECRET)).isEqualTo("soc-own-secret");
        assertThat(soc.get(FetcherSettings.CLIENT_ID)).isEqualTo("soc-app");
        assertThat(problems(yaml, Map.of())).contains("source \"partner-imap\": imap.password")
                .contains("required (type is imap, IMAP_AUTH is password)");
    }

    @Test
    void configShowHidesEverySourcesSecretsAndNamesTheirVariables() throws Exception {
        String yaml = THREE.replace("        password: imap-password-in-yaml\n", "");
        Config config = load(yaml, Map.of("FETCHER_SOURCES_PARTNER_IMAP_IMAP_PASSWORD", "imap-secret-from-env"));
        String shown = ConfigReport.render(config);
        assertThat(shown).doesNotContain("shared-app-secret").doesNotContain("imap-secret-from-env")
                .contains("3 source(s): soc (graph), partner-imap (imap), drop (eml-dir)")
                .contains("source partner-imap")
                .contains("FETCHER_SOURCES_PARTNER_IMAP_IMAP_PASSWORD")
                .contains("FETCHER_SOURCES_SOC_EMAIL_INTEL_MICROSOFT_EMAIL")
                .contains("soc@corp.example");
        assertThat(shown.lines().filter(l -> l.contains("FETCHER_SOURCES_PARTNER_IMAP_IMAP_PASSWORD")).toList())
                .singleElement().asString().contains("****").startsWith("imap.password");

        // the same through the command line
        Path yml = dir.resolve("config.yml");
        StringWriter out = new StringWriter();
        CommandLine cli = new CommandLine(new FetcherCommand());
        cli.addSubcommand("config", new io.emailintel.cli.ConfigCommand(FetcherSettings.schema()));
        cli.setOut(new PrintWriter(out));
        Files.writeString(yml, THREE);
        assertThat(cli.execute("config", "show", "--config", yml.toString())).isZero();
        assertThat(out.toString()).doesNotContain("imap-password-in-yaml").doesNotContain("shared-app-secret")
                .contains("source drop");
    }

    @Test
    void duplicateNamesUnknownTypesAndBadNamesAreNamedWithTheirEntry() {
        String yaml = String.join("\n",
                "fetcher:",
                "  sources:",
                "    - {name: drop, type: eml-dir, fetcher: {eml_dir: /a}}",
                "    - {name: drop, type: eml-dir, fetcher: {eml_dir: /b}}",
                "    - {name: pop3, type: pop3}",
                "    - {name: Bad_Name, type: eml-dir, fetcher: {eml_dir: /c}}",
                "    - {name: default, type: eml-dir, fetcher: {eml_dir: /d}}",
                "    - {name: typo, type: eml-dir, fetcher: {eml_dir: /e, eml_dri: /f}}",
                "    - {name: wide, type: eml-dir, fetcher: {eml_dir: /g}, pipeline: {queue_prefix: x}}",
                "");
        assertThat(problems(yaml, Map.of()))
                .contains("source \"drop\": name (").contains("expected a name no other source has, got 'drop'")
                .contains("source \"pop3\": type (").contains("expected one of graph, imap, eml-dir, got 'pop3'")
                .contains("source #4: name").contains("got 'Bad_Name'")
                .contains("source #5: name").contains("'default' names the one source")
                .contains("source \"typo\": fetcher.eml_dri").contains("unknown key")
                .contains("source \"wide\": pipeline.queue_prefix").contains("set for the whole process only");
    }

    @Test
    void aSourceWithoutItsSettingsIsNamedWithTheKeyItNeeds() {
        String yaml = String.join("\n",
                "fetcher:",
                "  sources:",
                "    - {name: soc, type: graph}",
                "    - {name: drop, type: eml-dir}",
                "");
        assertThat(problems(yaml, Map.of()))
                .contains("source \"soc\": email_intel_microsoft.email (not set): required (type is graph)")
                .contains("source \"soc\": email_intel_microsoft.tenant_id")
                .contains("source \"drop\": fetcher.eml_dir (not set): required (type is eml-dir)");
    }

    @Test
    void aTopLevelMailboxBesideTheListIsRefused() {
        String yaml = THREE.replace("  tenant_id: shared-tenant", "  tenant_id: shared-tenant\n  email: x@corp.example");
        assertThat(problems(yaml, Map.of())).contains("EMAIL_INTEL_MICROSOFT_EMAIL (email_intel_microsoft.email")
                .contains("set it in the source that needs it");
        assertThat(problems(String.join("\n", "fetcher:", "  sources: [just-a-name]", ""), Map.of()))
                .contains("FETCHER_SOURCES (fetcher.sources").contains("expected a list of sources");
    }

    @Test
    void commandsThatNeedOneSourceRefuseToGuess() throws Exception {
        Config config = load(THREE, Map.of());
        assertThat(FetcherSettings.select(config, null, true)).hasSize(3);
        assertThat(FetcherSettings.select(config, "drop", false)).singleElement()
                .satisfies(c -> assertThat(FetcherSettings.sourceName(c)).isEqualTo("drop"));
        assertThatThrownBy(() -> FetcherSettings.select(config, null, false))
                .hasMessage("3 sources are configured (soc, partner-imap, drop): name one with --source");
        assertThatThrownBy(() -> FetcherSettings.select(config, "nope", false))
                .hasMessage("--source nope: no such source; configured: soc, partner-imap, drop");
        Config classic = load(String.join("\n", "fetcher:", "  source: eml-dir", "  eml_dir: /srv", ""), Map.of());
        assertThat(FetcherSettings.select(classic, null, false)).containsExactly(classic);
        assertThat(FetcherSettings.select(classic, "default", false)).containsExactly(classic);
    }

    @Test
    void stateResetAndResyncWithoutSourceNameTheSources() throws Exception {
        Path yml = dir.resolve("config.yml");
        Files.writeString(yml, THREE);
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new FetcherCommand());
        cli.setErr(new PrintWriter(err));
        cli.execute("state", "reset", "--config", yml.toString());
        assertThat(err.toString()).contains("3 sources are configured (soc, partner-imap, drop): name one with --source");
        assertThat(FetcherCommand.execute("state", "reset", "--config", yml.toString()))
                .isEqualTo(io.emailintel.cli.ExitCodes.USAGE);
        assertThat(FetcherCommand.execute("resync", "--since", "2026-11-01", "--config", yml.toString()))
                .isEqualTo(io.emailintel.cli.ExitCodes.USAGE);
        assertThat(FetcherCommand.execute("resync", "--since", "2026-11-01", "--source", "drop", "--config",
                yml.toString())).as("resync reads Graph only").isEqualTo(io.emailintel.cli.ExitCodes.USAGE);
    }
}
