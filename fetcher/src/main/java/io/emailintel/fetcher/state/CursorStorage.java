package io.emailintel.fetcher.state;

import java.util.Optional;

/** Where the fetch cycle loads and commits its cursor ({@link CursorStore} in production). */
public interface CursorStorage {

    Optional<CursorState> load();

    void save(CursorState state);
}
