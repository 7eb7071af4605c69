package io.emailintel.ingester;

import io.emailintel.config.ValueType;
import java.nio.file.Path;

/**
 * Where bundles go: {@code opencti} (the platform) or {@code dir:PATH} (files, for dry runs and audits).
 *
 * @param directory the output directory, or null for OpenCTI
 */
record IngesterOutput(Path directory) {

    static final IngesterOutput OPENCTI = new IngesterOutput(null);

    static final ValueType<IngesterOutput> TYPE = new ValueType<>("output", "opencti or dir:PATH", s -> {
        if (s.equalsIgnoreCase("opencti")) {
            return OPENCTI;
        }
        if (s.startsWith("dir:") && s.length() > 4) {
            return new IngesterOutput(Path.of(s.substring(4)));
        }
        throw new IllegalArgumentException("unknown output");
    });

    boolean isOpenCti() {
        return directory == null;
    }

    @Override
    public String toString() {
        return isOpenCti() ? "opencti" : "dir:" + directory;
    }
}
