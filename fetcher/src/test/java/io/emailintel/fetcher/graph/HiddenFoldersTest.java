package io.emailintel.fetcher.graph;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.emailintel.fetcher.fake.FakeGraph;
import org.junit.jupiter.api.Test;

/** Folder listings omit hidden folders unless asked, and are paged (mailfolder-list-childfolders). */
class HiddenFoldersTest {

    @Test
    void aHiddenFolderResolves() throws Exception {
        try (FakeGraph graph = new FakeGraph(TestMailboxes.MAILBOX)) {
            graph.addFolder("quarantine-id", "Quarantine", "cti-id", true);

            assertThat(TestMailboxes.mailbox(graph, "Inbox/CTI/Quarantine", 10, 0).folderId())
                    .isEqualTo("quarantine-id");
        }
    }

    @Test
    void theNotFoundMessageListsHiddenFoldersToo() throws Exception {
        try (FakeGraph graph = new FakeGraph(TestMailboxes.MAILBOX)) {
            graph.addFolder("quarantine-id", "Quarantine", "cti-id", true);

            assertThatThrownBy(() -> TestMailboxes.mailbox(graph, "Inbox/CTI/Nope", 10, 0).folderId())
                    .isInstanceOf(FolderPath.FolderNotFoundException.class)
                    .hasMessageContaining("Partners, Quarantine, Vendors");
        }
    }

    @Test
    void aFolderOnALaterPageOfChildFoldersResolves() throws Exception {
        try (FakeGraph graph = new FakeGraph(TestMailboxes.MAILBOX)) {
            for (int i = 0; i < 130; i++) {
                graph.addFolder("f" + i, "Feed " + i, "inbox-id", i % 2 == 0);
            }

            assertThat(TestMailboxes.mailbox(graph, "Inbox/Feed 128", 10, 0).folderId()).isEqualTo("f128");
            assertThat(graph.requests()).filteredOn(r -> r.path().endsWith("/childFolders")).hasSizeGreaterThan(1);
        }
    }
}
