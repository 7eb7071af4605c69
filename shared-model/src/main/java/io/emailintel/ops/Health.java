package io.emailintel.ops;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Readiness of a process as a set of named checks ({@code broker}, {@code opencti}, {@code last-cycle}, …),
 * each set by the component that knows. The process is ready when every check is up. Thread-safe.
 */
public final class Health {

    /**
     * One check's state.
     *
     * @param up     whether this part works
     * @param detail a short human-readable explanation (never a secret)
     */
    public record Check(boolean up, String detail) {
    }

    private final Map<String, Check> checks = new ConcurrentHashMap<>();

    /** Declares a check, initially down, so readiness waits for it. */
    public Health require(String name, String detail) {
        checks.putIfAbsent(name, new Check(false, detail));
        return this;
    }

    public void up(String name, String detail) {
        checks.put(name, new Check(true, detail));
    }

    public void down(String name, String detail) {
        checks.put(name, new Check(false, detail));
    }

    public boolean ready() {
        return checks.values().stream().allMatch(Check::up);
    }

    /** The checks in name order. */
    public Map<String, Check> checks() {
        Map<String, Check> sorted = new LinkedHashMap<>();
        checks.keySet().stream().sorted().forEach(k -> sorted.put(k, checks.get(k)));
        return sorted;
    }
}
