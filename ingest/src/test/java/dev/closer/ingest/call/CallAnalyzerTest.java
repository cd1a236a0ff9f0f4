package dev.closer.ingest.call;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.closer.ingest.call.CallAnalyzer.Tracker;
import dev.closer.ingest.call.CallAnalyzer.TrackerHit;
import dev.closer.ingest.data.CallTranscribedData.Utterance;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The analysis core with a stand-in encoder (a text's vector is one-hot on whether it mentions money, time or
 * neither) and a stand-in tone head (p(positive) = 0.9 for "great", 0.1 for "bad", else 0.5), so every expected value
 * is known by hand.
 */
class CallAnalyzerTest {

    private final AtomicInteger encoderCalls = new AtomicInteger();
    private final CallAnalyzer withTone = new CallAnalyzer(texts -> {
        encoderCalls.incrementAndGet();
        float[][] v = new float[texts.size()][];
        for (int i = 0; i < v.length; i++) {
            String t = texts.get(i).toLowerCase();
            v[i] = t.contains("money") || t.contains("dollars") ? new float[] {1, 0, 0, 0}
                    : new float[] {0, 0, t.contains("great") ? 1 : 0, t.contains("bad") ? 1 : 0};
        }
        return v;
    }, vectors -> {
        CallAnalyzer.Tone[] t = new CallAnalyzer.Tone[vectors.length];
        for (int i = 0; i < t.length; i++) {
            t[i] = vectors[i][2] > 0 ? new CallAnalyzer.Tone("positive", 0.9)
                    : vectors[i][3] > 0 ? new CallAnalyzer.Tone("negative", 0.1)
                    : new CallAnalyzer.Tone("neutral", 0.5);
        }
        return t;
    }, CallMetrics.Settings.DEFAULTS);

    private static Utterance u(String speaker, String role, long start, long end, String text) {
        return new Utterance(speaker, role, start, end, text);
    }

    private static final Tracker PRICING_KEYWORD = new Tracker(1, "pricing", "keyword",
            List.of("price", "per seat"), List.of(), 1);
    private static final Tracker PRICING_SEMANTIC = new Tracker(2, "pricing", "semantic", List.of(),
            List.of("How much money is it?"), 0.8);

    @Test
    void shouldMatchKeywordsAsWholePhrasesIgnoringCase() throws Exception {
        List<Utterance> call = List.of(
                u("Sam", "rep", 0, 1000, "Our PRICE is simple."),
                u("Dana", "prospect", 1000, 2000, "That is priceless."),
                u("Dana", "prospect", 2000, 3000, "Is it charged per\nseat?"),
                u("Sam", "rep", 3000, 4000, "Yes, per seats is wrong, per seat is right."));
        List<TrackerHit> hits = withTone.analyse(call, List.of(PRICING_KEYWORD)).trackerHits();
        assertEquals(List.of(0, 2, 3), hits.stream().map(TrackerHit::index).toList());
        assertEquals(List.of(0L, 2000L, 3000L), hits.stream().map(TrackerHit::startMs).toList());
        assertEquals("PRICE", hits.get(0).match());
        assertNull(hits.get(0).similarity());
    }

    @Test
    void shouldFireSemanticTrackersAtTheThresholdAndEmbedExamplesOnce() throws Exception {
        List<Utterance> call = List.of(
                u("Sam", "rep", 0, 1000, "Hello there."),
                u("Dana", "prospect", 5000, 6000, "How many dollars would that be?"));
        encoderCalls.set(0);
        CallAnalyzer.Result r = withTone.analyse(call, List.of(PRICING_SEMANTIC));
        assertEquals(1, r.trackerHits().size());
        TrackerHit hit = r.trackerHits().get(0);
        assertEquals(1, hit.index());
        assertEquals(5000L, hit.startMs());
        assertEquals(1.0, hit.similarity(), 1e-9);
        assertEquals("How much money is it?", hit.match());
        assertEquals(2, encoderCalls.get(), "one call for the utterances, one for the new examples");
        withTone.analyse(call, List.of(PRICING_SEMANTIC));
        assertEquals(3, encoderCalls.get(), "examples are cached");
    }

    @Test
    void shouldGiveEveryUtteranceWithWordsATone() throws Exception {
        List<Utterance> call = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            call.add(u(i % 2 == 0 ? "Sam" : "Dana", i % 2 == 0 ? "rep" : "prospect", i * 60_000L, i * 60_000L + 30_000,
                    i % 2 == 0 ? "Okay." : i < 20 ? "This is bad." : "This is great."));
        }
        call.add(u("Dana", "prospect", 40 * 60_000L, 40 * 60_000L, ""));
        encoderCalls.set(0);
        CallAnalyzer.Result r = withTone.analyse(call, List.of());
        assertEquals(1, encoderCalls.get(), "one batched encoder call");
        assertEquals(40, r.tone().utterances().size(), "every utterance with words, not the empty one");
        assertEquals("negative", r.tone().utterances().get(1).label());
        assertEquals("positive", r.tone().utterances().get(39).label());
        assertEquals("neutral", r.tone().utterances().get(0).label());
        assertTrue(r.tone().prospect().size() <= CallAnalyzer.CURVE_POINTS && r.tone().prospect().size() >= 15);
        assertEquals(0.1, r.tone().prospect().get(0).positive(), 1e-9);
        assertTrue(r.prospectToneTrend() > 0, "the prospect warmed up");
        assertEquals(CallMetrics.compute(call), r.metrics());
    }

    @Test
    void shouldRefuseInvalidTranscripts() {
        assertThrows(InvalidTranscriptException.class, () -> withTone.analyse(List.of(), List.of()));
        assertThrows(InvalidTranscriptException.class,
                () -> withTone.analyse(List.of(u("Sam", "host", 0, 1, "hi")), List.of()));
    }
}
