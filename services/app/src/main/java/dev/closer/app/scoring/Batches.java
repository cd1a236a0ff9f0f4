package dev.closer.app.scoring;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.Function;

/** Batch work that one bad item must not sink. */
public final class Batches {

    private Batches() {
    }

    /**
     * {@code work} over the whole batch; when that throws, over each item alone, so one bad item costs only its own
     * result: an item that still fails gets null and is handed to {@code failed} with the reason.
     */
    public static <T, R> List<R> wholeOrEach(List<T> items, Function<List<T>, List<R>> work,
                                             BiConsumer<T, RuntimeException> failed) {
        if (items.isEmpty()) {
            return List.of();
        }
        try {
            return work.apply(items);
        } catch (RuntimeException batchFailure) {
            List<R> results = new ArrayList<>(items.size());
            for (T item : items) {
                try {
                    results.add(work.apply(List.of(item)).get(0));
                } catch (RuntimeException e) {
                    failed.accept(item, e);
                    results.add(null);
                }
            }
            return results;
        }
    }
}
