package io.emailintel.bench;

/**
 * How the bench's fakes (FakeGraph, FakeOpenCti: the JDK's {@code com.sun.net.httpserver}) answer: without delay.
 * The JDK's server leaves Nagle's algorithm on unless {@code sun.net.httpserver.nodelay} is true (its default is
 * false: {@code sun.net.httpserver.ServerConfig}, documented in the jdk.httpserver module summary); the last
 * partial TCP segment of an answer then waits for the client's delayed ACK, about 40 ms on Linux. Measured
 * 2026-12-02: each single-message GET took ~45 ms, which capped the fetcher in delta mode (one GET per new
 * e-mail, at most 4 at once) near 20 e-mails/s in the end-to-end run, a limit of the fake, not of the fetcher.
 */
final class FakeServers {

    private FakeServers() {
    }

    /**
     * Sets {@code sun.net.httpserver.nodelay}; the JDK reads it once, when the first server of the JVM starts, so
     * this runs first thing in every bench entry point.
     */
    static void answerWithoutDelay() {
        System.setProperty("sun.net.httpserver.nodelay", "true");
    }
}
