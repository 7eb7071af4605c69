package io.emailintel.ingester.opencti;

import io.emailintel.ingester.stix.StixBundle;

/** {@code CONNECTOR_QUEUE_PROTOCOL=api}: the whole bundle through {@code stixBundlePush}. */
public final class ApiBundleSink implements BundleSink {

    private final OpenCtiClient client;
    private final String connectorId;

    public ApiBundleSink(OpenCtiClient client, String connectorId) {
        this.client = client;
        this.connectorId = connectorId;
    }

    @Override
    public int expectations(StixBundle bundle) {
        return 1;
    }

    @Override
    public void push(String workId, StixBundle bundle) throws OpenCtiException {
        client.bundlePush(connectorId, workId, bundle.toJson());
    }
}
