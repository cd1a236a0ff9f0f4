package dev.closer.inference.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.closer.inference.InferenceException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Closing an encoder while texts are being embedded, as the app does when it stops in the middle of a call's
 * analysis: the close waits for the ONNX Runtime runs under way, and later texts get an {@link InferenceException}.
 * Before, the session was freed under a running {@code OrtSession.run} and the JVM died with SIGSEGV in
 * libonnxruntime.so (hs_err files from stopped apps); here that would kill the test JVM.
 */
class TextEncoderCloseTest {

    @Test
    void shouldWaitForRunsUnderWayAndRefuseLaterTexts() throws Exception {
        TextEncoder encoder = TextEncoder.open(TextEncoderOptions.of(EncoderModel.MINILM).withThreads(2));
        List<String> texts = Collections.nCopies(64, "A long enough sentence about pricing, budgets and next steps "
                .repeat(8));
        ExecutorService callers = Executors.newFixedThreadPool(2);
        CountDownLatch started = new CountDownLatch(2);
        List<Future<Integer>> results = new ArrayList<>();
        for (int c = 0; c < 2; c++) {
            results.add(callers.submit(() -> {
                int embedded = 0;
                try {
                    while (true) {
                        embedded += encoder.embedAll(texts).length;
                        started.countDown(); // this caller has embedded, and goes on with its next batch
                    }
                } catch (InferenceException closed) {
                    assertTrue(closed.getMessage().contains("closed"), closed.getMessage());
                    return embedded;
                }
            }));
        }
        assertTrue(started.await(60, TimeUnit.SECONDS), "the callers did not embed");
        encoder.close(); // both callers are in a batch, or about to start one
        for (Future<Integer> result : results) {
            result.get(60, TimeUnit.SECONDS); // each caller ended with "closed" (asserted in the caller)
        }
        callers.shutdown();
        InferenceException later = assertThrows(InferenceException.class, () -> encoder.embed("after the close"));
        assertTrue(later.getMessage().contains("closed"), later.getMessage());
        encoder.close(); // twice is harmless
        assertEquals(384, encoder.dimension());
    }
}
