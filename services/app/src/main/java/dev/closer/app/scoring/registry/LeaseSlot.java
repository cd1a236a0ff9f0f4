package dev.closer.app.scoring.registry;

import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.jboss.logging.Logger;

/**
 * Holds one resource (a loaded model) that callers lease for the length of a use, and that can be swapped for
 * another at any time. A swapped-out resource is closed when its last lease ends, never while a lease is held, so
 * a hot swap fails no request. Leasing is lock-free: one reference-count increment.
 */
public final class LeaseSlot<T extends AutoCloseable> {

    private static final Logger LOG = Logger.getLogger(LeaseSlot.class);

    private final AtomicReference<Holder<T>> current = new AtomicReference<>();

    /** The resource in the slot with its count: one for the slot itself plus one per open lease. */
    private static final class Holder<T extends AutoCloseable> {
        final T value;
        final AtomicInteger refs = new AtomicInteger(1);

        Holder(T value) {
            this.value = value;
        }

        /** Adds a lease unless the holder is already closed (its count reached 0). */
        boolean acquire() {
            int n;
            do {
                n = refs.get();
                if (n == 0) {
                    return false;
                }
            } while (!refs.compareAndSet(n, n + 1));
            return true;
        }

        void release() {
            int left = refs.decrementAndGet();
            if (left == 0) {
                try {
                    value.close();
                } catch (Exception e) {
                    LOG.warnf(e, "Closing %s failed", value);
                }
            } else if (left < 0) {
                throw new IllegalStateException("released more often than acquired: " + value);
            }
        }
    }

    /** One use of the resource; closing it (once; more closes are ignored) lets a swapped-out resource close. */
    public static final class Lease<T extends AutoCloseable> implements AutoCloseable {
        private final Holder<T> holder;
        private final AtomicBoolean closed = new AtomicBoolean();

        private Lease(Holder<T> holder) {
            this.holder = holder;
        }

        public T value() {
            if (closed.get()) {
                throw new IllegalStateException("lease already closed");
            }
            return holder.value;
        }

        @Override
        public void close() {
            if (closed.compareAndSet(false, true)) {
                holder.release();
            }
        }
    }

    /** A lease on the resource in the slot now; empty when the slot is empty. */
    public Optional<Lease<T>> lease() {
        while (true) {
            Holder<T> h = current.get();
            if (h == null) {
                return Optional.empty();
            }
            if (h.acquire()) {
                return Optional.of(new Lease<>(h));
            }
            // Swapped out and closed between the read and the increment: the slot holds a newer one; read again.
        }
    }

    /** The resource in the slot now, for reading what it is (not for using it: lease it). */
    public Optional<T> peek() {
        Holder<T> h = current.get();
        return h == null ? Optional.empty() : Optional.of(h.value);
    }

    /** Puts {@code value} in the slot; the previous resource closes when its last lease ends. */
    public void set(T value) {
        Holder<T> old = current.getAndSet(new Holder<>(value));
        if (old != null) {
            old.release();
        }
    }

    /** Empties the slot; the previous resource closes when its last lease ends. */
    public void clear() {
        Holder<T> old = current.getAndSet(null);
        if (old != null) {
            old.release();
        }
    }

    /** Open leases on the resource in the slot now (for tests and metrics). */
    public int leases() {
        Holder<T> h = current.get();
        return h == null ? 0 : Math.max(0, h.refs.get() - 1);
    }
}
