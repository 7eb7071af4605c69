package io.emailintel.ingester.attachments;

import java.util.ArrayList;
import java.util.List;

/**
 * Member names as archives carry them are attacker-chosen paths: {@code ../../etc/passwd}, {@code /etc/passwd},
 * {@code C:\Windows\evil.dll}, {@code ..\..\x}. Nothing is ever written to disk here, but the names reach the
 * report, so they are reduced to a relative path without {@code .}/{@code ..} segments, drive letters or
 * backslashes; the report's file name is the last segment (made safe and unique by the report's own naming).
 */
final class MemberPaths {

    static final String UNNAMED = "unnamed";

    private MemberPaths() {
    }

    static String clean(String raw) {
        String s = raw == null ? "" : raw.replace('\\', '/');
        List<String> kept = new ArrayList<>();
        for (String segment : s.split("/")) {
            String seg = segment.strip();
            if (seg.isEmpty() || seg.equals(".") || seg.equals("..")) {
                continue;
            }
            if (kept.isEmpty() && seg.length() == 2 && seg.charAt(1) == ':' && Character.isLetter(seg.charAt(0))) {
                continue; // a drive letter
            }
            StringBuilder safe = new StringBuilder();
            seg.codePoints().forEach(cp -> safe.appendCodePoint(Character.isISOControl(cp) ? '_' : cp));
            kept.add(safe.toString());
        }
        return kept.isEmpty() ? UNNAMED : String.join("/", kept);
    }

    static String fileName(String cleanPath) {
        int slash = cleanPath.lastIndexOf('/');
        return slash < 0 ? cleanPath : cleanPath.substring(slash + 1);
    }

    static Member member(String rawName, byte[] content) {
        String path = clean(rawName);
        return new Member(path, fileName(path), content);
    }
}
