package io.emailintel.config;

/**
 * One thing wrong with the configuration, phrased for the operator: which key, where its value came from,
 * and what was expected.
 *
 * @param key     the setting's key (or keys, for a rule across several)
 * @param source  where the offending value came from
 * @param message what is wrong and what was expected
 */
public record ConfigProblem(String key, ConfigSource source, String message) {

    @Override
    public String toString() {
        if (key.contains(" ")) { // not one setting: a file, or a rule across several
            return key + " (" + source + "): " + message;
        }
        return Setting.envName(key) + " (" + key + ", " + source + "): " + message;
    }
}
