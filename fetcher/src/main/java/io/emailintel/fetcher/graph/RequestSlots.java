package io.emailintel.fetcher.graph;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Locale;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The budget of requests open at once against one mailbox. Outlook allows 4 concurrent requests per app and
 * mailbox, counted across every process of that app (learn.microsoft.com/graph/throttling-limits, "Outlook service
 * limits"), so a fetcher and a {@code resync} on the same mailbox must share one budget: each slot is an exclusive
 * lock on a small file under the state directory ({@code .graph-slots/graph-slot-<mailbox>-<n>.lock}), taken by
 * whichever process
 * holds that slot, and released when its request is finished (response body read or closed). Processes that do not
 * share the state directory do not share the budget; without a directory the budget is this process's only.
 */
final class RequestSlots {

    /** Where under the state directory the slot files live (hidden, beside the cursor files). */
    static final String SUBDIRECTORY = ".graph-slots";

    /** How long to wait before looking again when another process holds every free slot. */
    static final Duration POLL = Duration.ofMillis(20);

    /** One slot held; closing it (once or more) gives it back. */
    interface Slot extends AutoCloseable {
        @Override
        void close();
    }

    private final int size;
    private final Semaphore local;
    private final Deque<Integer> free = new ArrayDeque<>();
    private final Path directory;
    private final String mailbox;
    private FileChannel[] files;
    private boolean opened;

    RequestSlots(int size, Path directory, String mailbox) {
        this.size = size;
        this.local = new Semaphore(size, true);
        this.directory = directory == null ? null : directory.resolve(SUBDIRECTORY);
        this.mailbox = mailbox;
        for (int i = 0; i < size; i++) {
            free.add(i);
        }
    }

    int size() {
        return size;
    }

    /** The lock file of slot {@code index} of {@code mailbox}. */
    static String fileName(String mailbox, int index) {
        String name = mailbox == null ? "any" : mailbox.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9._-]", "_");
        return "graph-slot-" + name + "-" + index + ".lock";
    }

    private static FileChannel[] open(Path directory, String mailbox, int size) {
        FileChannel[] out = new FileChannel[size];
        try {
            Files.createDirectories(directory);
            for (int i = 0; i < size; i++) {
                out[i] = FileChannel.open(directory.resolve(fileName(mailbox, i)),
                        StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            }
        } catch (IOException e) {
            // the budget is then this process's only; the cursor store reports an unusable state directory itself
            org.slf4j.LoggerFactory.getLogger(RequestSlots.class).warn("cannot open the request-slot files in {} "
                    + "({}): the 4-request budget is not shared with other processes", directory, e.toString());
            return null;
        }
        return out;
    }

    /** The slot files, opened (and the directory created) with the first request, not before. */
    private synchronized FileChannel[] files() {
        if (!opened) {
            files = directory == null ? null : open(directory, mailbox, size);
            opened = true;
        }
        return files;
    }

    /** Takes a slot, waiting while this process or another one holds them all. */
    Slot acquire() throws InterruptedException, IOException {
        local.acquire();
        FileChannel[] files;
        try {
            files = files();
        } catch (RuntimeException e) {
            local.release();
            throw e;
        }
        if (files == null) {
            return once(() -> local.release());
        }
        try {
            while (true) {
                Integer index;
                synchronized (free) {
                    index = free.pollFirst();
                }
                // a free index here is free in this process; another process may still hold its file
                for (int tried = 0; index != null && tried < size; tried++) {
                    FileLock lock = tryLock(files, index);
                    if (lock != null) {
                        int held = index;
                        return once(() -> {
                            try {
                                lock.release();
                            } catch (IOException ignored) {
                                // the channel stays open; a lost lock only frees the slot early
                            }
                            synchronized (free) {
                                free.addLast(held);
                            }
                            local.release();
                        });
                    }
                    synchronized (free) {
                        free.addLast(index);
                        index = free.pollFirst();
                    }
                }
                if (index != null) {
                    synchronized (free) {
                        free.addLast(index);
                    }
                }
                Thread.sleep(POLL.toMillis()); // real time: another process is working, not a retry back-off
            }
        } catch (InterruptedException | IOException | RuntimeException e) {
            local.release();
            throw e;
        }
    }

    private static FileLock tryLock(FileChannel[] files, int index) throws IOException {
        try {
            return files[index].tryLock();
        } catch (java.nio.channels.OverlappingFileLockException heldInThisJvm) {
            // file locks belong to the whole JVM: another client in this process (a second budget on the same
            // directory) holds this slot
            return null;
        }
    }

    private static Slot once(Runnable release) {
        AtomicBoolean open = new AtomicBoolean(true);
        return () -> {
            if (open.compareAndSet(true, false)) {
                release.run();
            }
        };
    }
}
