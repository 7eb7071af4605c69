package io.emailintel.fetcher.graph;

import java.net.URI;
import java.util.Locale;

/**
 * How the fetcher learns about new mail after the backfill. {@link #DELTA}: the message delta query, which also
 * reports mail moved into the folder later with an old receivedDateTime. {@link #WATERMARK}: a listing by
 * receivedDateTime from the last one seen minus an overlap, for clouds without message delta: "Microsoft Graph
 * China operated by 21Vianet" does not offer {@code message: delta} (learn.microsoft.com/graph/api/message-delta,
 * national cloud availability; graph/deployments); it misses mail moved in later with an older date.
 */
public enum SyncMode {
    DELTA, WATERMARK;

    /** The Graph host of the 21Vianet (China) cloud (learn.microsoft.com/graph/deployments). */
    static final String CHINA_GRAPH_HOST = "microsoftgraph.chinacloudapi.cn";

    /** {@code delta}, {@code watermark}, or {@code auto}: watermark on the 21Vianet Graph host, delta elsewhere. */
    public static SyncMode of(String setting, URI graphBaseUrl) {
        return switch (setting.toLowerCase(Locale.ROOT)) {
            case "delta" -> DELTA;
            case "watermark" -> WATERMARK;
            case "auto" -> graphBaseUrl.getHost() != null
                    && graphBaseUrl.getHost().equalsIgnoreCase(CHINA_GRAPH_HOST) ? WATERMARK : DELTA;
            default -> throw new IllegalArgumentException("sync mode '" + setting + "': expected auto, delta or watermark");
        };
    }
}
