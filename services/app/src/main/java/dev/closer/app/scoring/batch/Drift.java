package dev.closer.app.scoring.batch;

import com.fasterxml.jackson.databind.JsonNode;
import dev.closer.inference.tabular.FeatureSpec;
import dev.closer.inference.tabular.TabularEncoder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Input and score drift of a served model: what the scored leads fed the model, binned as in the model's
 * {@code reference.json} (the training rows, written by {@code ml/leadscore/reference.py}), compared with it by the
 * population stability index, {@code PSI = Σ (a − e) · ln(a / e)} over the bins, with a and e the shares of the
 * scored and of the training rows in each bin (each floored at {@link #FLOOR} so an empty bin counts but does not
 * explode). Common reading: below 0.1 stable, 0.1–0.25 moderate shift, above 0.25 a major shift.
 */
public final class Drift {

    /** Smallest share a bin is given, in either distribution. */
    static final double FLOOR = 1e-4;
    static final String PROBABILITY = "probability";

    private Drift() {
    }

    /**
     * Counts per bin for every feature the reference knows and the model's probability, in the reference's bins.
     * Not thread-safe: one per chunk; the run sums the chunks' {@link #counts()} when it finishes.
     */
    public static final class Histograms {
        private final FeatureSpec spec;
        private final Map<String, double[]> edges = new LinkedHashMap<>();
        private final Map<String, long[]> counts = new LinkedHashMap<>();

        /** Empty histograms in the bins of {@code reference}; a feature absent from it is not counted. */
        public Histograms(FeatureSpec spec, JsonNode reference) {
            this.spec = spec;
            for (FeatureSpec.Categorical c : spec.categorical()) {
                JsonNode ref = reference.path("categorical").path(c.name());
                if (ref.isArray()) {
                    counts.put(c.name(), new long[ref.size()]);
                }
            }
            for (FeatureSpec.Numeric n : spec.numeric()) {
                JsonNode ref = reference.path("numeric").path(n.name());
                if (ref.isObject()) {
                    edges.put(n.name(), doubles(ref.path("edges")));
                    counts.put(n.name(), new long[ref.path("counts").size()]);
                }
            }
            JsonNode p = reference.path(PROBABILITY);
            if (p.isObject()) {
                edges.put(PROBABILITY, doubles(p.path("edges")));
                counts.put(PROBABILITY, new long[p.path("counts").size()]);
            }
        }

        /** Counts an encoded batch and the model's probabilities for it (before decay). */
        public void add(TabularEncoder.Batch batch, float[] probabilities) {
            int c = batch.categoricalWidth();
            int k = batch.numericWidth();
            for (int row = 0; row < batch.rows(); row++) {
                for (int j = 0; j < c; j++) {
                    long[] bins = counts.get(spec.categorical().get(j).name());
                    if (bins != null) {
                        bins[(int) Math.min(bins.length - 1, batch.categorical()[row * c + j])]++;
                    }
                }
                for (int j = 0; j < k; j++) {
                    String name = spec.numeric().get(j).name();
                    count(name, batch.numeric()[row * k + j]);
                }
                count(PROBABILITY, probabilities[row]);
            }
        }

        private void count(String name, double value) {
            long[] bins = counts.get(name);
            if (bins != null) {
                bins[Math.min(bins.length - 1, bin(edges.get(name), value))]++;
            }
        }

        public Map<String, long[]> counts() {
            return counts;
        }
    }

    /** A value's bin: how many edges are at or below it (as numpy's searchsorted(edges, v, side="right")). */
    static int bin(double[] edges, double value) {
        int low = 0;
        int high = edges.length;
        while (low < high) {
            int mid = (low + high) >>> 1;
            if (edges[mid] <= value) {
                low = mid + 1;
            } else {
                high = mid;
            }
        }
        return low;
    }

    /** PSI of {@code actual} against {@code expected} counts (same bins); NaN when either is empty. */
    public static double psi(long[] expected, long[] actual) {
        long e = 0;
        long a = 0;
        for (int i = 0; i < expected.length; i++) {
            e += expected[i];
            a += actual[i];
        }
        if (e == 0 || a == 0) {
            return Double.NaN;
        }
        double psi = 0;
        for (int i = 0; i < expected.length; i++) {
            double pe = Math.max(FLOOR, (double) expected[i] / e);
            double pa = Math.max(FLOOR, (double) actual[i] / a);
            psi += (pa - pe) * Math.log(pa / pe);
        }
        return psi;
    }

    /** One feature's (or the probability's) PSI against the training data. */
    public record FeatureDrift(String feature, double psi, boolean alert) {
    }

    /** The PSI of every histogram against the reference's counts, largest first. */
    public static List<FeatureDrift> compare(JsonNode reference, Map<String, long[]> actual, double alertAt) {
        List<FeatureDrift> out = new ArrayList<>();
        actual.forEach((name, counts) -> {
            JsonNode ref = PROBABILITY.equals(name) ? reference.path(PROBABILITY).path("counts")
                    : reference.path("categorical").has(name) ? reference.path("categorical").path(name)
                    : reference.path("numeric").path(name).path("counts");
            long[] expected = new long[counts.length];
            for (int i = 0; i < expected.length && i < ref.size(); i++) {
                expected[i] = ref.get(i).asLong();
            }
            double psi = psi(expected, counts);
            if (!Double.isNaN(psi)) {
                double rounded = Math.round(psi * 10_000) / 10_000.0;
                out.add(new FeatureDrift(name, rounded, psi >= alertAt));
            }
        });
        out.sort((x, y) -> Double.compare(y.psi(), x.psi()));
        return out;
    }

    private static double[] doubles(JsonNode array) {
        double[] values = new double[array.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = array.get(i).asDouble();
        }
        return values;
    }
}
