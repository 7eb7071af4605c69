package io.emailintel.ingester.opencti;

import java.util.Map;

/**
 * What each GraphQL error code the platform emits means for a retry. Only codes the platform really sends are
 * listed: opencti-graphql {@code src/config/errors.ts} (OpenCTI-Platform/opencti @ 0a515305, the codes in
 * {@code extensions.code}), plus Apollo Server's own codes ({@code @apollo/server/errors}
 * {@code ApolloServerErrorCode}) for what fails before a resolver runs. Constraint-directive failures (a name
 * too short) reach connectors as {@code VALIDATION_ERROR} (opencti-graphql {@code src/graphql/graphql.js}
 * {@code formatError}). A code not listed here is final: we cannot know that a retry would help.
 */
final class ErrorCodes {

    private ErrorCodes() {
    }

    private static final Map<String, OpenCtiException.Kind> KINDS = Map.ofEntries(
            // AUTH_ERRORS: our token or user, fixed by an operator; the e-mail itself is fine. (At start-up the
            // ingester refuses to wait on them: see Ingester.isAuthFailure.)
            Map.entry("AUTH_FAILURE", OpenCtiException.Kind.TRANSIENT),
            Map.entry("AUTH_REQUIRED", OpenCtiException.Kind.TRANSIENT),
            Map.entry("OTP_REQUIRED", OpenCtiException.Kind.TRANSIENT),
            Map.entry("OTP_REQUIRED_ACTIVATION", OpenCtiException.Kind.TRANSIENT),
            Map.entry("PASSWORD_CHANGE_REQUIRED", OpenCtiException.Kind.TRANSIENT),
            Map.entry("LTS_REQUIRED_ACTIVATION", OpenCtiException.Kind.TRANSIENT),
            Map.entry("FORBIDDEN_ACCESS", OpenCtiException.Kind.TRANSIENT),
            Map.entry("ACCESS_REQUIRED", OpenCtiException.Kind.TRANSIENT),
            // TECHNICAL_ERRORS: the platform's storage, search engine or configuration failing (DATABASE_ERROR
            // is also what EngineShardsError sends when shards are unavailable)
            Map.entry("DATABASE_ERROR", OpenCtiException.Kind.TRANSIENT),
            Map.entry("FILESYSTEM_ERROR", OpenCtiException.Kind.TRANSIENT),
            Map.entry("COMPLEX_SEARCH_ERROR", OpenCtiException.Kind.TRANSIENT),
            Map.entry("CONFIGURATION_ERROR", OpenCtiException.Kind.TRANSIENT),
            Map.entry("UNKNOWN_ERROR", OpenCtiException.Kind.TRANSIENT),
            // listed with the technical errors, and stixBundlePush wraps *every* failure in it, outages included
            // (opencti-graphql src/domain/connector.js sendStixBundle: catch (err) → UnsupportedError('Invalid
            // bundle', { cause: err })): neither an outage nor a bad bundle can be told from the answer
            Map.entry("UNSUPPORTED_ERROR", OpenCtiException.Kind.AMBIGUOUS),
            // LockTimeoutError: "too many concurrent call on the same entities"
            Map.entry("LOCK_ERROR", OpenCtiException.Kind.TRANSIENT),
            // the caller went away before the engine was reached (our timeout): nothing happened
            Map.entry("CLIENT_ABORT_ERROR", OpenCtiException.Kind.TRANSIENT),
            // the work was closed under us (connector manager, work.js): the next attempt gets a live work
            Map.entry("WORK_NOT_ALIVE", OpenCtiException.Kind.TRANSIENT),
            // a draft being validated accepts no request for a while
            Map.entry("DRAFT_LOCKED", OpenCtiException.Kind.TRANSIENT),
            // FUNCTIONAL_ERRORS: the request itself is refused
            Map.entry("FUNCTIONAL_ERROR", OpenCtiException.Kind.FINAL),
            Map.entry("ALREADY_DELETED_ERROR", OpenCtiException.Kind.FINAL),
            Map.entry("MISSING_REFERENCE_ERROR", OpenCtiException.Kind.FINAL),
            Map.entry("VALIDATION_ERROR", OpenCtiException.Kind.FINAL),
            Map.entry("RESOURCE_NOT_FOUND", OpenCtiException.Kind.FINAL),
            // Apollo: an error thrown without a code (an unexpected exception in the platform)
            Map.entry("INTERNAL_SERVER_ERROR", OpenCtiException.Kind.TRANSIENT),
            // Apollo: our document or variables do not fit the platform's schema; the same on every retry
            Map.entry("GRAPHQL_PARSE_FAILED", OpenCtiException.Kind.FINAL),
            Map.entry("GRAPHQL_VALIDATION_FAILED", OpenCtiException.Kind.FINAL),
            Map.entry("BAD_USER_INPUT", OpenCtiException.Kind.FINAL),
            Map.entry("BAD_REQUEST", OpenCtiException.Kind.FINAL),
            Map.entry("OPERATION_RESOLUTION_FAILURE", OpenCtiException.Kind.FINAL));

    /** What a retry can be expected to do for an answer carrying {@code code}. */
    static OpenCtiException.Kind kindOf(String code) {
        return KINDS.getOrDefault(code, OpenCtiException.Kind.FINAL);
    }

    /** The dead-letter reason for {@code code}: {@code opencti-database-error}, {@code opencti-unsupported-error}. */
    static String reasonOf(String code) {
        return "opencti-" + code.toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }

    /** Whether the code says our credentials, not the request, are the problem (start-up refuses to wait). */
    static boolean isAuthCode(String code) {
        return switch (code) {
            case "AUTH_FAILURE", "AUTH_REQUIRED", "OTP_REQUIRED", "OTP_REQUIRED_ACTIVATION", "PASSWORD_CHANGE_REQUIRED",
                    "LTS_REQUIRED_ACTIVATION", "FORBIDDEN_ACCESS", "ACCESS_REQUIRED" -> true;
            default -> false;
        };
    }
}
