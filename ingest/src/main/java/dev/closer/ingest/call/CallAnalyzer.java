package dev.closer.ingest.call;

import dev.closer.ingest.data.CallTranscribedData.Utterance;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The analysis of one call, apart from storage: {@link CallMetrics}, the tone of every utterance that has words (one
 * batched encoder call for all of them, then the tone head on the vectors), a smoothed tone curve per side, the
 * prospect's tone trend, and the trackers that fired. The models come in as two functions, so this class needs no
 * model runtime and the app, a CLI or a benchmark can give it the real encoder and head.
 *
 * <p>Trackers: a {@code keyword} tracker fires on an utterance that contains any of its phrases as whole words,
 * case-insensitively ({@code "price"} matches "Price?" and "the price," but not "priceless"); a {@code semantic}
 * tracker fires on an utterance whose vector has cosine similarity at or above the tracker's threshold to the vector
 * of any of its examples. Examples are embedded once per analyser and cached. At most one hit per (tracker,
 * utterance): the first phrase that matches, or the most similar example.
 *
 * <p>Thread-safe: analyses may run concurrently on one instance.
 */
public final class CallAnalyzer {

    /** Points in each side's smoothed tone curve (fewer when the side speaks in fewer windows). */
    public static final int CURVE_POINTS = 20;
    /** Characters of an utterance's text kept in a tracker hit. */
    public static final int EXCERPT_CHARS = 200;

    /** Texts to unit-length sentence vectors, row {@code i} for text {@code i} (the sentence encoder). */
    @FunctionalInterface
    public interface Embedder {
        float[][] embedAll(List<String> texts);
    }

    /**
     * Vectors to their tone, element {@code i} for vector {@code i}: the tone head's band label and its probability
     * that the text is positive (the band rule is the head's: inference's {@code TextClassifier.tones}).
     */
    @FunctionalInterface
    public interface ToneHead {
        Tone[] tones(float[][] vectors);
    }

    /** One text's tone: negative, neutral or positive, and p(positive). */
    public record Tone(String label, double positive) {
    }

    /** A tracker as configured (call_trackers). */
    public record Tracker(long id, String name, String kind, List<String> phrases, List<String> examples,
                          double threshold) {
        public static final String KEYWORD = "keyword";
        public static final String SEMANTIC = "semantic";

        public Tracker {
            phrases = phrases == null ? List.of() : List.copyOf(phrases);
            examples = examples == null ? List.of() : List.copyOf(examples);
        }
    }

    /** One utterance's tone; index is its position in time order ({@link Result#utterances()}). */
    public record UtteranceTone(int index, long startMs, String speaker, String role, String label, double positive) {
    }

    /** A window of a side's smoothed tone: the mean p(positive) of its utterances that start in the window. */
    public record CurvePoint(long startMs, long endMs, double positive, int utterances) {
    }

    /** Every utterance's tone (those with words), and the smoothed curve of each side. */
    public record ToneCurve(List<UtteranceTone> utterances, List<CurvePoint> prospect, List<CurvePoint> rep) {
    }

    /** A tracker that fired. similarity: the cosine similarity (semantic), null for keyword; match: the phrase. */
    public record TrackerHit(String tracker, String kind, int index, long startMs, String speaker, String text,
                             String match, Double similarity) {
    }

    /**
     * The analysis. utterances: validated and in time order (the indexes of tone and hits refer to it).
     * prospectToneTrend: the least-squares slope of the prospect's p(positive) against minutes into the call, per
     * minute; null with fewer than two prospect utterances at distinct times.
     */
    public record Result(List<Utterance> utterances, CallMetrics.Result metrics, ToneCurve tone,
                         Double prospectToneTrend, List<TrackerHit> trackerHits) {
    }

    private final Embedder embedder;
    private final ToneHead toneHead;
    private final CallMetrics.Settings settings;
    private final Map<String, float[]> exampleVectors = new ConcurrentHashMap<>();
    private final Map<List<String>, Pattern> keywordPatterns = new ConcurrentHashMap<>();

    public CallAnalyzer(Embedder embedder, ToneHead toneHead, CallMetrics.Settings settings) {
        this.embedder = Objects.requireNonNull(embedder);
        this.toneHead = Objects.requireNonNull(toneHead);
        this.settings = Objects.requireNonNull(settings);
    }

    /**
     * Analyses one call.
     *
     * @throws InvalidTranscriptException when the utterances do not pass {@link CallTranscripts#validate}
     */
    public Result analyse(List<Utterance> utterances, List<Tracker> trackers) throws InvalidTranscriptException {
        List<Utterance> sorted = CallTranscripts.validate(utterances);
        CallMetrics.Result metrics = CallMetrics.measure(sorted, settings);

        // One encoder call for every utterance with words.
        List<Integer> withText = new ArrayList<>();
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < sorted.size(); i++) {
            String t = sorted.get(i).text().strip();
            if (!t.isEmpty()) {
                withText.add(i);
                texts.add(t);
            }
        }
        float[][] vectors = texts.isEmpty() ? new float[0][] : embedder.embedAll(texts);
        Tone[] tone = texts.isEmpty() ? new Tone[0] : toneHead.tones(vectors);
        List<UtteranceTone> tones = new ArrayList<>(texts.size());
        for (int k = 0; k < withText.size(); k++) {
            Utterance u = sorted.get(withText.get(k));
            tones.add(new UtteranceTone(withText.get(k), u.startMs(), u.speaker(), u.role(), tone[k].label(),
                    tone[k].positive()));
        }
        long start = metrics.startMs();
        long end = metrics.endMs();
        ToneCurve curve = new ToneCurve(List.copyOf(tones), curve(tones, "prospect", start, end),
                curve(tones, "rep", start, end));

        List<TrackerHit> hits = new ArrayList<>();
        for (Tracker t : trackers) {
            if (Tracker.KEYWORD.equals(t.kind())) {
                keywordHits(t, sorted, hits);
            } else if (Tracker.SEMANTIC.equals(t.kind())) {
                semanticHits(t, sorted, withText, vectors, hits);
            }
        }
        hits.sort((a, b) -> a.index() != b.index() ? Integer.compare(a.index(), b.index())
                : a.tracker().equals(b.tracker()) ? a.kind().compareTo(b.kind()) : a.tracker().compareTo(b.tracker()));
        return new Result(sorted, metrics, curve, trend(tones, start), List.copyOf(hits));
    }

    private void keywordHits(Tracker t, List<Utterance> sorted, List<TrackerHit> hits) {
        if (t.phrases().isEmpty()) {
            return;
        }
        Pattern p = keywordPatterns.computeIfAbsent(t.phrases(), CallAnalyzer::keywordPattern);
        for (int i = 0; i < sorted.size(); i++) {
            Utterance u = sorted.get(i);
            Matcher m = p.matcher(u.text());
            if (m.find()) {
                hits.add(new TrackerHit(t.name(), t.kind(), i, u.startMs(), u.speaker(), excerpt(u.text()), m.group(),
                        null));
            }
        }
    }

    /**
     * Whole phrases, case-insensitive; runs of whitespace inside a phrase match any whitespace. Not
     * {@link CallFeaturesCommand#matches}: that one counts the call-win model's keyword features and must stay as the
     * model was trained (its own word splitting, {@code *} prefixes, every occurrence counted), while this one finds
     * the first hit of an admin-configured tracker in an utterance and may change with the trackers.
     */
    static Pattern keywordPattern(List<String> phrases) {
        String alternatives = phrases.stream().map(String::strip).filter(s -> !s.isEmpty())
                .sorted((a, b) -> Integer.compare(b.length(), a.length()))
                .map(s -> java.util.Arrays.stream(s.split("\\s+")).map(Pattern::quote)
                        .collect(Collectors.joining("\\s+")))
                .collect(Collectors.joining("|"));
        return Pattern.compile("(?<![\\p{L}\\p{N}])(?:" + alternatives + ")(?![\\p{L}\\p{N}])",
                Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE);
    }

    private void semanticHits(Tracker t, List<Utterance> sorted, List<Integer> withText, float[][] vectors,
                              List<TrackerHit> hits) {
        if (t.examples().isEmpty() || vectors.length == 0) {
            return;
        }
        float[][] examples = examples(t.examples());
        for (int k = 0; k < vectors.length; k++) {
            double best = -2;
            int bestExample = -1;
            for (int e = 0; e < examples.length; e++) {
                double s = dot(vectors[k], examples[e]);
                if (s > best) {
                    best = s;
                    bestExample = e;
                }
            }
            if (best >= t.threshold()) {
                Utterance u = sorted.get(withText.get(k));
                hits.add(new TrackerHit(t.name(), t.kind(), withText.get(k), u.startMs(), u.speaker(),
                        excerpt(u.text()), t.examples().get(bestExample), best));
            }
        }
    }

    /** The examples' vectors, embedding (in one call) those not seen before. */
    float[][] examples(List<String> examples) {
        List<String> missing = examples.stream().filter(e -> !exampleVectors.containsKey(e)).distinct().toList();
        if (!missing.isEmpty()) {
            float[][] v = embedder.embedAll(missing);
            for (int i = 0; i < missing.size(); i++) {
                exampleVectors.put(missing.get(i), v[i]);
            }
        }
        float[][] out = new float[examples.size()][];
        for (int i = 0; i < out.length; i++) {
            out[i] = exampleVectors.get(examples.get(i));
        }
        return out;
    }

    /** Cosine similarity of unit-length vectors. */
    public static double dot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    static List<CurvePoint> curve(List<UtteranceTone> tones, String role, long start, long end) {
        long span = Math.max(1, end - start);
        double[] sum = new double[CURVE_POINTS];
        int[] count = new int[CURVE_POINTS];
        for (UtteranceTone t : tones) {
            if (role.equals(t.role())) {
                int w = (int) Math.min(CURVE_POINTS - 1, (t.startMs() - start) * CURVE_POINTS / span);
                sum[w] += t.positive();
                count[w]++;
            }
        }
        List<CurvePoint> out = new ArrayList<>();
        for (int w = 0; w < CURVE_POINTS; w++) {
            if (count[w] > 0) {
                out.add(new CurvePoint(start + span * w / CURVE_POINTS, start + span * (w + 1) / CURVE_POINTS,
                        sum[w] / count[w], count[w]));
            }
        }
        return List.copyOf(out);
    }

    static Double trend(List<UtteranceTone> tones, long start) {
        double n = 0;
        double sx = 0;
        double sy = 0;
        double sxx = 0;
        double sxy = 0;
        for (UtteranceTone t : tones) {
            if ("prospect".equals(t.role())) {
                double x = (t.startMs() - start) / 60_000.0;
                n++;
                sx += x;
                sy += t.positive();
                sxx += x * x;
                sxy += x * t.positive();
            }
        }
        double var = n * sxx - sx * sx;
        if (n < 2 || var <= 1e-12) {
            return null;
        }
        return (n * sxy - sx * sy) / var;
    }

    private static String excerpt(String text) {
        String t = text.strip();
        return t.length() <= EXCERPT_CHARS ? t : t.substring(0, EXCERPT_CHARS - 1) + "…";
    }
}
