package dev.closer.inference;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import dev.closer.inference.tabular.TabularModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Training and serving never drift apart: for every committed model bundle that has a {@code parity.jsonl}, the
 * Java encoder plus ONNX Runtime reproduce the probability that {@code ml/} computed in PyTorch, within 1e-5.
 */
class ParityTest {

    private static final double TOLERANCE = 1e-5;

    @TestFactory
    Stream<DynamicTest> shouldReproduceEveryParityOutputOfEveryCommittedModel() throws IOException {
        Path models = Path.of(System.getProperty("closer.models.dir", "../../ml/models"));
        List<Path> bundles;
        try (Stream<Path> files = Files.walk(models)) {
            bundles = files.filter(p -> p.getFileName().toString().equals("parity.jsonl"))
                    .map(Path::getParent).sorted().toList();
        }
        assertFalse(bundles.isEmpty(), "no parity.jsonl under " + models.toAbsolutePath());
        return bundles.stream().map(dir -> DynamicTest.dynamicTest(models.relativize(dir).toString(),
                () -> assertParity(dir)));
    }

    private static void assertParity(Path dir) throws IOException {
        List<Map<String, Object>> inputs = new ArrayList<>();
        List<Double> expected = new ArrayList<>();
        for (String line : Files.readAllLines(dir.resolve("parity.jsonl"))) {
            if (line.isBlank()) {
                continue;
            }
            JsonNode row = ModelBundle.JSON.readTree(line);
            inputs.add(ModelBundle.JSON.convertValue(row.get("input"), new TypeReference<Map<String, Object>>() { }));
            expected.add(row.get("probability").asDouble());
        }
        assertTrue(inputs.size() >= 10, "parity file too small: " + inputs.size());
        try (TabularModel model = TabularModel.open(ModelBundle.fromDirectory(dir), InferenceOptions.cpu())) {
            float[] actual = model.predict(inputs);
            List<String> misses = new ArrayList<>();
            for (int i = 0; i < actual.length; i++) {
                if (Math.abs(actual[i] - expected.get(i)) > TOLERANCE) {
                    misses.add("line " + (i + 1) + ": java " + actual[i] + " vs python " + expected.get(i)
                            + " for " + inputs.get(i));
                }
            }
            assertTrue(misses.isEmpty(), misses.size() + " of " + actual.length + " outside " + TOLERANCE
                    + ":\n" + String.join("\n", misses.subList(0, Math.min(10, misses.size()))));
        }
    }
}
