package io.emailintel.ingester.consume;

import io.emailintel.ingester.opencti.OpenCtiException;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stops an OpenCTI outage from turning into dead letters. Every OpenCTI call goes through a resilience4j
 * circuit breaker; when most calls fail for platform reasons it opens, the {@link ConsumerGate} shuts (no
 * new envelopes are taken, they wait in the work queue), and a prober asks {@code about { version }} every
 * probe interval. The first healthy answer closes the breaker and reopens the gate. The breaker never
 * half-opens by itself: envelopes are not used as probes, so a long outage costs them no attempts.
 */
public final class OpenCtiCircuit implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(OpenCtiCircuit.class);

    /** The health question, e.g. {@code client::version}. */
    @FunctionalInterface
    public interface HealthProbe {
        void check() throws OpenCtiException;
    }

    /** A call to OpenCTI. */
    @FunctionalInterface
    public interface Call<T> {
        T run() throws Exception;
    }

    private final CircuitBreaker breaker;
    private final HealthProbe probe;
    private final Sleeper sleeper;
    private final Duration probeInterval;
    private final ConsumerGate gate;
    private final Thread prober;
    private final Object lock = new Object();
    private volatile boolean closed;
    private volatile java.util.function.Consumer<Boolean> openListener = open -> { };

    public OpenCtiCircuit(HealthProbe probe, Sleeper sleeper, Duration probeInterval, ConsumerGate gate) {
        this.probe = probe;
        this.sleeper = sleeper;
        this.probeInterval = probeInterval;
        this.gate = gate;
        CircuitBreakerConfig config = CircuitBreakerConfig.custom()
                .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .slidingWindowSize(10)
                .minimumNumberOfCalls(4)
                .failureRateThreshold(50)
                // only platform trouble counts; a rejected bundle is an answer, the platform is fine
                .recordException(e -> e instanceof OpenCtiException o ? o.isTransient()
                        : !(e instanceof io.emailintel.ingester.stix.InvalidBundleException))
                .automaticTransitionFromOpenToHalfOpenEnabled(false)
                .waitDurationInOpenState(Duration.ofDays(365))
                .build();
        this.breaker = CircuitBreaker.of("opencti", config);
        breaker.getEventPublisher().onStateTransition(e -> {
            if (e.getStateTransition().getToState() == CircuitBreaker.State.OPEN) {
                log.warn("OpenCTI looks down ({}): pausing consumption, probing every {}",
                        breaker.getMetrics().getFailureRate() + "% of recent calls failed", probeInterval);
                gate.shut(ConsumerGate.OPENCTI_DOWN);
                openListener.accept(true);
                synchronized (lock) {
                    lock.notifyAll();
                }
            }
        });
        this.prober = new Thread(this::probeLoop, "opencti-prober");
        prober.setDaemon(true);
        prober.start();
    }

    /**
     * Runs a call through the breaker.
     *
     * @throws CallNotPermittedException while the breaker is open
     */
    public <T> T call(Call<T> call) throws Exception {
        breaker.acquirePermission();
        long start = System.nanoTime();
        try {
            T result = call.run();
            breaker.onSuccess(System.nanoTime() - start, TimeUnit.NANOSECONDS);
            return result;
        } catch (Exception e) {
            breaker.onError(System.nanoTime() - start, TimeUnit.NANOSECONDS, e);
            throw e;
        }
    }

    /**
     * Runs a call whose outcome arrives later (an asynchronous push) through the breaker: the permission is
     * taken now, the success or failure recorded when the future completes.
     *
     * @throws CallNotPermittedException while the breaker is open
     */
    public <T> CompletableFuture<T> callAsync(Call<CompletableFuture<T>> call) throws Exception {
        breaker.acquirePermission();
        long start = System.nanoTime();
        CompletableFuture<T> result;
        try {
            result = call.run();
        } catch (Exception e) {
            breaker.onError(System.nanoTime() - start, TimeUnit.NANOSECONDS, e);
            throw e;
        }
        return result.whenComplete((value, error) -> {
            if (error == null) {
                breaker.onSuccess(System.nanoTime() - start, TimeUnit.NANOSECONDS);
            } else {
                breaker.onError(System.nanoTime() - start, TimeUnit.NANOSECONDS,
                        error instanceof CompletionException && error.getCause() != null ? error.getCause() : error);
            }
        });
    }

    /** Told true when the circuit opens, false when a healthy probe closes it. */
    public void onOpenChange(java.util.function.Consumer<Boolean> listener) {
        this.openListener = listener;
    }

    public boolean isOpen() {
        return breaker.getState() == CircuitBreaker.State.OPEN;
    }

    private void probeLoop() {
        while (!closed) {
            try {
                synchronized (lock) {
                    while (!closed && breaker.getState() != CircuitBreaker.State.OPEN) {
                        lock.wait(1_000);
                    }
                }
                if (closed) {
                    return;
                }
                sleeper.sleep(probeInterval);
                try {
                    probe.check();
                    log.warn("OpenCTI answers again: resuming consumption");
                    breaker.transitionToClosedState();
                    gate.open(ConsumerGate.OPENCTI_DOWN);
                    openListener.accept(false);
                } catch (OpenCtiException e) {
                    log.info("OpenCTI still down: {}", e.getMessage());
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                log.warn("OpenCTI probe failed", e);
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        prober.interrupt();
    }
}
