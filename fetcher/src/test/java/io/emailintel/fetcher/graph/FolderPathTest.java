package io.emailintel.fetcher.graph;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.emailintel.fetcher.graph.FolderPath.Folder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FolderPathTest {

    private final List<String> asked = new ArrayList<>();
    private final Map<String, List<Folder>> tree = Map.of(
            "", List.of(new Folder("i", "Inbox"), new Folder("s", "Shared Intel")),
            "inbox", List.of(new Folder("c", "CTI"), new Folder("o", "Other")),
            "c", List.of(new Folder("v", "Vendors"), new Folder("p", "Partners")),
            "s", List.of());
    private final FolderPath.Folders folders = parent -> {
        asked.add(String.valueOf(parent));
        return tree.getOrDefault(parent == null ? "" : parent, List.of());
    };

    @Test
    void aWellKnownNameIsUsedAsTheIdInAnyCase() {
        assertThat(FolderPath.parse("INBOX").resolve(folders)).isEqualTo("inbox");
        assertThat(asked).isEmpty();
    }

    @Test
    void aPathIsResolvedLevelByLevelAtAnyDepth() {
        assertThat(FolderPath.parse("Inbox/cti/Vendors").resolve(folders)).isEqualTo("v");
        assertThat(asked).containsExactly("inbox", "c");
    }

    @Test
    void aTopLevelDisplayNameIsLookedUpAtTheRoot() {
        assertThat(FolderPath.parse("Shared Intel").resolve(folders)).isEqualTo("s");
    }

    @Test
    void aMissingFolderListsTheFoldersAtTheLevelWhereResolutionFailed() {
        assertThatThrownBy(() -> FolderPath.parse("Inbox/CTI/Nope").resolve(folders))
                .isInstanceOf(FolderPath.FolderNotFoundException.class)
                .hasMessage("folder 'Inbox/CTI/Nope' not found: no 'Nope' in 'Inbox/CTI'; "
                        + "folders there: Partners, Vendors");
        assertThatThrownBy(() -> FolderPath.parse("Nope").resolve(folders))
                .hasMessageContaining("in the mailbox root; folders there: Inbox, Shared Intel");
    }
}
