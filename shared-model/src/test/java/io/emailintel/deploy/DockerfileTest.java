package io.emailintel.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.emailintel.testing.ComposeFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;

/** Both images run as an unprivileged numeric user, and nothing in them switches back to root. */
class DockerfileTest {

    @Test
    void everyFinalImageRunsAsANonRootNumericUser() throws Exception {
        Dockerfile dockerfile = Dockerfile.parse(Files.readString(ComposeFile.root().resolve("Dockerfile"),
                StandardCharsets.UTF_8));

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
