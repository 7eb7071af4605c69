package io.emailintel.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;

/**
 * One configuration setting, declared once: its YAML key, environment name, type, default, whether it is a
 * secret, and what it means. The same declaration drives loading, validation, {@code config show} and the
 * README's configuration table.
 *
 * @param <T> the type of the parsed value
 */
public final class Setting<T> {

    private static final Pattern KEY = Pattern.compile("[a-z][a-z0-9_]*(\\.[a-z][a-z0-9_]*)+");

    private final String key;
    private final List<String> aliases;
    private final ValueType<T> type;
    private final String defaultValue;
    private final boolean required;
    private final boolean secret;
    private final String description;
    private final Predicate<T> check;
    private final String checkDescription;
    private final UnaryOperator<String> redactor;

    private Setting(Builder<T> b) {
        this.key = b.key;
        this.aliases = List.copyOf(b.aliases);
        this.type = b.type;
        this.defaultValue = b.defaultValue;
        this.required = b.required;
        this.secret = b.secret;
        this.description = b.description;
        this.check = b.check;
        this.checkDescription = b.checkDescription;
        this.redactor = b.redactor;
    }

    /** Starts a declaration; {@code key} is the dotted YAML path, e.g. {@code opencti.url}. */
    public static <T> Builder<T> builder(String key, ValueType<T> type) {
        return new Builder<>(key, type);
    }

    /** The environment variable for a dotted key: upper-cased, dots become underscores. */
    public static String envName(String key) {
        return key.toUpperCase(Locale.ROOT).replace('.', '_');
    }

    public String key() {
        return key;
    }

    public String env() {
        return envName(key);
    }

    /** Older or alternative keys still accepted (e.g. the Python connector's names). */
    public List<String> aliases() {
        return aliases;
    }

    /** Every key this setting answers to, the primary first. */
    public List<String> allKeys() {
        List<String> keys = new ArrayList<>();
        keys.add(key);
        keys.addAll(aliases);
        return keys;
    }

    public ValueType<T> type() {
        return type;
    }

    /** The default as text, or null when there is none. */
    public String defaultValue() {
        return defaultValue;
    }

    /** Whether the process cannot start without a value. */
    public boolean required() {
        return required;
    }

    /** Whether the value must never be shown. */
    public boolean secret() {
        return secret;
    }

    public String description() {
        return description;
    }

    /** The text as it may be shown: {@code ****} for a secret, credentials masked for a URI, else as is. */
    public String display(String text) {
        if (text == null) {
            return "";
        }
        if (secret) {
            return "****";
        }
        return redactor == null ? text : redactor.apply(text);
    }

    /**
     * Parses and validates a value.
     *
     * @throws IllegalArgumentException saying what was expected
     */
    public T parse(String text) {
        T value = type.parse(text);
        if (check != null && !check.test(value)) {
            throw new IllegalArgumentException("expected " + checkDescription);
        }
        return value;
    }

    @Override
    public String toString() {
        return key;
    }

    /** Builds a {@link Setting}; the declaration is validated when built. */
    public static final class Builder<T> {
        private final String key;
        private final ValueType<T> type;
        private final List<String> aliases = new ArrayList<>();
        private String defaultValue;
        private boolean required;
        private boolean secret;
        private String description = "";
        private Predicate<T> check;
        private String checkDescription;
        private UnaryOperator<String> redactor;

        private Builder(String key, ValueType<T> type) {
            this.key = Objects.requireNonNull(key, "key");
            this.type = Objects.requireNonNull(type, "type");
        }

        public Builder<T> alias(String aliasKey) {
            aliases.add(aliasKey);
            return this;
        }

        public Builder<T> defaultValue(String value) {
            this.defaultValue = value;
            return this;
        }

        public Builder<T> required() {
            this.required = true;
            return this;
        }

        public Builder<T> secret() {
            this.secret = true;
            return this;
        }

        public Builder<T> description(String text) {
            this.description = text;
            return this;
        }

        /** An extra condition on the parsed value, with what it expects for the error message. */
        public Builder<T> check(Predicate<T> condition, String expected) {
            this.check = condition;
            this.checkDescription = expected;
            return this;
        }

        /** How to show a value that holds a credential inside it (a URI with a password). */
        public Builder<T> redactWith(UnaryOperator<String> redact) {
            this.redactor = redact;
            return this;
        }

        public Setting<T> build() {
            for (String k : allKeys()) {
                if (!KEY.matcher(k).matches()) {
                    throw new IllegalArgumentException("setting key '" + k
                            + "' must be a dotted lower-case path such as opencti.url");
                }
            }
            if (required && defaultValue != null) {
                throw new IllegalArgumentException("setting " + key + " is required and cannot have a default");
            }
            if (description.isBlank()) {
                throw new IllegalArgumentException("setting " + key + " needs a description");
            }
            Setting<T> setting = new Setting<>(this);
            if (defaultValue != null) {
                try {
                    setting.parse(defaultValue);
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("default of " + key + " is invalid: " + e.getMessage(), e);
                }
            }
            return setting;
        }

        private List<String> allKeys() {
            List<String> keys = new ArrayList<>();
            keys.add(key);
            keys.addAll(aliases);
            return keys;
        }
    }
}
