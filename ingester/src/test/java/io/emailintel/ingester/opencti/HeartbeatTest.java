package io.emailintel.ingester.opencti;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The ping's state echo, the platform's reset and the connector info, against a platform that stores state. */
class HeartbeatTest {

    /**
     * The platform's side of a ping (opencti-graphql domain/connector updateConnectorWithConnectorInfo): the sent
     * state is stored unless a reset is pending, in which case the flag is cleared and the reset state ("") kept;
     * the answer is the stored connector.
     */
    static final class Platform implements ConnectorApi {
        String storedState;
        boolean resetPending;
        long queueBytes;
        final List<String> sentStates = new ArrayList<>();
        final List<ConnectorInfo> sentInfos = new ArrayList<>();

        @Override
        public PingAnswer ping(String connectorId, String state, ConnectorInfo info) {
            sentStates.add(state);
            sentInfos.add(info);
            if (resetPending) {
                resetPending = false;
            } else {
                storedState = state;
            }
            return new PingAnswer(storedState, false);
        }

        @Override
        public long queueBytes(String connectorId) {
            return queueBytes;
        }

        void resetInUi() {
            storedState = "";
            resetPending = true;
        }
    }

    private final Platform platform = new Platform();
    private final List<Boolean> overloaded = new ArrayList<>();

    private Heartbeat heartbeat(String registered) {
        return new Heartbeat(platform, "c", registered, 500, overloaded::add);
    }

    @Test
    void everyPingSendsBackTheStateRegistrationReturned() {
        String python = "{\"last_email_ingestion\": \"2025-05-01T10:00:00+00:00\"}";
        platform.storedState = python;
        Heartbeat beat = heartbeat(python);
        beat.run();
        beat.run();
        assertThat(platform.sentStates).containsExactly(python, python);
        assertThat(platform.storedState).as("a migrated Python connector's state survives").isEqualTo(python);
    }

    @Test
    void withoutAStateItSendsNoneAsPyctiDoes() {
        heartbeat(null).run();
        heartbeat("").run();
        assertThat(platform.sentStates).containsExactly("null", "null");
    }

    @Test
    void aResetOnThePlatformIsAdoptedNotOverwritten() {
        String old = "{\"last_email_ingestion\": \"2025-05-01T10:00:00+00:00\"}";
        platform.storedState = old;
        Heartbeat beat = heartbeat(old);
        beat.run();
        platform.resetInUi();
        beat.run(); // the platform clears its flag and keeps "", answering it
        beat.run();
        assertThat(platform.sentStates).containsExactly(old, old, "null");
        assertThat(beat.state()).isEqualTo("null");
        assertThat(platform.storedState).isEqualTo("null");
    }

    @Test
    void aResetFlagInTheAnswerIsHonouredEvenWhenTheStateLooksTheSame() {
        ConnectorApi flagged = new ConnectorApi() {
            @Override
            public PingAnswer ping(String connectorId, String state, ConnectorInfo info) {
                return new PingAnswer("{\"x\":2}", true);
            }

            @Override
            public long queueBytes(String connectorId) {
                return 0;
            }
        };
        Heartbeat beat = new Heartbeat(flagged, "c", "{\"x\":1}", 500, b -> { });
        beat.run();
        assertThat(beat.state()).isEqualTo("{\"x\":2}");
    }

    @Test
    void formattingDifferencesAreNotAReset() {
        assertThat(Heartbeat.sameJson("{\"a\":1}", "{ \"a\": 1 }")).isTrue();
        assertThat(Heartbeat.sameJson("", "null")).isTrue();
        assertThat(Heartbeat.sameJson(null, "null")).isTrue();
        assertThat(Heartbeat.sameJson("{\"a\":1}", "")).isFalse();
    }

    @Test
    void connectorInfoReportsTheQueueInDecimalMegabytesAndBuffersAtTheThreshold() {
        Heartbeat beat = heartbeat(null);
        platform.queueBytes = 499_999_999L;
        beat.run();
        ConnectorInfo below = platform.sentInfos.get(0);
        assertThat(below.queueMessagesSize()).isEqualTo(499.999999);
        assertThat(below.queueThresholdMb()).isEqualTo(500.0);
        assertThat(below.buffering()).isFalse();
        platform.queueBytes = 500_000_000L; // 500 MB exactly: pycti buffers unless size < threshold
        beat.run();
        assertThat(platform.sentInfos.get(1).buffering()).isTrue();
        assertThat(platform.sentInfos.get(1).queueMessagesSize()).isEqualTo(500.0);
        assertThat(platform.sentInfos.get(1).runAndTerminate()).isFalse();
        assertThat(platform.sentInfos.get(1).nextRunDatetime()).isNull();
        assertThat(overloaded).containsExactly(false, true);
    }

    @Test
    void aFailedQueueReadStillPingsWithTheLastInfo() {
        ConnectorApi failing = new ConnectorApi() {
            final List<ConnectorInfo> infos = new ArrayList<>();

            @Override
            public PingAnswer ping(String connectorId, String state, ConnectorInfo info) {
                platform.sentInfos.add(info);
                return new PingAnswer(state, false);
            }

            @Override
            public long queueBytes(String connectorId) throws OpenCtiException {
                throw OpenCtiException.unavailable("opencti-http-503", "503", null);
            }
        };
        new Heartbeat(failing, "c", null, 500, overloaded::add).run();
        assertThat(platform.sentInfos).containsExactly(ConnectorInfo.initial(500));
        assertThat(overloaded).isEmpty();
    }
}
