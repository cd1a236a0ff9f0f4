package dev.closer.inference.tabular;

import dev.closer.inference.InferenceException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Turns raw records (field name to value, as they arrive from a CRM) into the model's input arrays, following
 * {@link FeatureSpec} exactly as {@code ml/leadscore/features.py} does:
 * <ul>
 *   <li>categorical: null or blank → 0; otherwise the stripped, lower-cased text's position in the vocabulary
 *       plus one, or 0 when it is not in the vocabulary;</li>
 *   <li>numeric: null, blank or NaN → {@code impute}; booleans → 1/0; strings are parsed; then {@code log1p}
 *       of max(x, 0) when the transform says so; then (x − mean) / std, in double, cast to float at the end;</li>
 *   <li>sequence (when the spec has one): the record's activities that happened at or before its as-of time,
 *       oldest first (ties keep their order), the newest {@code max_length} of them, right-aligned in a row of
 *       that length; padding is token 0 and time 0. An activity's token is {@code type:detail} when that is in
 *       the vocabulary, else {@code type} when that is, else 1 (unknown); the i-th vocabulary entry is i + 2.
 *       Its time is (log1p(hours before as-of) − mean) / std.</li>
 * </ul>
 */
public final class TabularEncoder {

    /** Raw values remembered per categorical feature; CRM values repeat, so most lookups skip normalising. */
    private static final int SEEN_LIMIT = 10_000;

    private final FeatureSpec spec;
    private final List<Map<String, Integer>> vocabularies;
    private final List<Map<String, Integer>> seen;
    private final Map<String, Long> tokens;

    /** Sequence token of padding positions, and of activities whose type the vocabulary does not know. */
    public static final long PADDING_TOKEN = 0;
    public static final long UNKNOWN_TOKEN = 1;

    public TabularEncoder(FeatureSpec spec) {
        this.spec = spec;
        this.tokens = new HashMap<>();
        if (spec.hasSequence()) {
            List<String> vocabulary = spec.sequence().vocabulary();
            for (int i = 0; i < vocabulary.size(); i++) {
                tokens.putIfAbsent(normalise(vocabulary.get(i)), i + 2L);
            }
        }
        this.vocabularies = spec.categorical().stream().map(TabularEncoder::indexOf).toList();
        this.seen = spec.categorical().stream().<Map<String, Integer>>map(c -> new ConcurrentHashMap<>()).toList();
    }

    private static Map<String, Integer> indexOf(FeatureSpec.Categorical feature) {
        Map<String, Integer> index = new HashMap<>();
        for (int i = 0; i < feature.vocabulary().size(); i++) {
            index.putIfAbsent(normalise(feature.vocabulary().get(i)), i + 1);
        }
        return index;
    }

    /**
     * Row-major encoded batch: {@code categorical[row * C + j]}, {@code numeric[row * K + j]}, and when the model
     * reads a sequence {@code tokens[row * L + t]}, {@code times[row * L + t]} (L = {@code sequenceLength}, 0 when
     * it reads none).
     */
    public record Batch(int rows, int categoricalWidth, int numericWidth, long[] categorical, float[] numeric,
                        int sequenceLength, long[] tokens, float[] times, int textWidth, float[] text) {

        public Batch(int rows, int categoricalWidth, int numericWidth, long[] categorical, float[] numeric) {
            this(rows, categoricalWidth, numericWidth, categorical, numeric, 0, new long[0], new float[0]);
        }

        public Batch(int rows, int categoricalWidth, int numericWidth, long[] categorical, float[] numeric,
                     int sequenceLength, long[] tokens, float[] times) {
            this(rows, categoricalWidth, numericWidth, categorical, numeric, sequenceLength, tokens, times, 0,
                    new float[0]);
        }

        /**
         * This batch with each row's text vector ({@code text[row * D + d]}, D = {@code textWidth}), for models whose
         * spec has a {@link FeatureSpec.Text} input.
         */
        public Batch withText(float[][] vectors) {
            if (vectors.length != rows) {
                throw new InferenceException(vectors.length + " text vectors for " + rows + " rows");
            }
            int width = rows == 0 ? 0 : vectors[0].length;
            float[] flat = new float[rows * width];
            for (int row = 0; row < rows; row++) {
                if (vectors[row].length != width) {
                    throw new InferenceException("text vectors of different lengths: " + vectors[row].length
                            + " and " + width);
                }
                System.arraycopy(vectors[row], 0, flat, row * width, width);
            }
            return new Batch(rows, categoricalWidth, numericWidth, categorical, numeric, sequenceLength, tokens, times,
                    width, flat);
        }
    }

    /** One activity as the model sees it: its token index and how many hours before the as-of time it happened. */
    public record Event(long token, double hours) {
    }

    public FeatureSpec spec() {
        return spec;
    }

    public Batch encode(List<? extends Map<String, ?>> records) {
        return encode(records, spec.hasSequence() ? records.stream().map(this::events).toList() : null);
    }

    /** As {@link #encode(List)}, with each record's {@link #events} already worked out (null: no sequence). */
    public Batch encode(List<? extends Map<String, ?>> records, List<List<Event>> events) {
        int c = spec.categorical().size();
        int k = spec.numeric().size();
        int n = records.size();
        long[] categorical = new long[n * c];
        float[] numeric = new float[n * k];
        for (int row = 0; row < n; row++) {
            Map<String, ?> record = records.get(row);
            for (int j = 0; j < c; j++) {
                categorical[row * c + j] = categoryIndex(j, record.get(spec.categorical().get(j).name()));
            }
            for (int j = 0; j < k; j++) {
                FeatureSpec.Numeric feature = spec.numeric().get(j);
                numeric[row * k + j] = (float) standardise(feature, record.get(feature.name()));
            }
        }
        if (!spec.hasSequence()) {
            return new Batch(n, c, k, categorical, numeric);
        }
        int length = spec.sequence().maxLength();
        long[] tokens = new long[n * length];
        float[] times = new float[n * length];
        for (int row = 0; row < n; row++) {
            writeSequence(events.get(row), -1, tokens, times, row);
        }
        return new Batch(n, c, k, categorical, numeric, length, tokens, times);
    }

    /**
     * The record's activities up to its as-of time as the model sees them, oldest first, not yet cut to
     * {@code max_length}; empty when the spec has no sequence.
     */
    public List<Event> events(Map<String, ?> record) {
        if (!spec.hasSequence()) {
            return List.of();
        }
        FeatureSpec.Sequence sequence = spec.sequence();
        Object asOfValue = record.get(sequence.asOfField());
        Instant asOf = asOfValue == null ? Instant.now() : Times.instant(sequence.asOfField(), asOfValue);
        if (!(record.get(sequence.field()) instanceof List<?> activities) || activities.isEmpty()) {
            return List.of();
        }
        record Timed(Instant at, long token) {
        }
        List<Timed> timed = new ArrayList<>(activities.size());
        for (Object a : activities) {
            if (!(a instanceof Map<?, ?> activity)) {
                throw new IllegalArgumentException(sequence.field() + " must be a list of objects, got " + a);
            }
            Object at = activity.get("occurredAt");
            if (at == null) {
                throw new IllegalArgumentException(sequence.field() + ": an activity has no occurredAt");
            }
            Instant when = Times.instant(sequence.field() + ".occurredAt", at);
            if (!when.isAfter(asOf)) {
                timed.add(new Timed(when, token(activity.get("type"), activity.get("properties"))));
            }
        }
        timed.sort(Comparator.comparing(Timed::at)); // stable: ties keep their order
        List<Event> events = new ArrayList<>(timed.size());
        for (Timed t : timed) {
            long micros = Duration.between(t.at(), asOf).toNanos() / 1_000;
            events.add(new Event(t.token(), micros / 1e6 / 3600.0));
        }
        return events;
    }

    /**
     * Writes the newest {@code max_length} of {@code events}, leaving out those with token {@code without} (-1
     * keeps all), right-aligned into row {@code row} of {@code tokens} and {@code times}.
     */
    public void writeSequence(List<Event> events, long without, long[] tokens, float[] times, int row) {
        FeatureSpec.Sequence sequence = spec.sequence();
        int length = sequence.maxLength();
        int base = row * length;
        java.util.Arrays.fill(tokens, base, base + length, 0L);
        java.util.Arrays.fill(times, base, base + length, 0f);
        int slot = base + length - 1;
        for (int i = events.size() - 1; i >= 0 && slot >= base; i--) {
            Event e = events.get(i);
            if (e.token() == without) {
                continue;
            }
            tokens[slot] = e.token();
            times[slot] = (float) ((log1p(e.hours()) - sequence.time().mean()) / sequence.time().std());
            slot--;
        }
    }

    /** The token index of an activity: {@code type:detail}, else {@code type}, else 1 (unknown). */
    public long token(Object type, Object properties) {
        if (type == null) {
            return UNKNOWN_TOKEN;
        }
        String t = normalise(type.toString());
        String property = spec.sequence().detail().get(t);
        if (property != null && properties instanceof Map<?, ?> props && props.get(property) != null) {
            String d = normalise(props.get(property).toString());
            if (!d.isEmpty()) {
                Long index = tokens.get(t + ":" + d);
                if (index != null) {
                    return index;
                }
            }
        }
        return tokens.getOrDefault(t, UNKNOWN_TOKEN);
    }

    /** The vocabulary entry of a token index, or null for padding and unknown. */
    public String tokenName(long token) {
        return token < 2 || token - 2 >= spec.sequence().vocabulary().size() ? null
                : spec.sequence().vocabulary().get((int) token - 2);
    }


    long categoryIndex(int feature, Object value) {
        if (value == null) {
            return 0;
        }
        String raw = value.toString();
        Map<String, Integer> known = seen.get(feature);
        Integer index = known.get(raw);
        if (index == null) {
            String text = normalise(raw);
            index = text.isEmpty() ? 0 : vocabularies.get(feature).getOrDefault(text, 0);
            if (known.size() < SEEN_LIMIT) {
                known.put(raw, index);
            }
        }
        return index;
    }

    static double standardise(FeatureSpec.Numeric feature, Object value) {
        double x = raw(feature, value);
        if ("log1p".equals(feature.transform())) {
            x = log1p(Math.max(x, 0.0));
        }
        return (x - feature.mean()) / feature.std();
    }

    /**
     * log(1 + x) for x ≥ 0. {@link Math#log1p} is a slow software routine; {@link Math#log} is an intrinsic, and
     * from 1e-3 up its rounding error (below 1e-13) vanishes in the float the model reads. Below that, log1p.
     */
    static double log1p(double x) {
        return x < 1e-3 ? Math.log1p(x) : Math.log(1.0 + x);
    }

    private static double raw(FeatureSpec.Numeric feature, Object value) {
        double x;
        if (value == null) {
            return feature.impute();
        } else if (value instanceof Boolean b) {
            x = b ? 1.0 : 0.0;
        } else if (value instanceof Number n) {
            x = n.doubleValue();
        } else {
            String text = value.toString().strip();
            if (text.isEmpty()) {
                return feature.impute();
            }
            try {
                x = Double.parseDouble(text);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(
                        "Feature " + feature.name() + " needs a number, got '" + text + "'", e);
            }
        }
        return Double.isNaN(x) ? feature.impute() : x;
    }

    private static String normalise(String value) {
        return value.strip().toLowerCase(Locale.ROOT);
    }
}
