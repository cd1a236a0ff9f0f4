package dev.closer.inference.tabular;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.closer.inference.InferenceException;
import dev.closer.inference.InferenceOptions;
import dev.closer.inference.ModelBundle;
import dev.closer.inference.OnnxModel;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A tabular classifier: raw records → {@link TabularEncoder} → one batched ONNX run → one probability per record.
 */
public final class TabularModel implements AutoCloseable {

    private final ModelBundle bundle;
    private final TabularEncoder encoder;
    private final OnnxModel onnx;
    /** Each numeric feature's baseline as the model reads it: the training median, standardised. */
    private final float[] numericBaselines;

    private TabularModel(ModelBundle bundle, OnnxModel onnx) {
        this.bundle = bundle;
        this.encoder = new TabularEncoder(bundle.spec());
        this.onnx = onnx;
        List<FeatureSpec.Numeric> numeric = bundle.spec().numeric();
        this.numericBaselines = new float[numeric.size()];
        for (int j = 0; j < numeric.size(); j++) {
            numericBaselines[j] = (float) TabularEncoder.standardise(numeric.get(j), null);
        }
    }

    /** Opens a session for the bundle and checks that the graph has the tensors the spec names. */
    public static TabularModel open(ModelBundle bundle, InferenceOptions options) {
        OnnxModel onnx = OnnxModel.load(bundle.id(), bundle.model(), options);
        FeatureSpec spec = bundle.spec();
        try {
            requireTensor(onnx.inputNames().contains(spec.inputs().categorical()) || spec.categorical().isEmpty(),
                    bundle, "input", spec.inputs().categorical());
            requireTensor(onnx.inputNames().contains(spec.inputs().numeric()) || spec.numeric().isEmpty(),
                    bundle, "input", spec.inputs().numeric());
            if (spec.hasSequence()) {
                requireTensor(onnx.inputNames().contains(spec.sequence().inputs().tokens()), bundle, "input",
                        spec.sequence().inputs().tokens());
                requireTensor(onnx.inputNames().contains(spec.sequence().inputs().time()), bundle, "input",
                        spec.sequence().inputs().time());
            }
            if (spec.hasText()) {
                requireTensor(onnx.inputNames().contains(spec.text().input()), bundle, "input", spec.text().input());
            }
            requireTensor(onnx.outputNames().contains(spec.output()), bundle, "output", spec.output());
        } catch (InferenceException e) {
            onnx.close();
            throw e;
        }
        return new TabularModel(bundle, onnx);
    }

    private static void requireTensor(boolean present, ModelBundle bundle, String kind, String tensor) {
        if (!present) {
            throw new InferenceException("Model " + bundle.id() + ": features.json names " + kind + " tensor '"
                    + tensor + "' but the ONNX graph has no such " + kind);
        }
    }

    public ModelBundle bundle() {
        return bundle;
    }

    public FeatureSpec spec() {
        return bundle.spec();
    }

    public TabularEncoder encoder() {
        return encoder;
    }

    public OnnxModel onnx() {
        return onnx;
    }

    /** Scores every record in one ONNX run. */
    public float[] predict(List<? extends Map<String, ?>> records) {
        if (records.isEmpty()) {
            return new float[0];
        }
        return run(encoder.encode(records));
    }

    /**
     * Scores every record in one ONNX run, for a model that also reads a text: {@code vectors[i]} is record i's text
     * ({@link FeatureSpec.Text#render}) through the sentence encoder the spec names.
     */
    public float[] predict(List<? extends Map<String, ?>> records, float[][] vectors) {
        if (records.isEmpty()) {
            return new float[0];
        }
        return run(encoder.encode(records).withText(vectors));
    }

    /** Scores an already encoded batch (from {@link #encoder()}) in one ONNX run. */
    public float[] predict(TabularEncoder.Batch batch) {
        return batch.rows() == 0 ? new float[0] : run(batch);
    }

    /** A record's probability and the factors behind it, strongest first within each sign. */
    public record Explained(float probability, List<Factor> positive, List<Factor> negative) {
    }

    /** Distinct activity kinds explained per record; rarer kinds beyond this share no factor. */
    static final int MAX_SEQUENCE_FACTORS = 8;

    /**
     * Scores every record and explains each score by occlusion: every feature is replaced in turn by its baseline
     * (the unknown bucket for a category, the training median for a number), and every kind of activity in the
     * record's sequence (e.g. all its pricing-page views) is left out in turn; the change in probability is that
     * feature's effect. Records and all their variants go through one ONNX run.
     *
     * @param top how many positive and how many negative factors to keep per record
     */
    public List<Explained> explain(List<? extends Map<String, ?>> records, int top) {
        return explain(records, null, top);
    }

    /**
     * As {@link #explain(List, int)} for a model that also reads a text ({@code vectors}, one per record; null for a
     * model that reads none). The text is held fixed: factors are the other features'.
     */
    public List<Explained> explain(List<? extends Map<String, ?>> records, float[][] vectors, int top) {
        if (records.isEmpty()) {
            return List.of();
        }
        FeatureSpec spec = bundle.spec();
        List<List<TabularEncoder.Event>> events = spec.hasSequence()
                ? records.stream().map(encoder::events).toList() : null;
        TabularEncoder.Batch batch = encoder.encode(records, events);
        int c = batch.categoricalWidth();
        int k = batch.numericWidth();
        int length = batch.sequenceLength();
        int features = c + k;
        // Per record, the activity kinds to leave out: most frequent first, at most MAX_SEQUENCE_FACTORS.
        List<long[]> kinds = new ArrayList<>(batch.rows());
        int[] first = new int[batch.rows() + 1];
        for (int row = 0; row < batch.rows(); row++) {
            List<TabularEncoder.Event> own = length == 0 ? List.of() : events.get(row);
            List<TabularEncoder.Event> shown = own.subList(Math.max(0, own.size() - length), own.size());
            Map<Long, Integer> counts = new HashMap<>();
            shown.forEach(e -> counts.merge(e.token(), 1, Integer::sum));
            long[] chosen = counts.entrySet().stream()
                    .sorted(Map.Entry.<Long, Integer>comparingByValue().reversed()
                            .thenComparing(Map.Entry.comparingByKey()))
                    .limit(MAX_SEQUENCE_FACTORS).mapToLong(Map.Entry::getKey).toArray();
            kinds.add(chosen);
            first[row + 1] = first[row] + 1 + features + chosen.length;
        }
        int total = first[batch.rows()];
        long[] cat = new long[total * c];
        float[] num = new float[total * k];
        long[] tokens = new long[total * length];
        float[] times = new float[total * length];
        for (int row = 0; row < batch.rows(); row++) {
            for (int v = 0; v < first[row + 1] - first[row]; v++) {
                int out = first[row] + v;
                System.arraycopy(batch.categorical(), row * c, cat, out * c, c);
                System.arraycopy(batch.numeric(), row * k, num, out * k, k);
                int f = v - 1; // variant 0 is the record itself
                if (f >= 0 && f < c) {
                    cat[out * c + f] = 0;
                } else if (f >= c && f < features) {
                    num[out * k + (f - c)] = numericBaselines[f - c];
                }
                if (length > 0) {
                    if (f >= features) {
                        encoder.writeSequence(events.get(row), kinds.get(row)[f - features], tokens, times, out);
                    } else {
                        System.arraycopy(batch.tokens(), row * length, tokens, out * length, length);
                        System.arraycopy(batch.times(), row * length, times, out * length, length);
                    }
                }
            }
        }
        TabularEncoder.Batch variants = new TabularEncoder.Batch(total, c, k, cat, num, length, tokens, times);
        if (vectors != null) {
            float[][] repeated = new float[total][];
            for (int row = 0; row < batch.rows(); row++) {
                for (int out = first[row]; out < first[row + 1]; out++) {
                    repeated[out] = vectors[row];
                }
            }
            variants = variants.withText(repeated);
        }
        float[] p = run(variants);
        List<Explained> explained = new ArrayList<>(batch.rows());
        for (int row = 0; row < batch.rows(); row++) {
            float own = p[first[row]];
            List<Factor> factors = new ArrayList<>();
            for (int f = 0; f < features; f++) {
                String name = f < c ? spec.categorical().get(f).name() : spec.numeric().get(f - c).name();
                double points = 100.0 * (own - p[first[row] + f + 1]);
                factors.add(Factor.of(name, spec.label(name), records.get(row).get(name), points));
            }
            long[] left = kinds.get(row);
            for (int j = 0; j < left.length; j++) {
                double points = 100.0 * (own - p[first[row] + 1 + features + j]);
                factors.add(activityFactor(events.get(row), left[j], points));
            }
            List<Factor> positive = factors.stream().filter(x -> x.points() > 0)
                    .sorted(Comparator.comparingDouble(Factor::points).reversed()).limit(top).toList();
            List<Factor> negative = factors.stream().filter(x -> x.points() < 0)
                    .sorted(Comparator.comparingDouble(Factor::points)).limit(top).toList();
            explained.add(new Explained(own, positive, negative));
        }
        return explained;
    }

    private Factor activityFactor(List<TabularEncoder.Event> events, long token, double points) {
        int count = 0;
        double newest = Double.MAX_VALUE;
        for (TabularEncoder.Event e : events) {
            if (e.token() == token) {
                count++;
                newest = Math.min(newest, e.hours());
            }
        }
        String name = encoder.tokenName(token);
        String label = name == null ? "other activity" : spec().sequence().label(name);
        return Factor.activity(name == null ? "unknown" : name, label, count, newest, points);
    }

    private float[] run(TabularEncoder.Batch batch) {
        FeatureSpec spec = bundle.spec();
        Map<String, OnnxTensor> inputs = new HashMap<>();
        try {
            if (batch.categoricalWidth() > 0) {
                inputs.put(spec.inputs().categorical(), OnnxTensor.createTensor(OnnxModel.environment(),
                        LongBuffer.wrap(batch.categorical()), new long[] {batch.rows(), batch.categoricalWidth()}));
            }
            if (batch.numericWidth() > 0) {
                inputs.put(spec.inputs().numeric(), OnnxTensor.createTensor(OnnxModel.environment(),
                        FloatBuffer.wrap(batch.numeric()), new long[] {batch.rows(), batch.numericWidth()}));
            }
            if (batch.textWidth() > 0) {
                inputs.put(spec.text().input(), OnnxTensor.createTensor(OnnxModel.environment(),
                        FloatBuffer.wrap(batch.text()), new long[] {batch.rows(), batch.textWidth()}));
            }
            if (batch.sequenceLength() > 0) {
                long[] shape = {batch.rows(), batch.sequenceLength()};
                inputs.put(spec.sequence().inputs().tokens(), OnnxTensor.createTensor(OnnxModel.environment(),
                        LongBuffer.wrap(batch.tokens()), shape));
                inputs.put(spec.sequence().inputs().time(), OnnxTensor.createTensor(OnnxModel.environment(),
                        FloatBuffer.wrap(batch.times()), shape));
            }
            try (OrtSession.Result result = onnx.run(inputs)) {
                OnnxTensor out = (OnnxTensor) result.get(spec.output()).orElseThrow(() ->
                        new InferenceException("Model " + bundle.id() + " returned no '" + spec.output() + "'"));
                FloatBuffer values = out.getFloatBuffer();
                if (values.remaining() != batch.rows()) {
                    throw new InferenceException("Model " + bundle.id() + " returned " + values.remaining()
                            + " values for " + batch.rows() + " records");
                }
                float[] probabilities = new float[batch.rows()];
                values.get(probabilities);
                return probabilities;
            }
        } catch (OrtException e) {
            throw new InferenceException("Model " + bundle.id() + ": could not build input tensors: "
                    + e.getMessage(), e);
        } finally {
            inputs.values().forEach(OnnxTensor::close);
        }
    }

    @Override
    public void close() {
        onnx.close();
    }
}
