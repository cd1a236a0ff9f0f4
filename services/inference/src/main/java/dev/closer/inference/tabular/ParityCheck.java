package dev.closer.inference.tabular;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.closer.inference.ExecutionDevice;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Training and serving agree: every line of a bundle's {@code parity.jsonl} ({@code {"input": {...},
 * "probability": p}}, written by {@code ml/} from PyTorch) scored through the Java encoder and ONNX Runtime lands
 * within {@link #TOLERANCE} of what Python computed. Used by the parity test of the committed bundles and by the
 * model registry before a version may serve.
 */
public final class ParityCheck {

    /** The file in a model bundle that holds the parity lines. */
    public static final String FILE = "parity.jsonl";
    /** Largest difference in probability allowed between Java and Python. */
    public static final double TOLERANCE = 1e-5;
    /** On a GPU, kernels sum in another order: the tolerance there. */
    public static final double GPU_TOLERANCE = 1e-3;
    /** Fewer lines than this prove too little: the check fails. */
    public static final int MIN_LINES = 10;
    /** Mismatching lines described in a result; the rest are only counted. */
    public static final int FAILURES_SHOWN = 10;
    /** Lines scored per ONNX run. */
    private static final int CHUNK = 1_000;

    private static final ObjectMapper JSON = new ObjectMapper();

    private ParityCheck() {
    }

    /**
     * What a parity check found.
     *
     * @param lines     parity lines read (blank lines are not counted)
     * @param failed    lines whose probability is off by more than the tolerance
     * @param maxDiff   largest absolute difference seen (a NaN from the model counts as 1, the largest possible)
     * @param failures  the first {@link #FAILURES_SHOWN} mismatches, each naming its line
     * @param error     why the check could not be run on every line (unreadable line, too few lines, the model
     *                  failed); null when it ran
     */
    public record Result(boolean passed, int lines, int failed, double maxDiff, double tolerance,
                         List<String> failures, String error) {

        /** One line for logs and messages. */
        public String summary() {
            if (error != null) {
                return "parity check failed: " + error;
            }
            String diff = String.format("max difference %.3g over %d lines (tolerance %.0e)", maxDiff, lines,
                    tolerance);
            return passed ? "parity passed: " + diff
                    : "parity failed: " + failed + " of " + lines + " lines outside the tolerance, " + diff
                            + (failures.isEmpty() ? "" : "; first: " + failures.get(0));
        }

        static Result error(int lines, String error, double tolerance) {
            return new Result(false, lines, 0, 0, tolerance, List.of(), error);
        }
    }

    /** The tolerance for a model running on {@code device}. */
    public static double tolerance(ExecutionDevice device) {
        return device == ExecutionDevice.CPU ? TOLERANCE : GPU_TOLERANCE;
    }

    /**
     * Checks {@code parity} (the bytes of a {@code parity.jsonl}) against {@code model}, within the tolerance of the
     * device the model runs on ({@link #tolerance}).
     */
    public static Result check(TabularModel model, byte[] parity) {
        return check(model, parity, tolerance(model.onnx().device()));
    }

    private static Result check(TabularModel model, byte[] parity, double tolerance) {
        List<Map<String, Object>> inputs = new ArrayList<>();
        List<Double> expected = new ArrayList<>();
        List<Integer> lineNumbers = new ArrayList<>();
        boolean text = model.spec().hasText();
        List<float[]> vectors = new ArrayList<>();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(new ByteArrayInputStream(parity),
                StandardCharsets.UTF_8))) {
            String line;
            int number = 0;
            while ((line = in.readLine()) != null) {
                number++;
                if (line.isBlank()) {
                    continue;
                }
                String problem = read(line, inputs, expected, text ? vectors : null,
                        text ? model.spec().text().input() : null);
                if (problem != null) {
                    return Result.error(inputs.size(), FILE + " line " + number + ": " + problem, tolerance);
                }
                lineNumbers.add(number);
            }
        } catch (IOException e) {
            return Result.error(inputs.size(), FILE + " could not be read: " + e.getMessage(), tolerance);
        }
        if (inputs.size() < MIN_LINES) {
            return Result.error(inputs.size(), FILE + " has " + inputs.size() + " line(s); at least " + MIN_LINES
                    + " are needed to show that serving reproduces training", tolerance);
        }
        int failed = 0;
        double maxDiff = 0;
        List<String> failures = new ArrayList<>();
        for (int from = 0; from < inputs.size(); from += CHUNK) {
            List<Map<String, Object>> chunk = inputs.subList(from, Math.min(inputs.size(), from + CHUNK));
            float[] actual;
            try {
                actual = text
                        ? model.predict(chunk, vectors.subList(from, from + chunk.size()).toArray(float[][]::new))
                        : model.predict(chunk);
            } catch (RuntimeException e) {
                return Result.error(inputs.size(), "the model could not score " + FILE + " lines "
                        + lineNumbers.get(from) + "-" + lineNumbers.get(from + chunk.size() - 1) + ": "
                        + e.getMessage(), tolerance);
            }
            for (int i = 0; i < actual.length; i++) {
                int at = from + i;
                double diff = Double.isNaN(actual[i]) ? 1.0 : Math.abs(actual[i] - expected.get(at));
                maxDiff = Math.max(maxDiff, diff);
                if (diff > tolerance) {
                    failed++;
                    if (failures.size() < FAILURES_SHOWN) {
                        failures.add("line " + lineNumbers.get(at) + ": java " + actual[i] + " vs python "
                                + expected.get(at) + " for " + inputs.get(at));
                    }
                }
            }
        }
        return new Result(failed == 0, inputs.size(), failed, maxDiff, tolerance, List.copyOf(failures), null);
    }

    /**
     * Adds the line's input and probability (and, for a model that reads a text, the text's vector as training
     * computed it, under the text input's name); returns what is wrong with the line, or null.
     */
    private static String read(String line, List<Map<String, Object>> inputs, List<Double> expected,
                               List<float[]> vectors, String textInput) {
        JsonNode row;
        try {
            row = JSON.readTree(line);
        } catch (JsonProcessingException e) {
            return "not valid JSON (" + e.getOriginalMessage() + ")";
        }
        if (row == null || !row.isObject() || !row.path("input").isObject()) {
            return "needs an object with \"input\" (an object of fields) and \"probability\"";
        }
        JsonNode p = row.get("probability");
        if (p == null || !p.isNumber() || !(p.asDouble() >= 0 && p.asDouble() <= 1)) {
            return "\"probability\" must be a number from 0 to 1";
        }
        if (vectors != null) {
            // The text's vector, under the name of the graph's text input.
            JsonNode vector = row.path(textInput);
            if (!vector.isArray() || vector.isEmpty()) {
                return "needs \"" + textInput + "\": the text's vector, for a model that reads a text";
            }
            vectors.add(JSON.convertValue(vector, float[].class));
        }
        Map<String, Object> input = JSON.convertValue(row.get("input"), new TypeReference<Map<String, Object>>() { });
        // Features the server computes from the input by rule (a reply model's word counts, local hour ...), as
        // training computed them: the graph is checked on them here, the rules by the server's own tests.
        if (row.path("derived").isObject()) {
            input = new HashMap<>(input);
            input.putAll(JSON.convertValue(row.get("derived"), new TypeReference<Map<String, Object>>() { }));
        }
        inputs.add(input);
        expected.add(p.asDouble());
        return null;
    }
}
