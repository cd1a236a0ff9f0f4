package dev.closer.app.scoring.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Leases keep a swapped-out resource open until the last one ends; it is closed exactly once. */
class LeaseSlotTest {

    /** Stands for a loaded model: counts closes and fails when used after closing. */
    static final class Resource implements AutoCloseable {
        final String name;
        final AtomicInteger closes = new AtomicInteger();

        Resource(String name) {
            this.name = name;
        }

        String use() {
            if (closes.get() > 0) {
                throw new IllegalStateException(name + " used after close");
            }
            return name;
        }

        @Override
        public void close() {
            closes.incrementAndGet();
        }
    }

    @Test
    void shouldKeepASwappedOutResourceOpenUntilItsLastLeaseEnds() {
        LeaseSlot<Resource> slot = new LeaseSlot<>();
        assertTrue(slot.lease().isEmpty());
        Resource v1 = new Resource("v1");
        slot.set(v1);
        LeaseSlot.Lease<Resource> a = slot.lease().orElseThrow();
        LeaseSlot.Lease<Resource> b = slot.lease().orElseThrow();
        assertEquals(2, slot.leases());

        Resource v2 = new Resource("v2");
        slot.set(v2);
        assertSame(v2, slot.peek().orElseThrow());
        assertEquals("v1", a.value().use());
        a.close();
        a.close(); // a second close is ignored, not counted twice
        assertEquals(0, v1.closes.get());
        assertEquals("v1", b.value().use());
        b.close();
        assertEquals(1, v1.closes.get());
        assertThrows(IllegalStateException.class, a::value);

        try (LeaseSlot.Lease<Resource> c = slot.lease().orElseThrow()) {
            assertEquals("v2", c.value().use());
            assertEquals(1, slot.leases());
        }
        assertEquals(0, slot.leases());
        assertEquals(0, v2.closes.get());
    }

    @Test
    void shouldCloseAnUnleasedResourceAtOnceWhenSwappedOrCleared() {
        LeaseSlot<Resource> slot = new LeaseSlot<>();
        Resource v1 = new Resource("v1");
        Resource v2 = new Resource("v2");
        slot.set(v1);
        slot.set(v2);
        assertEquals(1, v1.closes.get());
        slot.clear();
        assertEquals(1, v2.closes.get());
        assertTrue(slot.peek().isEmpty());
        assertTrue(slot.lease().isEmpty());
    }

    @Test
    void shouldNeverHandOutAClosedResourceWhileSwappingUnderLoad() throws Exception {
        LeaseSlot<Resource> slot = new LeaseSlot<>();
        List<Resource> all = new ArrayList<>();
        Resource first = new Resource("r0");
        all.add(first);
        slot.set(first);
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong uses = new AtomicLong();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        List<Future<?>> users = new ArrayList<>();
        for (int t = 0; t < 3; t++) {
            users.add(pool.submit(() -> {
                while (!stop.get()) {
                    try (LeaseSlot.Lease<Resource> lease = slot.lease().orElseThrow()) {
                        lease.value().use();
                        uses.incrementAndGet();
                    }
                }
            }));
        }
        for (int i = 1; i <= 2_000; i++) {
            Resource next = new Resource("r" + i);
            all.add(next);
            slot.set(next);
        }
        stop.set(true);
        for (Future<?> f : users) {
            f.get(30, TimeUnit.SECONDS); // rethrows "used after close", if it ever happened
        }
        pool.shutdown();
        assertTrue(uses.get() > 0);
        assertEquals(0, slot.leases());
        for (Resource r : all.subList(0, all.size() - 1)) {
            assertEquals(1, r.closes.get(), r.name + " closed once");
        }
        assertEquals(0, all.get(all.size() - 1).closes.get());
        assertFalse(slot.lease().isEmpty());
    }
}
