package io.emailintel.config;

import java.util.List;

/** A check across several settings (e.g. "exactly one of a secret or a certificate"). */
@FunctionalInterface
public interface ConfigRule {

    /** The problems found, or an empty list. Runs only when every setting parsed. */
    List<ConfigProblem> check(Config config);
}
