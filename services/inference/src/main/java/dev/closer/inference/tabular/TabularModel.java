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

    private TabularModel(ModelBundle bundle, OnnxModel onnx) {
        this.bundle = bundle;
        this.encoder = new TabularEncoder(bundle.spec());
        this.onnx = onnx;
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
        TabularEncoder.Batch batch = encoder.encode(records);
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
