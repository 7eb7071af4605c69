package io.emailintel.fetcher.graph;

import com.microsoft.graph.models.odataerrors.ErrorDetails;
import com.microsoft.graph.models.odataerrors.MainError;
import com.microsoft.graph.models.odataerrors.ODataError;
import com.microsoft.kiota.ApiException;
import com.microsoft.kiota.serialization.AdditionalDataHolder;
import com.microsoft.kiota.serialization.UntypedNode;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Whether Graph rejected a delta link (a stored delta link or a next link met while paging) because its sync state
 * is gone, so that the round must start again. Graph says so in several ways (learn.microsoft.com: graph/
 * delta-query-overview, graph/api/message-delta, graph/errors; the identity-and-education change of 2020-07-03
 * on devblogs.microsoft.com "Duration of change tracking tokens" documents the 400 form):
 * <ul>
 *   <li>HTTP 410 Gone, code {@code SyncStateNotFound} ("The sync state generation is not found"): any 410 counts;</li>
 *   <li>a 4xx, usually 400 BadRequest, with {@code syncStateNotFound}, {@code resyncRequired} or
 *       {@code syncStateInvalid}, in {@code error.code} or further down the {@code innerError} chain or in
 *       {@code details}, in whatever letter case the service used.</li>
 * </ul>
 * A throttling answer (429) never counts, whatever it says.
 */
public final class SyncStateErrors {

    /** The codes, lower-cased, that mean "this sync state is no longer usable". */
    static final Set<String> CODES = Set.of("syncstatenotfound", "resyncrequired", "syncstateinvalid");

    private SyncStateErrors() {
    }

    /** True when {@code e} says the delta or next link's sync state expired or is invalid. */
    public static boolean isExpired(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ApiException api) {
                return isExpired(api);
            }
        }
        return false;
    }

    static boolean isExpired(ApiException e) {
        int status = e.getResponseStatusCode();
        if (status == 410) {
            return true;
        }
        if (status < 400 || status >= 500 || status == 429) {
            return false;
        }
        for (String code : codes(e)) {
            if (CODES.contains(code.toLowerCase(Locale.ROOT))) {
                return true;
            }
        }
        return false;
    }

    /** Every code an error carries: {@code error.code}, details' codes and every "code" in the inner-error chain. */
    static List<String> codes(ApiException e) {
        List<String> out = new ArrayList<>();
        if (e instanceof ODataError o && o.getError() != null) {
            walk(o.getError(), out, new IdentityHashMap<>(), 0);
        }
        return out;
    }

    private static void walk(Object node, List<String> out, Map<Object, Boolean> visited, int depth) {
        if (node == null || depth > 32 || visited.put(node, Boolean.TRUE) != null) {
            return;
        }
        if (node instanceof MainError m) {
            add(m.getCode(), out);
            if (m.getDetails() != null) {
                for (ErrorDetails d : m.getDetails()) {
                    add(d.getCode(), out);
                }
            }
            walk(m.getInnerError(), out, visited, depth + 1);
        }
        if (node instanceof UntypedNode u) {
            walk(u.getValue(), out, visited, depth + 1);
            return;
        }
        if (node instanceof AdditionalDataHolder h) {
            walkMap(h.getAdditionalData(), out, visited, depth);
        } else if (node instanceof Map<?, ?> map) {
            walkMap(map, out, visited, depth);
        } else if (node instanceof Iterable<?> items) {
            for (Object item : items) {
                walk(item, out, visited, depth + 1);
            }
        }
    }

    private static void walkMap(Map<?, ?> map, List<String> out, Map<Object, Boolean> visited, int depth) {
        if (map == null) {
            return;
        }
        for (Map.Entry<?, ?> entry : map.entrySet()) {
            Object value = entry.getValue() instanceof UntypedNode u && !(u.getValue() instanceof Map)
                    && !(u.getValue() instanceof Iterable) ? u.getValue() : entry.getValue();
            if ("code".equalsIgnoreCase(String.valueOf(entry.getKey())) && value instanceof String s) {
                add(s, out);
            } else {
                walk(value, out, visited, depth + 1);
            }
        }
    }

    private static void add(String code, List<String> out) {
        if (code != null && !code.isBlank()) {
            out.add(code.strip());
        }
    }
}
