package dev.closer.app.call;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.closer.inference.text.EncoderModel;
import dev.closer.inference.text.TextEncoder;
import dev.closer.ingest.call.CallAnalyzer;
import dev.closer.ingest.call.CallMetrics;
import dev.closer.ingest.call.SeededTrackers;
import dev.closer.ingest.data.CallTranscribedData.Utterance;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The default semantic trackers' threshold, measured: the example sentences V12 seeds, the real encoder (BGE-small),
 * and the hand-labelled utterances in {@code call/tracker-calibration.tsv}, run through {@link CallAnalyzer} (its
 * semantic rule, not a copy). For each tracker, an utterance is predicted on-topic when the analyser's similarity
 * (best cosine to the tracker's examples) reaches the threshold; its own rows
 * are the positives and every other row a negative. Precision and recall are micro-averaged over the seven trackers.
 * The sweep is printed; the figures at the shipped threshold are in docs/call-metrics.md and asserted here.
 */
class TrackerThresholdTest {

    /** The threshold V12 ships for every default semantic tracker. */
    static final double SHIPPED = 0.70;

    private static TextEncoder encoder;

    @BeforeAll
    static void open() {
        encoder = TextEncoder.open(EncoderModel.BGE_SMALL);
    }

    @AfterAll
    static void close() {
        encoder.close();
    }

    record Counts(int tp, int fp, int fn) {
        double precision() {
            return tp + fp == 0 ? 1 : tp / (double) (tp + fp);
        }

        double recall() {
            return tp + fn == 0 ? 1 : tp / (double) (tp + fn);
        }

        double f1() {
            return 2 * precision() * recall() / (precision() + recall());
        }
    }

    @Test
    void shouldShipAThresholdWithTheMeasuredPrecisionAndRecall() throws Exception {
        List<CallAnalyzer.Tracker> seeded = SeededTrackers.parse(
                Files.readString(Path.of("src/main/resources/db/migration/V12__call_analysis.sql"))).stream()
                .filter(t -> CallAnalyzer.Tracker.SEMANTIC.equals(t.kind())).toList();
        assertEquals(7, seeded.size(), "the seven default semantic trackers");
        List<String[]> rows = rows();
        // The rows as one call through the analyser itself, every tracker's threshold lowered so that each
        // utterance is a hit: the hit's similarity is the analyser's best cosine to the tracker's examples.
        List<Utterance> call = new ArrayList<>();
        for (int i = 0; i < rows.size(); i++) {
            call.add(new Utterance("P", "prospect", i * 1000L, i * 1000L + 900, rows.get(i)[1]));
        }
        List<CallAnalyzer.Tracker> lowered = new ArrayList<>();
        for (CallAnalyzer.Tracker t : seeded) {
            assertEquals(SHIPPED, t.threshold(), 1e-9, t.name());
            lowered.add(new CallAnalyzer.Tracker(t.id(), t.name(), t.kind(), t.phrases(), t.examples(), -1));
        }
        CallAnalyzer analyzer = new CallAnalyzer(encoder::embedAll, vectors -> {
            CallAnalyzer.Tone[] none = new CallAnalyzer.Tone[vectors.length];
            Arrays.fill(none, new CallAnalyzer.Tone("neutral", 0.5));
            return none;
        }, CallMetrics.Settings.DEFAULTS);
        Map<String, double[]> best = new LinkedHashMap<>();
        for (CallAnalyzer.TrackerHit h : analyzer.analyse(call, lowered).trackerHits()) {
            best.computeIfAbsent(h.tracker(), k -> new double[rows.size()])[h.index()] = h.similarity();
        }
        assertEquals(7, best.size());
        Map<String, List<String>> examples = new LinkedHashMap<>();
        seeded.forEach(t -> examples.put(t.name(), t.examples()));
        StringBuilder sweep = new StringBuilder("threshold precision recall f1\n");
        for (int k = 60; k <= 90; k++) {
            Counts c = counts(rows, best, k / 100.0);
            sweep.append(String.format("%.2f %.3f %.3f %.3f%n", k / 100.0, c.precision(), c.recall(), c.f1()));
        }
        System.out.println(sweep);
        Counts shipped = counts(rows, best, SHIPPED);
        for (String tracker : examples.keySet()) {
            Counts one = counts(rows, Map.of(tracker, best.get(tracker)), SHIPPED);
            System.out.printf("%s: precision %.3f recall %.3f%n", tracker, one.precision(), one.recall());
        }
        System.out.printf("shipped %.2f: precision %.3f recall %.3f (tp %d fp %d fn %d)%n", SHIPPED,
                shipped.precision(), shipped.recall(), shipped.tp(), shipped.fp(), shipped.fn());
        assertTrue(shipped.precision() >= PRECISION_AT_SHIPPED - 1e-9, "precision " + shipped.precision());
        assertTrue(shipped.recall() >= RECALL_AT_SHIPPED - 1e-9, "recall " + shipped.recall());
    }

    /** Measured at 0.70 (the best F1 of the sweep is 0.608 at 0.69; 0.70 trades 0.05 recall for precision). */
    static final double PRECISION_AT_SHIPPED = 0.70;
    static final double RECALL_AT_SHIPPED = 0.50;

    private static Counts counts(List<String[]> rows, Map<String, double[]> best, double threshold) {
        int tp = 0;
        int fp = 0;
        int fn = 0;
        for (Map.Entry<String, double[]> t : best.entrySet()) {
            for (int i = 0; i < rows.size(); i++) {
                boolean positive = rows.get(i)[0].equals(t.getKey());
                boolean predicted = t.getValue()[i] >= threshold;
                if (predicted && positive) {
                    tp++;
                } else if (predicted) {
                    fp++;
                } else if (positive) {
                    fn++;
                }
            }
        }
        return new Counts(tp, fp, fn);
    }

    private static List<String[]> rows() throws IOException {
        try (InputStream in = TrackerThresholdTest.class.getResourceAsStream("/call/tracker-calibration.tsv")) {
            List<String[]> out = new ArrayList<>();
            boolean header = true;
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                if (header) {
                    header = false;
                    continue;
                }
                out.add(line.split("\t", 2));
            }
            return out;
        }
    }
}
