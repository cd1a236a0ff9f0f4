package dev.closer.inference.text;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.closer.inference.InferenceException;
import dev.closer.inference.InferenceOptions;
import dev.closer.inference.ModelBundle;
import dev.closer.inference.OnnxModel;
import dev.closer.inference.tabular.ParityCheck;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A classification head on the sentence encoder's vectors (the tone head, the reply-intent head), as {@code ml/text}
 * exports it: {@code model.onnx} maps {@code embedding} (float32 [N, dimension], the encoder's L2-normalised vectors)
 * to {@code probabilities} (float32 [N, labels]); {@code features.json} names the encoder it was trained on, the labels
 * in column order and any model-specific settings (a neutral band, a threshold for acting); {@code parity.jsonl} holds
 * vectors with the probabilities training computed for them, checked when the head is opened.
 */
public final class TextClassifier implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    /** features.json of a head; {@code raw} keeps the model-specific parts. */
    public record Spec(String name, String version, String kind, String encoder, int dimension, String input,
                       String output, List<String> labels, JsonNode raw) {

        public String id() {
            return name + "/" + version;
        }
    }

    /** The most probable label with its probability, and every label's. */
    public record Prediction(String label, double confidence, Map<String, Double> probabilities) {
    }

    private final Spec spec;
    private final OnnxModel onnx;

    private TextClassifier(Spec spec, OnnxModel onnx) {
        this.spec = spec;
        this.onnx = onnx;
    }

    /**
     * Loads the head and checks it: the graph has the tensors its spec names, and it reproduces every line of its
     * parity.jsonl (at least {@link ParityCheck#MIN_LINES}) within {@link ParityCheck#tolerance} for the device.
     */
    public static TextClassifier open(ModelBundle.Files files, InferenceOptions options) {
        Spec spec;
        byte[] model;
        try {
            JsonNode raw = JSON.readTree(files.require("features.json"));
            spec = new Spec(text(raw, "name"), text(raw, "version"), raw.path("kind").asText("text-classifier"),
                    text(raw, "encoder"), raw.path("dimension").asInt(0), raw.path("input").asText("embedding"),
                    raw.path("output").asText("probabilities"),
                    JSON.convertValue(raw.path("labels"), JSON.getTypeFactory().constructCollectionType(List.class,
                            String.class)), raw);
            if (spec.dimension() <= 0 || spec.labels() == null || spec.labels().size() < 2) {
                throw new InferenceException("features.json in " + files.where()
                        + " needs a positive \"dimension\" and at least two \"labels\"");
            }
            model = files.require("model.onnx");
        } catch (IOException e) {
            throw new InferenceException("Could not read text head " + files.where() + ": " + e.getMessage(), e);
        }
        OnnxModel onnx = OnnxModel.load(spec.id(), model, options);
        TextClassifier head = new TextClassifier(spec, onnx);
        try {
            if (!onnx.inputNames().contains(spec.input()) || !onnx.outputNames().contains(spec.output())) {
                throw new InferenceException("Text head " + spec.id() + " has inputs " + onnx.inputNames()
                        + " and outputs " + onnx.outputNames() + "; features.json names " + spec.input() + " and "
                        + spec.output());
            }
            head.checkParity(files.require(ParityCheck.FILE));
        } catch (IOException | RuntimeException e) {
            head.close();
            throw e instanceof InferenceException ie ? ie
                    : new InferenceException("Text head " + spec.id() + ": " + e.getMessage(), e);
        }
        return head;
    }

    private static String text(JsonNode raw, String field) {
        JsonNode value = raw.get(field);
        if (value == null || !value.isTextual() || value.asText().isBlank()) {
            throw new InferenceException("features.json of a text head needs a string \"" + field + "\"");
        }
        return value.asText();
    }

    public Spec spec() {
        return spec;
    }

    /** Throws unless the head was trained on this encoder's vectors. */
    public void requireEncoder(EncoderModel model) {
        if (!spec.encoder().equals(model.id()) || spec.dimension() != model.dimension()) {
            throw new InferenceException("Text head " + spec.id() + " reads " + spec.encoder() + " vectors ("
                    + spec.dimension() + " dimensions) but the encoder is " + model.id() + " (" + model.dimension()
                    + "): set closer.text.encoder=" + spec.encoder() + " or use a head trained on " + model.id());
        }
    }

    /** One row of label probabilities per vector, in {@link Spec#labels()} order. */
    public float[][] probabilities(float[][] vectors) {
        if (vectors.length == 0) {
            return new float[0][];
        }
        FloatBuffer input = FloatBuffer.allocate(vectors.length * spec.dimension());
        for (float[] v : vectors) {
            if (v.length != spec.dimension()) {
                throw new InferenceException("Text head " + spec.id() + " takes " + spec.dimension()
                        + "-dimensional vectors, not " + v.length);
            }
            input.put(v);
        }
        input.flip();
        try (OnnxTensor tensor = OnnxTensor.createTensor(OnnxModel.environment(), input,
                new long[] {vectors.length, spec.dimension()});
             OrtSession.Result result = onnx.run(Map.of(spec.input(), tensor))) {
            OnnxValue out = result.get(spec.output()).orElseThrow(
                    () -> new InferenceException("Text head " + spec.id() + " gave no " + spec.output()));
            float[][] probabilities = (float[][]) out.getValue();
            if (probabilities.length != vectors.length || probabilities[0].length != spec.labels().size()) {
                throw new InferenceException("Text head " + spec.id() + " gave " + probabilities.length + " x "
                        + probabilities[0].length + " probabilities for " + vectors.length + " vectors and "
                        + spec.labels().size() + " labels");
            }
            return probabilities;
        } catch (OrtException e) {
            throw new InferenceException("Text head " + spec.id() + " failed: " + e.getMessage(), e);
        }
    }

    /** The most probable label of each vector, with every label's probability. */
    public List<Prediction> predict(float[][] vectors) {
        return Arrays.stream(probabilities(vectors)).map(this::prediction).toList();
    }

    /** A tone: negative, neutral or positive, and the head's probability that the text is positive. */
    public record Tone(String label, double positive) {
    }

    /**
     * The tone of each vector, for a head with a {@code positive} label (the tone head): negative at or below
     * features.json's {@code neutral.low}, positive at or above {@code neutral.high}, neutral between (0.5 for a
     * bound the spec lacks). The one place the band rule is written.
     */
    public Tone[] tones(float[][] vectors) {
        double low = spec.raw().path("neutral").path("low").asDouble(0.5);
        double high = spec.raw().path("neutral").path("high").asDouble(0.5);
        int column = spec.labels().indexOf("positive");
        if (column < 0) {
            throw new InferenceException("Text head " + spec.id() + " has no positive label: " + spec.labels());
        }
        float[][] p = probabilities(vectors);
        Tone[] out = new Tone[p.length];
        for (int i = 0; i < p.length; i++) {
            double positive = p[i][column];
            out[i] = new Tone(positive <= low ? "negative" : positive >= high ? "positive" : "neutral", positive);
        }
        return out;
    }

    private Prediction prediction(float[] row) {
        Map<String, Double> byLabel = new LinkedHashMap<>();
        int best = 0;
        for (int j = 0; j < row.length; j++) {
            byLabel.put(spec.labels().get(j), (double) row[j]);
            if (row[j] > row[best]) {
                best = j;
            }
        }
        return new Prediction(spec.labels().get(best), row[best], byLabel);
    }

    /** Every parity line's vector through the graph, against the probabilities training computed for it. */
    private void checkParity(byte[] parity) throws IOException {
        double worst = 0;
        int lines = 0;
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(new ByteArrayInputStream(parity),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                if (line.isBlank()) {
                    continue;
                }
                JsonNode row = JSON.readTree(line);
                float[] vector = JSON.convertValue(row.get("embedding"), float[].class);
                double[] expected = JSON.convertValue(row.get("probabilities"), double[].class);
                if (vector == null || expected == null) {
                    throw new InferenceException("parity.jsonl of " + spec.id() + " line " + (lines + 1)
                            + " needs \"embedding\" and \"probabilities\"");
                }
                float[] got = probabilities(new float[][] {vector})[0];
                for (int j = 0; j < expected.length; j++) {
                    worst = Math.max(worst, Math.abs(got[j] - expected[j]));
                }
                lines++;
            }
        }
        double tolerance = ParityCheck.tolerance(onnx.device());
        if (lines < ParityCheck.MIN_LINES) {
            throw new InferenceException("Text head " + spec.id() + ": " + ParityCheck.FILE + " has " + lines
                    + " line(s); at least " + ParityCheck.MIN_LINES + " are needed");
        }
        if (worst > tolerance) {
            throw new InferenceException(String.format("Text head %s fails parity: max difference %.2e over %d lines "
                    + "(tolerance %.0e)", spec.id(), worst, lines, tolerance));
        }
    }

    @Override
    public void close() {
        onnx.close();
    }
}
