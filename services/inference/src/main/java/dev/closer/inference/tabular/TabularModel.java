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

    /** A record's probability and the factors behind it, strongest first within each sign. */
    public record Explained(float probability, List<Factor> positive, List<Factor> negative) {
    }

    /**
     * Scores every record and explains each score: every feature is replaced in turn by its baseline (the unknown
     * bucket for a category, the training median for a number) and the change in probability is that feature's
     * effect. Records and all their variants go through one ONNX run.
     *
     * @param top how many positive and how many negative factors to keep per record
     */
    public List<Explained> explain(List<? extends Map<String, ?>> records, int top) {
        if (records.isEmpty()) {
            return List.of();
        }
        FeatureSpec spec = bundle.spec();
        TabularEncoder.Batch batch = encoder.encode(records);
        int c = batch.categoricalWidth();
        int k = batch.numericWidth();
        int features = c + k;
        int variants = features + 1;
        long[] cat = new long[batch.rows() * variants * c];
        float[] num = new float[batch.rows() * variants * k];
        for (int row = 0; row < batch.rows(); row++) {
            for (int v = 0; v < variants; v++) {
                int out = row * variants + v;
                System.arraycopy(batch.categorical(), row * c, cat, out * c, c);
                System.arraycopy(batch.numeric(), row * k, num, out * k, k);
                int f = v - 1; // variant 0 is the record itself
                if (f >= 0 && f < c) {
                    cat[out * c + f] = 0;
                } else if (f >= c) {
                    num[out * k + (f - c)] = numericBaselines[f - c];
                }
            }
        }
        float[] p = run(new TabularEncoder.Batch(batch.rows() * variants, c, k, cat, num));
        List<Explained> explained = new ArrayList<>(batch.rows());
        for (int row = 0; row < batch.rows(); row++) {
            float own = p[row * variants];
            List<Factor> factors = new ArrayList<>(features);
            for (int f = 0; f < features; f++) {
                String name = f < c ? spec.categorical().get(f).name() : spec.numeric().get(f - c).name();
                double points = 100.0 * (own - p[row * variants + f + 1]);
                factors.add(Factor.of(name, spec.label(name), records.get(row).get(name), points));
            }
            List<Factor> positive = factors.stream().filter(x -> x.points() > 0)
                    .sorted(Comparator.comparingDouble(Factor::points).reversed()).limit(top).toList();
            List<Factor> negative = factors.stream().filter(x -> x.points() < 0)
                    .sorted(Comparator.comparingDouble(Factor::points)).limit(top).toList();
            explained.add(new Explained(own, positive, negative));
        }
        return explained;
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
