package io.emailintel.ingester.attachments;

import java.io.IOException;
import java.util.List;

/** Reads every file of one archive format, counting each byte against a meter. */
interface ArchiveReader {

    /**
     * @param password null for the first try without one
     * @throws Locked   it is encrypted and the password is missing or wrong
     * @throws Refused  a limit was reached (the reason says which)
     * @throws IOException it is damaged or not what it claimed
     */
    List<Member> read(byte[] archive, String password, Budget.Meter meter) throws Locked, Refused, IOException;

    /** The format, for the description ("zip", "7z", …). */
    String format();
}
