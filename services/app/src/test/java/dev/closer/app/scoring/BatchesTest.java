package dev.closer.app.scoring;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class BatchesTest {

    /** Doubles numbers; refuses a batch holding a negative one. */
    private static List<Integer> doubled(List<Integer> xs) {
        if (xs.stream().anyMatch(x -> x < 0)) {
            throw new IllegalArgumentException("negative in " + xs);
        }
        return xs.stream().map(x -> 2 * x).toList();
    }

    @Test
    void aGoodBatchRunsOnce() {
        List<Integer> failed = new ArrayList<>();
        List<List<Integer>> calls = new ArrayList<>();
        assertEquals(List.of(2, 4), Batches.wholeOrEach(List.of(1, 2), xs -> {
            calls.add(xs);
            return doubled(xs);
        }, (x, e) -> failed.add(x)));
        assertEquals(List.of(List.of(1, 2)), calls, "one call with the whole batch");
        assertEquals(List.of(), failed);
    }

    @Test
    void oneBadItemCostsOnlyItsOwnResult() {
        List<String> failed = new ArrayList<>();
        List<Integer> out = Batches.wholeOrEach(List.of(1, -5, 3), BatchesTest::doubled,
                (x, e) -> failed.add(x + ": " + e.getMessage()));
        assertEquals(Arrays.asList(2, null, 6), out);
        assertEquals(List.of("-5: negative in [-5]"), failed);
    }
}
