package io.emailintel.config;

import java.util.Objects;
import java.util.function.Function;

/**
 * How a setting's text becomes a value.
 *
 * @param name     how the type reads in documentation and errors, e.g. {@code duration}
 * @param expected what a valid value looks like, for error messages, e.g. {@code an ISO-8601 duration such as PT1H}
 * @param parser   parses the stripped text; throws {@link IllegalArgumentException} when it is invalid
 * @param <T>      the value's Java type
 */
public record ValueType<T>(String name, String expected, Function<String, T> parser) {

    public ValueType {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(expected, "expected");
        Objects.requireNonNull(parser, "parser");
    }

    /** Parses, or throws {@link IllegalArgumentException} with a message saying what was expected. */
    public T parse(String text) {
        try {
            T value = parser.apply(text.strip());
            if (value == null) {
                throw new IllegalArgumentException("empty");
            }
            return value;
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("expected " + expected, e);
        }
    }
}
