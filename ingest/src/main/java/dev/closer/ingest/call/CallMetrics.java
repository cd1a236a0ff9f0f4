package dev.closer.ingest.call;

import dev.closer.ingest.data.CallTranscribedData.Utterance;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Conversation metrics of one call, computed from its utterances alone: deterministic, no I/O, no model. The
 * definitions, with formulas, edge cases and published reference values, are in docs/call-metrics.md; in short:
 *
 * <ul>
 *   <li>Times: the call runs from the first utterance's start to the last one's end ({@code durationMs}). Talk
 *       time of a speaker, a side (role) or everyone is the length of the union of their utterances, so
 *       overlapping speech of one speaker or one side counts once. Zero-length utterances take no time.</li>
 *   <li>Talk ratio = rep talk / (rep talk + prospect talk). When rep and prospect overlap, that time counts for
 *       both; {@code other} participants count for neither.</li>
 *   <li>Longest rep monologue / longest customer story: the longest run of rep (prospect) utterances, in time
 *       order, with no utterance of the other side between them and no pause of {@link Settings#monologueMaxGapMs}
 *       or more inside; {@code other} utterances neither break nor extend a run. Length = last end - first
 *       start.</li>
 *   <li>Interactivity = speaker switches (consecutive utterances, in time order, by different speakers) per
 *       minute of call.</li>
 *   <li>Patience = mean of the positive gaps between the end of a prospect turn (consecutive prospect
 *       utterances, {@code other} skipped) and the start of the rep utterance that follows it. A rep who starts
 *       before the prospect finished interrupted, and a rep who starts exactly on time latched: neither is a
 *       sample.</li>
 *   <li>Interruption: an utterance that starts strictly after, and before the end of, an utterance of another
 *       speaker, overlapping it by more than 0 ms and at least {@link Settings#interruptionMinOverlapMs}. Counted
 *       once per (utterance, interrupted speaker).</li>
 *   <li>Silence: a gap of at least {@link Settings#silenceMinMs} between stretches of speech, when nobody
 *       speaks.</li>
 *   <li>Words, questions and fillers: {@link CallText}; per minute of the speaker's (side's) own talk time.</li>
 * </ul>
 *
 * <p>A value that is undefined (a rate over zero time, a ratio over zero talk, a mean of no samples) is
 * {@code null}, never NaN, so results serialise as plain JSON.
 */
public final class CallMetrics {

    /**
     * Thresholds.
     *
     * @param silenceMinMs             a gap where nobody speaks is a silence from this length on (default 3 s)
     * @param monologueMaxGapMs        a pause of this length or more inside one side's speech ends a monologue
     *                                 or customer story (default 3 s, the silence threshold: a silence ends it)
     * @param interruptionMinOverlapMs an overlap shorter than this is not an interruption (default 0: any overlap;
     *                                 raise it, e.g. to 300 ms, for transcripts whose timings jitter)
     */
    public record Settings(long silenceMinMs, long monologueMaxGapMs, long interruptionMinOverlapMs) {

        public static final Settings DEFAULTS = new Settings(3_000, 3_000, 0);

        public Settings {
            if (silenceMinMs < 0 || monologueMaxGapMs < 0 || interruptionMinOverlapMs < 0) {
                throw new IllegalArgumentException("call metric thresholds must not be negative");
            }
        }
    }

    /** A stretch of one side's (or one speaker's) speech. */
    public record Span(long startMs, long endMs, long durationMs, int utterances) {
    }

    /** A gap where nobody speaks. */
    public record Silence(long startMs, long endMs, long durationMs) {
    }

    /** How often one speaker interrupted another. */
    public record InterruptionCount(String interrupter, String interrupterRole, String interrupted,
                                    String interruptedRole, int count) {
    }

    /** One side of the call: everyone with one role. */
    public record Side(String role, int speakers, long talkMs, int words, Double wordsPerMinute, int questions,
                       int fillers, Double fillersPerMinute, Double fillersPer100Words, int interruptionsMade,
                       int interruptionsSuffered) {
    }

    /** One participant. {@code talkShare} = this speaker's talk / the sum of all speakers' talk. */
    public record Participant(String speaker, String role, int utterances, int turns, long talkMs,
                              Double talkShare, Span longestMonologue, int words, Double wordsPerMinute,
                              int questions, int fillers, Double fillersPerMinute, Double fillersPer100Words,
                              Map<String, Integer> fillerWords, int interruptionsMade, int interruptionsSuffered) {
    }

    /** The metrics of one call. Lists are in a fixed order (participants and pairs by name, silences by time). */
    public record Result(long startMs, long endMs, long durationMs, int utterances, int speakers, long speechMs,
                         long overlapMs, Double talkRatio, Side rep, Side prospect, Side other,
                         Span longestRepMonologue, Span longestCustomerStory, int speakerSwitches,
                         Double switchesPerMinute, Double patienceMs, int patienceSamples, int interruptions,
                         List<InterruptionCount> interruptionsByPair, List<Silence> silences, long silenceMs,
                         List<Participant> participants, Settings settings) {
    }

    private CallMetrics() {
    }

    public static Result compute(List<Utterance> utterances) throws InvalidTranscriptException {
        return compute(utterances, Settings.DEFAULTS);
    }

    /**
     * Validates the utterances ({@link CallTranscripts#validate}: any order, overlaps allowed) and measures them.
     *
     * @throws InvalidTranscriptException when the transcript is empty or an utterance is invalid
     */
    public static Result compute(List<Utterance> utterances, Settings settings) throws InvalidTranscriptException {
        return measure(CallTranscripts.validate(utterances), settings);
    }

    /**
     * Measures utterances that {@link CallTranscripts#validate} already returned (validated, in its order), for a
     * caller that needs the sorted list too and should not validate twice.
     */
    public static Result measure(List<Utterance> u, Settings settings) {
        int n = u.size();
        long start = u.get(0).startMs();
        long end = 0;
        for (Utterance x : u) {
            end = Math.max(end, x.endMs());
        }
        long duration = end - start;

        Map<String, Speaker> speakers = new TreeMap<>();
        for (Utterance x : u) {
            Speaker s = speakers.computeIfAbsent(x.speaker(), k -> new Speaker(k, x.role()));
            s.utterances++;
            CallText.Counts c = CallText.analyse(x.text());
            s.words += c.words();
            s.questions += c.questions();
            s.fillers += c.fillers();
            c.fillerWords().forEach((w, k) -> s.fillerWords.merge(w, k, Integer::sum));
        }

        // Time: per speaker, per side, everyone.
        List<long[]> all = new ArrayList<>();
        Map<String, List<long[]>> byRole = new LinkedHashMap<>();
        for (String role : List.of("rep", "prospect", "other")) {
            byRole.put(role, new ArrayList<>());
        }
        Map<String, List<long[]>> bySpeaker = new TreeMap<>();
        for (Utterance x : u) {
            if (x.endMs() > x.startMs()) {
                long[] iv = {x.startMs(), x.endMs()};
                all.add(iv);
                byRole.get(x.role()).add(iv);
                bySpeaker.computeIfAbsent(x.speaker(), k -> new ArrayList<>()).add(iv);
            }
        }
        List<long[]> speech = union(all);
        long speechMs = length(speech);
        List<long[]> merged = new ArrayList<>();
        for (Map.Entry<String, List<long[]>> e : bySpeaker.entrySet()) {
            List<long[]> own = union(e.getValue());
            speakers.get(e.getKey()).talkMs = length(own);
            merged.addAll(own);
        }
        long overlapMs = timeWithAtLeastTwo(merged);
        long repTalk = length(union(byRole.get("rep")));
        long prospectTalk = length(union(byRole.get("prospect")));
        long otherTalk = length(union(byRole.get("other")));

        List<Silence> silences = new ArrayList<>();
        long silenceMs = 0;
        for (int i = 1; i < speech.size(); i++) {
            long gap = speech.get(i)[0] - speech.get(i - 1)[1];
            if (gap >= settings.silenceMinMs()) {
                silences.add(new Silence(speech.get(i - 1)[1], speech.get(i)[0], gap));
                silenceMs += gap;
            }
        }

        // Turns and switches, per-speaker monologues.
        int switches = 0;
        RunTracker ownRun = null;
        for (int i = 0; i < n; i++) {
            Utterance x = u.get(i);
            Speaker s = speakers.get(x.speaker());
            boolean sameSpeaker = i > 0 && u.get(i - 1).speaker().equals(x.speaker());
            if (!sameSpeaker) {
                if (i > 0) {
                    switches++;
                }
                s.turns++;
            }
            if (ownRun != null && sameSpeaker && x.startMs() - ownRun.end < settings.monologueMaxGapMs()) {
                ownRun.add(x);
            } else {
                if (ownRun != null) {
                    speakers.get(u.get(i - 1).speaker()).offer(ownRun.span());
                }
                ownRun = new RunTracker(x);
            }
        }
        speakers.get(u.get(n - 1).speaker()).offer(ownRun.span());

        Span longestRep = longestRun(u, "rep", settings);
        Span longestStory = longestRun(u, "prospect", settings);

        // Patience: positive gaps from the end of a prospect turn to the next rep utterance.
        long patienceSum = 0;
        int patienceSamples = 0;
        String lastRole = null;
        long prospectTurnEnd = 0;
        for (Utterance x : u) {
            switch (x.role()) {
                case "prospect" -> {
                    prospectTurnEnd = "prospect".equals(lastRole) ? Math.max(prospectTurnEnd, x.endMs()) : x.endMs();
                    lastRole = "prospect";
                }
                case "rep" -> {
                    if ("prospect".equals(lastRole)) {
                        long gap = x.startMs() - prospectTurnEnd;
                        if (gap > 0) {
                            patienceSum += gap;
                            patienceSamples++;
                        }
                    }
                    lastRole = "rep";
                }
                default -> {
                    // other: skipped
                }
            }
        }

        // Interruptions.
        Map<String, Map<String, Integer>> pairs = new TreeMap<>();
        int interruptions = 0;
        List<Utterance> active = new ArrayList<>();
        for (Utterance x : u) {
            active.removeIf(a -> a.endMs() <= x.startMs());
            List<String> interrupted = new ArrayList<>();
            for (Utterance a : active) {
                long overlap = Math.min(a.endMs(), x.endMs()) - x.startMs();
                if (!a.speaker().equals(x.speaker()) && a.startMs() < x.startMs() && overlap > 0
                        && overlap >= settings.interruptionMinOverlapMs() && !interrupted.contains(a.speaker())) {
                    interrupted.add(a.speaker());
                }
            }
            for (String victim : interrupted) {
                interruptions++;
                pairs.computeIfAbsent(x.speaker(), k -> new TreeMap<>()).merge(victim, 1, Integer::sum);
                speakers.get(x.speaker()).interruptionsMade++;
                speakers.get(victim).interruptionsSuffered++;
            }
            if (x.endMs() > x.startMs()) {
                active.add(x);
            }
        }
        List<InterruptionCount> byPair = new ArrayList<>();
        pairs.forEach((who, victims) -> victims.forEach((whom, count) -> byPair.add(new InterruptionCount(
                who, speakers.get(who).role, whom, speakers.get(whom).role, count))));

        long talkSum = 0;
        for (Speaker s : speakers.values()) {
            talkSum += s.talkMs;
        }
        List<Participant> participants = new ArrayList<>();
        for (Speaker s : speakers.values()) {
            participants.add(new Participant(s.name, s.role, s.utterances, s.turns, s.talkMs,
                    ratio(s.talkMs, talkSum), s.longest, s.words, perMinute(s.words, s.talkMs), s.questions,
                    s.fillers, perMinute(s.fillers, s.talkMs), per100(s.fillers, s.words),
                    Collections.unmodifiableMap(new TreeMap<>(s.fillerWords)), s.interruptionsMade,
                    s.interruptionsSuffered));
        }

        return new Result(start, end, duration, n, speakers.size(), speechMs, overlapMs,
                ratio(repTalk, repTalk + prospectTalk),
                side("rep", repTalk, speakers), side("prospect", prospectTalk, speakers),
                side("other", otherTalk, speakers), longestRep, longestStory, switches,
                perMinute(switches, duration), patienceSamples == 0 ? null : (double) patienceSum / patienceSamples,
                patienceSamples, interruptions, List.copyOf(byPair), List.copyOf(silences), silenceMs,
                List.copyOf(participants), settings);
    }

    /**
     * The longest run of {@code role}'s utterances in time order: a run ends at an utterance of the other side
     * (rep vs prospect) or at a pause of {@code monologueMaxGapMs} or more after the run's latest end; {@code other}
     * utterances are skipped. Ties go to the earliest run. Null when the side never speaks.
     */
    private static Span longestRun(List<Utterance> u, String role, Settings settings) {
        Span best = null;
        RunTracker run = null;
        for (Utterance x : u) {
            if (x.role().equals("other")) {
                continue;
            }
            if (!x.role().equals(role)) {
                best = better(best, run);
                run = null;
            } else if (run != null && x.startMs() - run.end < settings.monologueMaxGapMs()) {
                run.add(x);
            } else {
                best = better(best, run);
                run = new RunTracker(x);
            }
        }
        return better(best, run);
    }

    private static Span better(Span best, RunTracker run) {
        if (run == null) {
            return best;
        }
        Span s = run.span();
        return best == null || s.durationMs() > best.durationMs() ? s : best;
    }

    private static Side side(String role, long talkMs, Map<String, Speaker> speakers) {
        int count = 0;
        int words = 0;
        int questions = 0;
        int fillers = 0;
        int made = 0;
        int suffered = 0;
        for (Speaker s : speakers.values()) {
            if (s.role.equals(role)) {
                count++;
                words += s.words;
                questions += s.questions;
                fillers += s.fillers;
                made += s.interruptionsMade;
                suffered += s.interruptionsSuffered;
            }
        }
        return new Side(role, count, talkMs, words, perMinute(words, talkMs), questions, fillers,
                perMinute(fillers, talkMs), per100(fillers, words), made, suffered);
    }

    /** Sorted, disjoint intervals covering the same time; touching intervals merge. */
    static List<long[]> union(List<long[]> intervals) {
        List<long[]> sorted = new ArrayList<>(intervals);
        sorted.sort(Comparator.comparingLong((long[] iv) -> iv[0]).thenComparingLong(iv -> iv[1]));
        List<long[]> out = new ArrayList<>();
        for (long[] iv : sorted) {
            long[] last = out.isEmpty() ? null : out.get(out.size() - 1);
            if (last != null && iv[0] <= last[1]) {
                last[1] = Math.max(last[1], iv[1]);
            } else {
                out.add(new long[] {iv[0], iv[1]});
            }
        }
        return out;
    }

    private static long length(List<long[]> disjoint) {
        long sum = 0;
        for (long[] iv : disjoint) {
            sum += iv[1] - iv[0];
        }
        return sum;
    }

    /** Time during which two or more of the given intervals (each speaker's own, already merged) overlap. */
    private static long timeWithAtLeastTwo(List<long[]> intervals) {
        List<long[]> events = new ArrayList<>();
        for (long[] iv : intervals) {
            events.add(new long[] {iv[0], +1});
            events.add(new long[] {iv[1], -1});
        }
        // At one instant, ends before starts: touching intervals do not overlap.
        events.sort(Comparator.comparingLong((long[] e) -> e[0]).thenComparingLong(e -> e[1]));
        long total = 0;
        int depth = 0;
        long since = 0;
        for (long[] e : events) {
            if (depth >= 2) {
                total += e[0] - since;
            }
            depth += (int) e[1];
            since = e[0];
        }
        return total;
    }

    private static Double ratio(long part, long whole) {
        return whole == 0 ? null : (double) part / whole;
    }

    private static Double perMinute(long count, long ms) {
        return ms == 0 ? null : count * 60_000.0 / ms;
    }

    private static Double per100(long count, long words) {
        return words == 0 ? null : count * 100.0 / words;
    }

    /** A run of utterances: first start, latest end, count. */
    private static final class RunTracker {
        final long start;
        long end;
        int count;

        RunTracker(Utterance first) {
            this.start = first.startMs();
            this.end = first.endMs();
            this.count = 1;
        }

        void add(Utterance x) {
            end = Math.max(end, x.endMs());
            count++;
        }

        Span span() {
            return new Span(start, end, end - start, count);
        }
    }

    private static final class Speaker {
        final String name;
        final String role;
        final Map<String, Integer> fillerWords = new TreeMap<>();
        int utterances;
        int turns;
        long talkMs;
        int words;
        int questions;
        int fillers;
        int interruptionsMade;
        int interruptionsSuffered;
        Span longest;

        Speaker(String name, String role) {
            this.name = name;
            this.role = role;
        }

        void offer(Span run) {
            if (longest == null || run.durationMs() > longest.durationMs()) {
                longest = run;
            }
        }
    }
}
