package io.emailintel.fetcher.graph;

import java.io.IOException;
import okhttp3.MediaType;
import okhttp3.ResponseBody;
import okio.Buffer;
import okio.BufferedSource;
import okio.ForwardingSource;
import okio.Okio;

/**
 * A response body that gives its request slot back once it has been read to the end or closed, whichever comes
 * first: a request occupies one of the mailbox's 4 concurrent slots until its body has been received, not only
 * until the headers arrived (a JSON page or an attachment can take seconds to stream).
 */
final class SlotReleasingBody extends ResponseBody {

    private final ResponseBody delegate;
    private final RequestSlots.Slot slot;
    private final BufferedSource source;

    SlotReleasingBody(ResponseBody delegate, RequestSlots.Slot slot) {
        this.delegate = delegate;
        this.slot = slot;
        this.source = Okio.buffer(new ForwardingSource(delegate.source()) {
            @Override
            public long read(Buffer sink, long byteCount) throws IOException {
                long n;
                try {
                    n = super.read(sink, byteCount);
                } catch (IOException | RuntimeException e) {
                    slot.close();
                    throw e;
                }
                if (n == -1) {
                    slot.close();
                }
                return n;
            }

            @Override
            public void close() throws IOException {
                try {
                    super.close();
                } finally {
                    slot.close();
                }
            }
        });
    }

    @Override
    public MediaType contentType() {
        return delegate.contentType();
    }

    @Override
    public long contentLength() {
        return delegate.contentLength();
    }

    @Override
    public BufferedSource source() {
        return source;
    }
}
