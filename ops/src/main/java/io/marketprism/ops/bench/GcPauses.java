package io.marketprism.ops.bench;

import com.sun.management.GarbageCollectionNotificationInfo;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import javax.management.ListenerNotFoundException;
import javax.management.Notification;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;

/**
 * The stop-the-world collections of this JVM while it listens, from the collectors' notifications: when each began
 * (epoch milliseconds) and how long it stopped every thread, the service's, the broker's and the benchmark's alike.
 * Concurrent work stops nothing and is left out: G1's concurrent cycle ({@code G1 Concurrent GC}, whose remark and
 * cleanup pauses these notifications do not report) and ZGC's or Shenandoah's cycles (their pauses come from their
 * {@code ... Pauses} collectors).
 */
final class GcPauses implements AutoCloseable {

    private static final String G1_CONCURRENT = "G1 Concurrent GC";
    private static final String CONCURRENT_CYCLES = " Cycles";

    /** One pause: its start, epoch milliseconds, and its length. */
    record Pause(long startedAt, long millis) {
        boolean overlaps(long from, long to) {
            return startedAt <= to && startedAt + millis >= from;
        }
    }

    private final long jvmStartedAt = ManagementFactory.getRuntimeMXBean().getStartTime();
    private final List<Pause> pauses = new ArrayList<>();
    private final List<NotificationEmitter> emitters = new ArrayList<>();
    private final NotificationListener listener = this::onNotification;

    /** Starts listening. */
    GcPauses() {
        for (GarbageCollectorMXBean collector : ManagementFactory.getGarbageCollectorMXBeans()) {
            if (collector instanceof NotificationEmitter emitter) {
                emitter.addNotificationListener(listener, null, null);
                emitters.add(emitter);
            }
        }
    }

    private void onNotification(Notification notification, Object handback) {
        if (!GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(notification.getType())) {
            return;
        }
        GarbageCollectionNotificationInfo info =
                GarbageCollectionNotificationInfo.from((CompositeData) notification.getUserData());
        if (G1_CONCURRENT.equals(info.getGcName()) || info.getGcName().endsWith(CONCURRENT_CYCLES)) {
            return;
        }
        synchronized (pauses) {
            pauses.add(new Pause(jvmStartedAt + info.getGcInfo().getStartTime(), info.getGcInfo().getDuration()));
        }
    }

    /** The pauses that began in {@code [from, to]}, epoch milliseconds. */
    List<Pause> between(long from, long to) {
        synchronized (pauses) {
            return pauses.stream().filter(p -> p.startedAt() >= from && p.startedAt() <= to).toList();
        }
    }

    @Override
    public void close() {
        for (NotificationEmitter emitter : emitters) {
            try {
                emitter.removeNotificationListener(listener);
            } catch (ListenerNotFoundException alreadyGone) {
                // nothing to remove
            }
        }
    }
}
