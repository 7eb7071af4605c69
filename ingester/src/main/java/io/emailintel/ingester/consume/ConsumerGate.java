package io.emailintel.ingester.consume;

import java.util.HashSet;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Whether we take work: open unless some reason holds it shut (OpenCTI down, OpenCTI's queue overloaded,
 * shutting down). The listener hears every change between open and shut.
 */
public final class ConsumerGate {

    public static final String OPENCTI_DOWN = "opencti-down";
    public static final String OPENCTI_OVERLOADED = "opencti-overloaded";
    public static final String STOPPING = "stopping";

    private final Set<String> reasons = new HashSet<>();
    private volatile Consumer<Boolean> listener = open -> { };

    public void onChange(Consumer<Boolean> openListener) {
        this.listener = openListener;
    }

    public void shut(String reason) {
        boolean changed;
        synchronized (this) {
            boolean wasOpen = reasons.isEmpty();
            reasons.add(reason);
            changed = wasOpen;
        }
        if (changed) {
            listener.accept(false);
        }
    }

    public void open(String reason) {
        boolean changed;
        synchronized (this) {
            boolean removed = reasons.remove(reason);
            changed = removed && reasons.isEmpty();
        }
        if (changed) {
            listener.accept(true);
        }
    }

    public void set(String reason, boolean shut) {
        if (shut) {
            shut(reason);
        } else {
            open(reason);
        }
    }

    public synchronized boolean isOpen() {
        return reasons.isEmpty();
    }

    public synchronized Set<String> reasons() {
        return Set.copyOf(reasons);
    }
}
