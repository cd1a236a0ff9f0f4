package dev.closer.inference.tabular;

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
 *       of max(x, 0) when the transform says so; then (x − mean) / std, in double, cast to float at the end.</li>
 * </ul>
 */
public final class TabularEncoder {

    /** Raw values remembered per categorical feature; CRM values repeat, so most lookups skip normalising. */
    private static final int SEEN_LIMIT = 10_000;

    private final FeatureSpec spec;
    private final List<Map<String, Integer>> vocabularies;
    private final List<Map<String, Integer>> seen;

    public TabularEncoder(FeatureSpec spec) {
        this.spec = spec;
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

    /** Row-major encoded batch: {@code categorical[row * C + j]}, {@code numeric[row * K + j]}. */
    public record Batch(int rows, int categoricalWidth, int numericWidth, long[] categorical, float[] numeric) {
    }

    public FeatureSpec spec() {
        return spec;
    }

    public Batch encode(List<? extends Map<String, ?>> records) {
        int c = spec.categorical().size();
        int k = spec.numeric().size();
        long[] categorical = new long[records.size() * c];
        float[] numeric = new float[records.size() * k];
        for (int row = 0; row < records.size(); row++) {
            Map<String, ?> record = records.get(row);
            for (int j = 0; j < c; j++) {
                categorical[row * c + j] = categoryIndex(j, record.get(spec.categorical().get(j).name()));
            }
            for (int j = 0; j < k; j++) {
                FeatureSpec.Numeric feature = spec.numeric().get(j);
                numeric[row * k + j] = (float) standardise(feature, record.get(feature.name()));
            }
        }
        return new Batch(records.size(), c, k, categorical, numeric);
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
