package io.emailintel.ingester.attachments;

import io.emailintel.model.EnvelopeAttachment;
import java.util.List;

/**
 * What opening an e-mail's attachments gave: the extracted files, to become files of the report next to the
 * attachments themselves (which are all kept), and lines for the report's description. A line names a
 * container and the source of the password that opened it, never the password.
 *
 * @param files     extracted files, in the order found; their type is what their content and name say
 * @param opened    containers opened, one line each
 * @param extracted files extracted, one line each
 * @param closed    containers left closed and files left out, one line each with the reason
 */
public record AttachmentExpansion(List<EnvelopeAttachment> files, List<String> opened, List<String> extracted,
                                  List<String> closed) {

    /** Expansion off, or nothing to open. */
    public static final AttachmentExpansion NONE = new AttachmentExpansion(List.of(), List.of(), List.of(), List.of());

    public AttachmentExpansion {
        files = List.copyOf(files);
        opened = List.copyOf(opened);
        extracted = List.copyOf(extracted);
        closed = List.copyOf(closed);
    }

    /** The report description's section (markdown), or empty when nothing was opened or left closed. */
    public String description() {
        StringBuilder out = new StringBuilder();
        section(out, "Attachments opened", opened);
        section(out, "Files extracted", extracted);
        section(out, "Attachments left closed", closed);
        return out.toString().stripTrailing();
    }

    private static void section(StringBuilder out, String title, List<String> lines) {
        if (lines.isEmpty()) {
            return;
        }
        out.append("**").append(title).append(":**\n");
        for (String line : lines) {
            out.append("- ").append(markdown(line)).append('\n');
        }
        out.append('\n');
    }

    /** Member names are attacker-chosen: they must not become markdown structure (links, emphasis, HTML). */
    private static String markdown(String text) {
        StringBuilder out = new StringBuilder();
        for (char c : text.replace('\n', ' ').replace('\r', ' ').toCharArray()) {
            if ("\\`*_[]<>#|".indexOf(c) >= 0) {
                out.append('\\');
            }
            out.append(c);
        }
        return out.toString();
    }
}
