package io.emailintel.fetcher.graph;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A configured folder: a well-known name ({@code inbox}, any case) or a display-name path such as
 * {@code Inbox/CTI/Vendors}, resolved level by level through child folders (the Python connector only looked
 * at top-level folders).
 */
public final class FolderPath {

    /** Graph's well-known folder names (mailFolder resource). */
    static final Set<String> WELL_KNOWN = Set.of("archive", "clutter", "conflicts", "conversationhistory",
            "deleteditems", "drafts", "inbox", "junkemail", "localfailures", "msgfolderroot", "outbox",
            "recoverableitemsdeletions", "scheduled", "searchfolders", "sentitems", "serverfailures", "syncissues");

    /** A folder as Graph lists it. */
    public record Folder(String id, String displayName) {
    }

    /** The folder tree of one mailbox (Graph in production, a map in tests). */
    public interface Folders {
        /** Top-level folders when {@code parentId} is null, else the children of that folder. */
        List<Folder> children(String parentId);
    }

    private final String configured;
    private final List<String> segments;

    private FolderPath(String configured, List<String> segments) {
        this.configured = configured;
        this.segments = segments;
    }

    public static FolderPath parse(String configured) {
        List<String> segments = new ArrayList<>();
        for (String s : configured.split("/")) {
            if (!s.isBlank()) {
                segments.add(s.strip());
            }
        }
        if (segments.isEmpty()) {
            throw new IllegalArgumentException("empty folder path '" + configured + "'");
        }
        return new FolderPath(configured, List.copyOf(segments));
    }

    public List<String> segments() {
        return segments;
    }

    /**
     * The folder id to read. A first segment that is a well-known name is used as the id itself (Graph
     * accepts well-known names wherever it accepts an id).
     *
     * @throws FolderNotFoundException naming the level where resolution failed and the folders there
     */
    public String resolve(Folders folders) {
        String first = segments.get(0);
        String id;
        int next;
        String wellKnown = first.toLowerCase(Locale.ROOT);
        if (WELL_KNOWN.contains(wellKnown)) {
            id = wellKnown;
            next = 1;
        } else {
            id = null;
            next = 0;
        }
        for (int i = next; i < segments.size(); i++) {
            String name = segments.get(i);
            List<Folder> children = folders.children(id);
            Optional<Folder> match = children.stream()
                    .filter(f -> f.displayName() != null && f.displayName().equalsIgnoreCase(name))
                    .findFirst();
            if (match.isEmpty()) {
                String parent = i == 0 ? "the mailbox root" : "'" + String.join("/", segments.subList(0, i)) + "'";
                String existing = children.stream().map(Folder::displayName).sorted()
                        .collect(Collectors.joining(", "));
                throw new FolderNotFoundException("folder '" + configured + "' not found: no '" + name + "' in "
                        + parent + "; folders there: " + (existing.isEmpty() ? "(none)" : existing));
            }
            id = match.get().id();
        }
        return id;
    }

    @Override
    public String toString() {
        return configured;
    }

    /** The configured folder does not exist. */
    public static final class FolderNotFoundException extends RuntimeException {
        public FolderNotFoundException(String message) {
            super(message);
        }
    }
}
