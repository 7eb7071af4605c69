package io.emailintel.ingester.opencti;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** Every code opencti-graphql's src/config/errors.ts emits, and Apollo's own, with what a retry can do. */
class ErrorCodesTest {

    @ParameterizedTest
    @ValueSource(strings = {"AUTH_FAILURE", "AUTH_REQUIRED", "OTP_REQUIRED", "OTP_REQUIRED_ACTIVATION",
            "PASSWORD_CHANGE_REQUIRED", "LTS_REQUIRED_ACTIVATION", "FORBIDDEN_ACCESS", "ACCESS_REQUIRED"})
    void credentialProblemsAreTransientAndSaySo(String code) {
        assertThat(ErrorCodes.kindOf(code)).isEqualTo(OpenCtiException.Kind.TRANSIENT);
        assertThat(ErrorCodes.isAuthCode(code)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"DATABASE_ERROR", "FILESYSTEM_ERROR", "COMPLEX_SEARCH_ERROR", "CONFIGURATION_ERROR",
            "UNKNOWN_ERROR", "LOCK_ERROR", "CLIENT_ABORT_ERROR", "WORK_NOT_ALIVE", "DRAFT_LOCKED",
            "INTERNAL_SERVER_ERROR"})
    void platformTroubleIsTransient(String code) {
        assertThat(ErrorCodes.kindOf(code)).isEqualTo(OpenCtiException.Kind.TRANSIENT);
        assertThat(ErrorCodes.isAuthCode(code)).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"FUNCTIONAL_ERROR", "ALREADY_DELETED_ERROR", "MISSING_REFERENCE_ERROR",
            "VALIDATION_ERROR", "RESOURCE_NOT_FOUND", "GRAPHQL_PARSE_FAILED", "GRAPHQL_VALIDATION_FAILED",
            "BAD_USER_INPUT", "BAD_REQUEST", "OPERATION_RESOLUTION_FAILURE"})
    void refusalsOfTheRequestAreFinal(String code) {
        assertThat(ErrorCodes.kindOf(code)).isEqualTo(OpenCtiException.Kind.FINAL);
    }

    @Test
    void unsupportedErrorIsAmbiguousBecauseStixBundlePushWrapsOutagesInItToo() {
        assertThat(ErrorCodes.kindOf("UNSUPPORTED_ERROR")).isEqualTo(OpenCtiException.Kind.AMBIGUOUS);
        assertThat(ErrorCodes.reasonOf("UNSUPPORTED_ERROR")).isEqualTo("opencti-unsupported-error");
    }

    @ParameterizedTest
    @ValueSource(strings = {"TIMEOUT", "ENGINE_ERROR", "UNSUPPORTED_ERROR_TYPE", "SOMETHING_NEW", "GRAPHQL_ERROR"})
    void codesThePlatformDoesNotEmitAreFinal(String code) {
        // the old table's TIMEOUT, ENGINE_ERROR and UNSUPPORTED_ERROR_TYPE are not in errors.ts
        assertThat(ErrorCodes.kindOf(code)).isEqualTo(OpenCtiException.Kind.FINAL);
    }
}
