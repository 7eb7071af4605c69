package io.emailintel.fetcher.graph;

import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * A second process holding request slots, as a {@code resync} beside the fetcher would: takes {@code count} slot
 * files of the mailbox in the directory, prints "held", and lets them go when its standard input closes.
 */
public final class SlotHolder {

    private SlotHolder() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = java.nio.file.Files.createDirectories(Path.of(args[0]).resolve(RequestSlots.SUBDIRECTORY));
        String mailbox = args[1];
        int count = Integer.parseInt(args[2]);
        List<FileLock> locks = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            FileChannel ch = FileChannel.open(dir.resolve(RequestSlots.fileName(mailbox, i)),
                    StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            locks.add(ch.lock());
        }
        System.out.println("held");
        System.out.flush();
        while (System.in.read() != -1) {
            // wait for the parent to close our input
        }
        for (FileLock l : locks) {
            l.release();
        }
    }
}
