package io.emailintel.fetcher.triage;

import static org.assertj.core.api.Assertions.assertThat;

import io.emailintel.model.EmailAddress;
import io.emailintel.triage.MailFacts;
import io.emailintel.triage.RulesParser;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

class ListingFilterTest {

    private static final MailFacts PARTNER = new MailFacts(new EmailAddress("Partner", "cti@partner-isac.example"),
            null, List.of(), "bulletin", List.of(), List.of(), EnumSet.allOf(MailFacts.Field.class));

    @Test
    void withoutRulesTheFactsAreNeverBuilt() {
        List<String> built = new ArrayList<>();

        assertThat(ListingFilter.none().filteredBy(() -> {
            built.add("facts");
            return PARTNER;
        }, "m1")).isEmpty();
        assertThat(built).isEmpty();
    }

    @Test
    void withRulesTheFactsDecide() throws Exception {
        ListingFilter filter = new ListingFilter(RulesParser.parse(new Yaml().load(
                "[{name: partner, match: {from: partner-isac.example}, skip: true}]")), rule -> { });

        assertThat(filter.filteredBy(() -> PARTNER, "m1")).contains("partner");
    }
}
