package io.emailintel.fetcher.triage;

import static org.assertj.core.api.Assertions.assertThat;

import io.emailintel.model.EnvelopeHeader;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class HeaderSelectionTest {

    @Test
    void bulkyTransportHeadersAreLeftOutAndValuesAndCountAreBounded() {
        List<EnvelopeHeader> all = new ArrayList<>();
        all.add(new EnvelopeHeader("Received", "from x"));
        all.add(new EnvelopeHeader("X-MS-Exchange-Organization-SCL", "1"));
        all.add(new EnvelopeHeader("List-Id", "x".repeat(5000)));
        for (int i = 0; i < 500; i++) {
            all.add(new EnvelopeHeader("X-Custom-" + i, "v"));
        }
        List<EnvelopeHeader> kept = HeaderSelection.select(all);
        assertThat(kept).hasSize(HeaderSelection.MAX_HEADERS);
        assertThat(kept.get(0).name()).isEqualTo("List-Id");
        assertThat(kept.get(0).value()).hasSize(998);
        assertThat(kept).noneMatch(h -> h.name().equals("Received") || h.name().startsWith("X-MS-Exchange"));
    }
}
