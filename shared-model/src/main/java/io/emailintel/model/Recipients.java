package io.emailintel.model;

import java.util.List;

/** The To, Cc and Bcc recipients of a message (Bcc is only known for mail the mailbox sent). */
public record Recipients(List<EmailAddress> to, List<EmailAddress> cc, List<EmailAddress> bcc) {

    public Recipients {
        to = to == null ? List.of() : List.copyOf(to);
        cc = cc == null ? List.of() : List.copyOf(cc);
        bcc = bcc == null ? List.of() : List.copyOf(bcc);
    }

    public static Recipients none() {
        return new Recipients(List.of(), List.of(), List.of());
    }

    public int count() {
        return to.size() + cc.size() + bcc.size();
    }
}
