package dev.closer.ingest.call;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.closer.ingest.call.CallMetrics.InterruptionCount;
import dev.closer.ingest.call.CallMetrics.Participant;
import dev.closer.ingest.call.CallMetrics.Result;
import dev.closer.ingest.call.CallMetrics.Settings;
import dev.closer.ingest.call.CallMetrics.Side;
import dev.closer.ingest.call.CallMetrics.Silence;
import dev.closer.ingest.call.CallMetrics.Span;
import dev.closer.ingest.data.CallTranscribedData.Utterance;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Every expected value below was computed by hand from the transcript in the test; the comments show the sums.
 * Times are milliseconds from the start of the call.
 */
class CallMetricsTest {

    private static final double EPS = 1e-9;

    static Utterance u(String speaker, String role, long startMs, long endMs, String text) {
        return new Utterance(speaker, role, startMs, endMs, text);
    }

    /*
     * The reference call: Paul (prospect) and Rita (rep), six utterances.
     *
     *   #  who   role      start   end    text
     *   0  Paul  prospect      0   6000   "Um, we rebuild the forecast every week, you know, by hand."
     *   1  Rita  rep        9500  14000   "How long does that take your team?"
     *   2  Rita  rep       14500  20000   "Uh, most teams we meet spend a day on it."
     *   3  Rita  rep       21000  27000   "Like, the numbers never match, I mean, across tools."
     *   4  Paul  prospect  26000  32000   "Sorry, what does it cost?"            (starts 1000 ms before #3 ends)
     *   5  Rita  rep       31500  36000   "It depends on seats. Shall I send the pricing?"  (500 ms before #4 ends)
     *
     * Call: 0 .. 36000 -> duration 36000 ms = 0.6 min.
     * Talk: Rita 4500 + 5500 + 6000 + 4500 = 20500; Paul 6000 + 6000 = 12000.
     *   Talk ratio = 20500 / (20500 + 12000) = 20500 / 32500 = 0.6307692...
     * Speech (union): [0,6000] [9500,14000] [14500,20000] [21000,36000] = 6000 + 4500 + 5500 + 15000 = 31000.
     * Overlap: [26000,27000] + [31500,32000] = 1000 + 500 = 1500   (check: 20500 + 12000 = 31000 + 1500).
     * Gaps: 6000..9500 = 3500 (a silence, >= 3000), 14000..14500 = 500, 20000..21000 = 1000 (not silences).
     * Longest rep monologue: #1..#3 (inner gaps 500 and 1000 < 3000; #4 is the prospect) = 27000 - 9500 = 17500.
     *   #5 alone = 4500.
     * Longest customer story: #0 = 6000 and #4 = 6000, a tie: the earlier one, 0..6000.
     * Switches: P R R R P R -> #0>#1, #3>#4, #4>#5 = 3; per minute = 3 / 0.6 = 5.0.
     * Patience: #0 ends 6000, #1 starts 9500 -> 3500 (a sample); #4 ends 32000, #5 starts 31500 -> -500 (an
     *   interruption, not a sample). Mean = 3500 over 1 sample.
     * Interruptions: #4 starts at 26000 inside #3 (21000..27000): Paul interrupted Rita; #5 starts at 31500 inside
     *   #4 (26000..32000): Rita interrupted Paul. Total 2.
     * Words: #0 11, #1 7, #2 10, #3 9, #4 5, #5 9 -> Rita 35, Paul 16.
     * Questions: #1, #5 (rep) = 2; #4 (prospect) = 1.
     * Fillers: #0 "Um", "you know," (Paul 2); #2 "Uh"; #3 "Like," at a sentence start, "I mean," (Rita 3).
     *   Rita: 3 / (20500 / 60000) = 8.780487.../min, 3 / 35 * 100 = 8.571428... per 100 words.
     *   Paul: 2 / (12000 / 60000) = 10.0/min, 2 / 16 * 100 = 12.5 per 100 words.
     * Words per minute: Rita 35 / (20500 / 60000) = 102.439...; Paul 16 / 0.2 = 80.0.
     */
    static List<Utterance> referenceCall() {
        return List.of(
                u("Paul", "prospect", 0, 6000, "Um, we rebuild the forecast every week, you know, by hand."),
                u("Rita", "rep", 9500, 14000, "How long does that take your team?"),
                u("Rita", "rep", 14500, 20000, "Uh, most teams we meet spend a day on it."),
                u("Rita", "rep", 21000, 27000, "Like, the numbers never match, I mean, across tools."),
                u("Paul", "prospect", 26000, 32000, "Sorry, what does it cost?"),
                u("Rita", "rep", 31500, 36000, "It depends on seats. Shall I send the pricing?"));
    }

    @Test
    void shouldMeasureTheReferenceCallAsComputedByHand() throws Exception {
        Result r = CallMetrics.compute(referenceCall());

        assertEquals(0, r.startMs());
        assertEquals(36000, r.endMs());
        assertEquals(36000, r.durationMs());
        assertEquals(6, r.utterances());
        assertEquals(2, r.speakers());
        assertEquals(31000, r.speechMs());
        assertEquals(1500, r.overlapMs());
        assertEquals(20500.0 / 32500.0, r.talkRatio(), EPS);

        assertEquals(new Span(9500, 27000, 17500, 3), r.longestRepMonologue());
        assertEquals(new Span(0, 6000, 6000, 1), r.longestCustomerStory());

        assertEquals(3, r.speakerSwitches());
        assertEquals(5.0, r.switchesPerMinute(), EPS);

        assertEquals(3500.0, r.patienceMs(), EPS);
        assertEquals(1, r.patienceSamples());

        assertEquals(2, r.interruptions());
        assertEquals(List.of(
                new InterruptionCount("Paul", "prospect", "Rita", "rep", 1),
                new InterruptionCount("Rita", "rep", "Paul", "prospect", 1)), r.interruptionsByPair());

        assertEquals(List.of(new Silence(6000, 9500, 3500)), r.silences());
        assertEquals(3500, r.silenceMs());

        Side rep = r.rep();
        assertEquals("rep", rep.role());
        assertEquals(1, rep.speakers());
        assertEquals(20500, rep.talkMs());
        assertEquals(35, rep.words());
        assertEquals(102.4390243902439, rep.wordsPerMinute(), 1e-9);
        assertEquals(2, rep.questions());
        assertEquals(3, rep.fillers());
        assertEquals(8.780487804878049, rep.fillersPerMinute(), 1e-9);
        assertEquals(8.571428571428571, rep.fillersPer100Words(), 1e-9);
        assertEquals(1, rep.interruptionsMade());
        assertEquals(1, rep.interruptionsSuffered());
        Side prospect = r.prospect();
        assertEquals(12000, prospect.talkMs());
        assertEquals(16, prospect.words());
        assertEquals(80.0, prospect.wordsPerMinute(), EPS);
        assertEquals(1, prospect.questions());
        assertEquals(2, prospect.fillers());
        assertEquals(10.0, prospect.fillersPerMinute(), EPS);
        assertEquals(12.5, prospect.fillersPer100Words(), EPS);
        assertEquals(new Side("other", 0, 0, 0, null, 0, 0, null, null, 0, 0), r.other());

        Participant paul = r.participants().get(0);
        Participant rita = r.participants().get(1);
        assertEquals("Paul", paul.speaker());
        assertEquals("prospect", paul.role());
        assertEquals(2, paul.utterances());
        assertEquals(2, paul.turns());
        assertEquals(12000, paul.talkMs());
        assertEquals(12000.0 / 32500, paul.talkShare(), EPS);
        assertEquals(new Span(0, 6000, 6000, 1), paul.longestMonologue());
        assertEquals(Map.of("um", 1, "you know", 1), paul.fillerWords());
        assertEquals(1, paul.interruptionsMade());
        assertEquals(1, paul.interruptionsSuffered());

        assertEquals("Rita", rita.speaker());
        assertEquals(4, rita.utterances());
        assertEquals(2, rita.turns());
        assertEquals(20500, rita.talkMs());
        assertEquals(20500.0 / 32500, rita.talkShare(), EPS);
        assertEquals(new Span(9500, 27000, 17500, 3), rita.longestMonologue());
        assertEquals(35, rita.words());
        assertEquals(102.4390243902439, rita.wordsPerMinute(), 1e-9);
        assertEquals(2, rita.questions());
        assertEquals(3, rita.fillers());
        assertEquals(8.780487804878049, rita.fillersPerMinute(), 1e-9);
        assertEquals(8.571428571428571, rita.fillersPer100Words(), 1e-9);
        assertEquals(Map.of("uh", 1, "like", 1, "i mean", 1), rita.fillerWords());
        assertEquals(1, rita.interruptionsMade());
        assertEquals(1, rita.interruptionsSuffered());
        assertEquals(Settings.DEFAULTS, r.settings());
    }

    /*
     * Thresholds change what counts (same reference call):
     * - interruptionMinOverlapMs 1000: Paul's overlap on Rita is 27000 - 26000 = 1000 (counts), Rita's on Paul
     *   32000 - 31500 = 500 (does not) -> 1 interruption.
     * - silenceMinMs 500: the gaps 3500, 500, 1000 are all >= 500 -> 3 silences, 5000 ms.
     * - monologueMaxGapMs 800: #1 -> #2 gap 500 < 800 continues, #2 -> #3 gap 1000 ends the run:
     *   9500..20000 = 10500 (2 utterances) beats 21000..27000 = 6000.
     */
    @Test
    void shouldApplyTheThresholdsInSettings() throws Exception {
        Result r = CallMetrics.compute(referenceCall(), new Settings(500, 800, 1000));
        assertEquals(1, r.interruptions());
        assertEquals(List.of(new InterruptionCount("Paul", "prospect", "Rita", "rep", 1)), r.interruptionsByPair());
        assertEquals(List.of(new Silence(6000, 9500, 3500), new Silence(14000, 14500, 500),
                new Silence(20000, 21000, 1000)), r.silences());
        assertEquals(5000, r.silenceMs());
        assertEquals(new Span(9500, 20000, 10500, 2), r.longestRepMonologue());
    }

    /*
     * An 'other' participant (Omar, e.g. a partner) between two rep utterances:
     *
     *   0  Rita  rep           0  10000  "Thanks for making the time today."
     *   1  Omar  other     10200  12000  "Sorry, joining late."
     *   2  Rita  rep       12500  20000  "No problem, we were just starting."
     *   3  Paul  prospect  20600  26000  "Can we start with pricing?"
     *   4  Rita  rep       26400  30000  "Sure."
     *
     * Duration 30000 = 0.5 min. Talk: Rita 10000 + 7500 + 3600 = 21100, Omar 1800, Paul 5400.
     * Talk ratio ignores 'other': 21100 / (21100 + 5400) = 21100 / 26500 = 0.796226...
     * Speech 28300, overlap 0; gaps 200, 500, 600, 400: no silence.
     * Rep monologue (role level, 'other' skipped): #0 then #2, gap 12500 - 10000 = 2500 < 3000 -> 0..20000 =
     *   20000 ms, 2 utterances; #3 (prospect) ends it. Rita's own longest (speaker level, any other speaker ends
     *   it): #0 = 10000.
     * Customer story: #3 = 5400.  Switches: R O R P R = 4 -> 4 / 0.5 = 8.0 per minute.
     * Patience: #4 after #3: 26400 - 26000 = 400 (1 sample); #2 follows Omar, whose role is skipped, so the
     *   utterance before it is Rita's own: no sample.
     * Talk shares: 21100 / 28300, 1800 / 28300, 5400 / 28300.
     */
    @Test
    void shouldKeepOtherParticipantsOutOfTheTalkRatioAndTheRuns() throws Exception {
        Result r = CallMetrics.compute(List.of(
                u("Rita", "rep", 0, 10000, "Thanks for making the time today."),
                u("Omar", "other", 10200, 12000, "Sorry, joining late."),
                u("Rita", "rep", 12500, 20000, "No problem, we were just starting."),
                u("Paul", "prospect", 20600, 26000, "Can we start with pricing?"),
                u("Rita", "rep", 26400, 30000, "Sure.")));
        assertEquals(30000, r.durationMs());
        assertEquals(3, r.speakers());
        assertEquals(21100.0 / 26500, r.talkRatio(), EPS);
        assertEquals(1800, r.other().talkMs());
        assertEquals(1, r.other().speakers());
        assertEquals(3, r.other().words());
        assertEquals(28300, r.speechMs());
        assertEquals(0, r.overlapMs());
        assertEquals(List.of(), r.silences());
        assertEquals(new Span(0, 20000, 20000, 2), r.longestRepMonologue());
        assertEquals(new Span(20600, 26000, 5400, 1), r.longestCustomerStory());
        assertEquals(4, r.speakerSwitches());
        assertEquals(8.0, r.switchesPerMinute(), EPS);
        assertEquals(400.0, r.patienceMs(), EPS);
        assertEquals(1, r.patienceSamples());
        assertEquals(0, r.interruptions());
        assertEquals(1, r.prospect().questions());

        Participant omar = r.participants().get(0);
        assertEquals("Omar", omar.speaker());
        assertEquals("other", omar.role());
        assertEquals(1800.0 / 28300, omar.talkShare(), EPS);
        Participant rita = r.participants().get(2);
        assertEquals(new Span(0, 10000, 10000, 1), rita.longestMonologue());
        assertEquals(3, rita.turns());
        assertEquals(21100.0 / 28300, rita.talkShare(), EPS);
    }

    /*
     * One speaker only: Rita 1000..5000 "Hello?" and 5500..9000 "Anyone there?".
     * Duration 9000 - 1000 = 8000. Talk ratio = 7500 / (7500 + 0) = 1.0. No prospect: no customer story, no
     * patience sample, no switches (0 per minute), words per minute of the prospect undefined.
     * Monologue 1000..9000 = 8000 (gap 500). Questions 2.
     */
    @Test
    void shouldMeasureACallWithOneSpeakerOnly() throws Exception {
        Result r = CallMetrics.compute(List.of(
                u("Rita", "rep", 1000, 5000, "Hello?"),
                u("Rita", "rep", 5500, 9000, "Anyone there?")));
        assertEquals(8000, r.durationMs());
        assertEquals(1.0, r.talkRatio(), EPS);
        assertEquals(new Span(1000, 9000, 8000, 2), r.longestRepMonologue());
        assertNull(r.longestCustomerStory());
        assertNull(r.patienceMs());
        assertEquals(0, r.patienceSamples());
        assertEquals(0, r.speakerSwitches());
        assertEquals(0.0, r.switchesPerMinute(), EPS);
        assertNull(r.prospect().wordsPerMinute());
        assertEquals(2, r.rep().questions());
        assertEquals(1, r.participants().size());
        assertEquals(1.0, r.participants().get(0).talkShare(), EPS);

        // Prospect alone: ratio 0 / (0 + talk) = 0. 'other' alone: 0 / 0, undefined.
        assertEquals(0.0, CallMetrics.compute(List.of(u("Paul", "prospect", 0, 1000, "Hi."))).talkRatio(), EPS);
        assertNull(CallMetrics.compute(List.of(u("Omar", "other", 0, 1000, "Hi."))).talkRatio());
    }

    /*
     * Zero-length utterances have words but no time:
     *   0  Rita  rep          0   4000  "Let me share my screen."
     *   1  Paul  prospect  2000   2000  "Okay."          (no duration, inside #0)
     *   2  Rita  rep       9000  12000  "Can you see it?"
     * Paul: talk 0 -> words per minute undefined, talk share 0 / 7000 = 0; 1 word.
     * #1 overlaps #0 by 0 ms: not an interruption. Speech [0,4000] [9000,12000]: the zero-length utterance does not
     * split the 5000 ms gap, a silence 4000..9000. Switches R P R = 2 over 12000 ms -> 10.0/min.
     * Patience: #1 ends 2000, #2 starts 9000 -> 7000 (a positive gap). Customer story 2000..2000 = 0.
     */
    @Test
    void shouldGiveZeroLengthUtterancesWordsButNoTime() throws Exception {
        Result r = CallMetrics.compute(List.of(
                u("Rita", "rep", 0, 4000, "Let me share my screen."),
                u("Paul", "prospect", 2000, 2000, "Okay."),
                u("Rita", "rep", 9000, 12000, "Can you see it?")));
        Participant paul = r.participants().get(0);
        assertEquals(0, paul.talkMs());
        assertNull(paul.wordsPerMinute());
        assertEquals(1, paul.words());
        assertEquals(0.0, paul.talkShare(), EPS);
        assertEquals(0, r.interruptions());
        assertEquals(7000, r.speechMs());
        assertEquals(List.of(new Silence(4000, 9000, 5000)), r.silences());
        assertEquals(2, r.speakerSwitches());
        assertEquals(10.0, r.switchesPerMinute(), EPS);
        assertEquals(7000.0, r.patienceMs(), EPS);
        assertEquals(new Span(2000, 2000, 0, 1), r.longestCustomerStory());
        assertEquals(1.0, r.talkRatio(), EPS);
    }

    /*
     * Fully overlapping utterances:
     *   a  Rita  rep          0  10000  "We cover the whole pipeline."
     *   b  Paul  prospect  2000   4000  "Right."            (inside a: an interruption, overlap 2000)
     *   c  Paul  prospect 10000  15000  "And the forecast?" (starts as a ends: latched, overlap 0)
     *   d  Rita  rep      20000  25000  "Yes."              (same start as e: simultaneous, neither interrupts)
     *   e  Paul  prospect 20000  25000  "Great."
     * Sorted: a b c e d (at 20000 ties go by end, then speaker: Paul before Rita).
     * Talk: Rita 10000 + 5000 = 15000; Paul 2000 + 5000 + 5000 = 12000. Ratio 15000 / 27000 = 0.5555...
     * Overlap: [2000,4000] + [20000,25000] = 7000. Speech [0,15000] [20000,25000] = 20000 (27000 - 7000).
     * Silence 15000..20000. Interruptions: only b (Paul -> Rita). Switches a>b, e>d = 2.
     * Patience: the prospect turn b c e ends at max(4000, 15000, 25000) = 25000; d starts 20000: -5000, no sample.
     * Customer story: b (2000..4000), c starts 6000 after it (>= 3000: a new run) 10000..15000 = 5000, e starts
     *   5000 after c: a new run 20000..25000 = 5000; the longest is c, the earlier of the tie.
     */
    @Test
    void shouldHandleFullyOverlappingAndSimultaneousUtterances() throws Exception {
        Result r = CallMetrics.compute(List.of(
                u("Rita", "rep", 0, 10000, "We cover the whole pipeline."),
                u("Paul", "prospect", 2000, 4000, "Right."),
                u("Paul", "prospect", 10000, 15000, "And the forecast?"),
                u("Rita", "rep", 20000, 25000, "Yes."),
                u("Paul", "prospect", 20000, 25000, "Great.")));
        assertEquals(15000.0 / 27000, r.talkRatio(), EPS);
        assertEquals(7000, r.overlapMs());
        assertEquals(20000, r.speechMs());
        assertEquals(List.of(new Silence(15000, 20000, 5000)), r.silences());
        assertEquals(1, r.interruptions());
        assertEquals(List.of(new InterruptionCount("Paul", "prospect", "Rita", "rep", 1)), r.interruptionsByPair());
        assertEquals(2, r.speakerSwitches());
        assertNull(r.patienceMs());
        assertEquals(new Span(10000, 15000, 5000, 1), r.longestCustomerStory());
        assertEquals(new Span(0, 10000, 10000, 1), r.longestRepMonologue());
        assertEquals(1, r.prospect().interruptionsMade());
        assertEquals(1, r.rep().interruptionsSuffered());
    }

    /*
     * Empty text: Rita 0..3000 "" has talk time and no words -> 0.0 words per minute, fillers per 100 words
     * undefined; Paul 3500..6000 "Hi." -> 1 word in 2500 ms = 24.0 per minute.
     */
    @Test
    void shouldCountEmptyTextAsTalkWithoutWords() throws Exception {
        Result r = CallMetrics.compute(List.of(
                u("Rita", "rep", 0, 3000, ""),
                u("Paul", "prospect", 3500, 6000, "Hi.")));
        Participant rita = r.participants().get(1);
        assertEquals(3000, rita.talkMs());
        assertEquals(0, rita.words());
        assertEquals(0.0, rita.wordsPerMinute(), EPS);
        assertNull(rita.fillersPer100Words());
        assertEquals(24.0, r.participants().get(0).wordsPerMinute(), EPS);
    }

    @Test
    void shouldRefuseToMeasureAnInvalidTranscript() {
        assertThrows(InvalidTranscriptException.class, () -> CallMetrics.compute(List.of()));
        InvalidTranscriptException e = assertThrows(InvalidTranscriptException.class,
                () -> CallMetrics.compute(List.of(u("Rita", "rep", 2000, 1000, "Hi."))));
        assertEquals(List.of("utterance 0: negative duration: endMs 1000 is before startMs 2000"), e.errors());
    }

    @Test
    void shouldSerialiseTheResultAsPlainJson() throws Exception {
        Result r = CallMetrics.compute(referenceCall());
        ObjectMapper json = new ObjectMapper();
        String text = json.writeValueAsString(r);
        assertTrue(text.contains("\"talkRatio\":0.6307692307692307"), text);
        assertTrue(!text.contains("NaN"), text);
        assertEquals(r, json.readValue(text, Result.class));
        String empty = json.writeValueAsString(CallMetrics.compute(List.of(u("Omar", "other", 0, 0, ""))));
        assertTrue(empty.contains("\"talkRatio\":null"), empty);
    }

    /*
     * Property: the metrics of a transcript do not depend on the order its utterances arrive in. Random calls
     * (with ties in start times, zero-length and overlapping utterances, several speakers per side) are measured
     * as generated, reversed and shuffled; the results must be equal. Plus invariants that hold for any call.
     */
    @Test
    void shouldGiveTheSameMetricsWhateverOrderTheUtterancesArriveIn() throws Exception {
        Random random = new Random(20260601L);
        String[][] people = {{"Rita", "rep"}, {"Sam", "rep"}, {"Paul", "prospect"}, {"Pia", "prospect"},
                {"Omar", "other"}};
        String[] texts = {"", "Um, what does it cost?", "Like, we tried that. It broke, you know.",
                "I mean, sort of.", "What kind of tool is it?", "Great.", "Can you share the deck? Sure!",
                "We rebuild the forecast every week by hand."};
        for (int call = 0; call < 300; call++) {
            int n = 1 + random.nextInt(40);
            List<Utterance> utterances = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                String[] who = people[random.nextInt(people.length)];
                long start = 250L * random.nextInt(480);
                long length = random.nextInt(10) == 0 ? 0 : 250L * random.nextInt(60);
                utterances.add(u(who[0], who[1], start, start + length, texts[random.nextInt(texts.length)]));
            }
            Result expected = CallMetrics.compute(utterances);
            List<Utterance> reversed = new ArrayList<>(utterances);
            Collections.reverse(reversed);
            assertEquals(expected, CallMetrics.compute(reversed), "reversed, call " + call);
            for (int k = 0; k < 3; k++) {
                List<Utterance> shuffled = new ArrayList<>(utterances);
                Collections.shuffle(shuffled, random);
                assertEquals(expected, CallMetrics.compute(shuffled), "shuffled, call " + call);
            }

            assertTrue(expected.speechMs() <= expected.durationMs());
            assertTrue(expected.overlapMs() <= expected.speechMs());
            assertTrue(expected.silenceMs() <= expected.durationMs() - expected.speechMs());
            if (expected.talkRatio() != null) {
                assertTrue(expected.talkRatio() >= 0 && expected.talkRatio() <= 1);
            }
            int turns = 0;
            int made = 0;
            int suffered = 0;
            double shares = 0;
            for (Participant p : expected.participants()) {
                turns += p.turns();
                made += p.interruptionsMade();
                suffered += p.interruptionsSuffered();
                shares += p.talkShare() == null ? 0 : p.talkShare();
            }
            assertEquals(expected.speakerSwitches() + 1, turns);
            assertEquals(expected.interruptions(), made);
            assertEquals(expected.interruptions(), suffered);
            assertEquals(expected.interruptions(),
                    expected.interruptionsByPair().stream().mapToInt(InterruptionCount::count).sum());
            if (expected.participants().get(0).talkShare() != null) {
                assertEquals(1.0, shares, 1e-9);
            }
        }
    }
}
