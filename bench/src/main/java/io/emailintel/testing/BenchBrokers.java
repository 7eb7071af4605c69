package io.emailintel.testing;

/**
 * The bench's way to a {@link TestBroker} outside JUnit (its constructor is package-private): the fakes from
 * the modules' test-jars take one, and it gives each section a fresh queue prefix and deletes what was
 * declared through it on close.
 */
public final class BenchBrokers {

    private BenchBrokers() {
    }

    public static TestBroker open(String uri, String name) {
        return new TestBroker(uri, name);
    }
}
