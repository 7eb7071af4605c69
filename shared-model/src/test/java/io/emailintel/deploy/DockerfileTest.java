package io.emailintel.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.emailintel.testing.ComposeFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Both images run as an unprivileged numeric user, and nothing in them switches back to root; the build
 * works from a clean clone, from base images one can override. (deploy/test-stack builds the Dockerfile for
 * real; these say what must hold without a container engine.)
 */
class DockerfileTest {

    private static Dockerfile ours() throws IOException {
        return Dockerfile.parse(Files.readString(ComposeFile.root().resolve("Dockerfile"), StandardCharsets.UTF_8));
    }

    private static List<String> parentModules() throws IOException {
        Matcher m = Pattern.compile("<module>([^<]+)</module>")
                .matcher(Files.readString(ComposeFile.root().resolve("pom.xml"), StandardCharsets.UTF_8));
        List<String> modules = new ArrayList<>();
        while (m.find()) {
            modules.add(m.group(1).strip());
        }
        return modules;
    }

    @Test
    void theBaseImagesAreBuildArgumentsDefaultingToTheTemurinImages() throws Exception {
        Dockerfile d = ours();

        assertThat(d.base("build")).isEqualTo("${JDK_IMAGE}");
        assertThat(d.base("runtime")).isEqualTo("${JRE_IMAGE}");
        assertThat(d.resolvedBase("build", Map.of())).isEqualTo("eclipse-temurin:17-jdk");
        assertThat(d.resolvedBase("runtime", Map.of())).isEqualTo("eclipse-temurin:17-jre");
        assertThat(d.resolvedBase("runtime", Map.of("JRE_IMAGE", "localhost/email-intel-base/jre:17")))
                .isEqualTo("localhost/email-intel-base/jre:17");
    }

    @Test
    void everyModuleOfTheParentPomHasItsPomCopiedBeforeMavenRuns() throws Exception {
        // Maven reads every <module> of the parent even when only some are built:
        // "Child module /src/bench of /src/pom.xml does not exist" otherwise
        List<Dockerfile.Instruction> build = ours().instructions("build");
        int firstMaven = -1;
        for (int i = 0; i < build.size() && firstMaven < 0; i++) {
            if (build.get(i).keyword().equals("RUN") && build.get(i).arguments().contains("mvnw")) {
                firstMaven = i;
            }
        }
        assertThat(firstMaven).as("a RUN of the Maven wrapper in the build stage").isPositive();
        List<String> copiedBefore = build.subList(0, firstMaven).stream()
                .filter(i -> i.keyword().equals("COPY")).map(Dockerfile.Instruction::arguments).toList();

        assertThat(parentModules()).isNotEmpty().allSatisfy(module ->
                assertThat(copiedBefore).as("COPY %s/pom.xml before the first Maven run", module)
                        .contains(module + "/pom.xml " + module + "/"));
    }

    @Test
    void theImagesBuildOnlyTheirModulesAndWhatTheyDependOn() throws Exception {
        List<String> mavenRuns = ours().instructions("build").stream()
                .filter(i -> i.keyword().equals("RUN") && i.arguments().contains("mvnw"))
                .map(Dockerfile.Instruction::arguments).toList();

        assertThat(mavenRuns).isNotEmpty().allSatisfy(run -> assertThat(run).contains("-pl fetcher,ingester -am"));
        assertThat(mavenRuns).anySatisfy(run -> assertThat(run).contains("package")
                .contains("fetcher/target/fetcher.jar").contains("ingester/target/ingester.jar"));
    }

    @Test
    void theJvmSizesItsHeapFromTheMemoryLimitExitsOnOutOfMemoryAndTheFetcherKeepsItsStateOnAVolume()
            throws Exception {
        Dockerfile d = ours();
        List<String> runtimeEnv = d.instructions("runtime").stream().filter(i -> i.keyword().equals("ENV"))
                .map(Dockerfile.Instruction::arguments).toList();

        assertThat(runtimeEnv).anySatisfy(env -> assertThat(env)
                .contains("-XX:MaxRAMPercentage=75").contains("-XX:+ExitOnOutOfMemoryError"));
        assertThat(d.instructions("fetcher")).extracting(i -> i.keyword() + " " + i.arguments())
                .contains("VOLUME [\"/app/state\"]", "ENV FETCHER_STATE_DIR=/app/state");
    }

    @Test
    void aFromWithAnArgumentNoGlobalArgDeclaresIsCaughtAndDefaultsCanBeOverridden() {
        Dockerfile d = Dockerfile.parse("""
                ARG JRE_IMAGE=eclipse-temurin:17-jre
                ARG EMPTY
                FROM ${JRE_IMAGE} AS runtime
                FROM $MISSING AS other
                """);

        assertThat(d.globalArgs()).containsEntry("JRE_IMAGE", "eclipse-temurin:17-jre").containsEntry("EMPTY", "");
        assertThat(d.resolvedBase("runtime", Map.of("JRE_IMAGE", "mirror/jre:17"))).isEqualTo("mirror/jre:17");
        assertThatThrownBy(() -> d.resolvedBase("other", Map.of())).hasMessageContaining("MISSING");
    }

    @Test
    void everyFinalImageRunsAsANonRootNumericUser() throws Exception {
        Dockerfile dockerfile = ours();

        assertThat(dockerfile.finalStages()).containsExactlyInAnyOrder("fetcher", "ingester");
        for (String target : dockerfile.finalStages()) {
            assertThat(dockerfile.rootProblems(target)).as("--target %s", target).isEmpty();
        }
    }

    @Test
    void aFinalStageThatSwitchesBackToRootIsCaught() {
        Dockerfile d = Dockerfile.parse("""
                FROM eclipse-temurin:17-jre AS runtime
                USER 10001:10001
                FROM runtime AS fetcher
                # a later "fix" that needs root
                USER root
                RUN apt-get update
                """);

        assertThat(d.rootProblems("fetcher")).containsExactly("USER root runs as root");
    }

    @Test
    void anImageWithoutUserOrWithAUserNameOrGroupZeroIsCaught() {
        Dockerfile d = Dockerfile.parse("""
                FROM eclipse-temurin:17-jre AS plain
                ENTRYPOINT ["java"]
                FROM eclipse-temurin:17-jre AS named
                USER emailintel
                FROM eclipse-temurin:17-jre AS rootgroup
                USER 10001:0
                """);

        assertThat(d.rootProblems("plain")).containsExactly("no USER instruction: the image runs as root");
        assertThat(d.rootProblems("named")).singleElement().asString().contains("not a numeric uid");
        assertThat(d.rootProblems("rootgroup")).containsExactly("USER 10001:0 runs as root");
    }

    @Test
    void stagesOthersBuildOnOrCopyFromAreNotFinalAndContinuationLinesAreJoined() {
        Dockerfile d = Dockerfile.parse("""
                FROM maven AS build
                RUN mvn \\
                    package
                FROM eclipse-temurin:17-jre AS runtime
                USER 10001
                FROM runtime AS app
                COPY --from=build --chown=10001:10001 /a.jar /app/a.jar
                """);

        assertThat(d.finalStages()).containsExactly("app");
        assertThat(d.effectiveInstructions("build")).extracting(Dockerfile.Instruction::arguments)
                .containsExactly("mvn package");
        assertThat(d.rootProblems("app")).isEmpty();
    }
}
