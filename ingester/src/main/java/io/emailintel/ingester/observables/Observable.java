package io.emailintel.ingester.observables;

/**
 * One value found in an e-mail, normalised (lower-cased where case does not matter; CVE ids upper-cased).
 *
 * @param type  what it is
 * @param value the normalised value
 */
record Observable(ObservableType type, String value) {
}
