package dev.closer.inference;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.closer.inference.tabular.ParityCheck;
import dev.closer.inference.tabular.TabularModel;
import dev.closer.inference.text.TextClassifier;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Training and serving never drift apart: for every committed model bundle that has a {@code parity.jsonl}, the
 * Java encoder plus ONNX Runtime reproduce the probability that {@code ml/} computed in PyTorch, within 1e-5
 * ({@link ParityCheck}, the same check the model registry runs before a version may serve).
 */
class ParityTest {

    @TestFactory
    Stream<DynamicTest> shouldReproduceEveryParityOutputOfEveryCommittedModel() throws IOException {
        Path models = Path.of(System.getProperty("closer.models.dir", "../../ml/models"));
        List<Path> bundles;
        try (Stream<Path> files = Files.walk(models)) {
            bundles = files.filter(p -> p.getFileName().toString().equals(ParityCheck.FILE))
                    .map(Path::getParent).sorted().toList();
        }
        assertFalse(bundles.isEmpty(), "no parity.jsonl under " + models.toAbsolutePath());
        return bundles.stream().map(dir -> DynamicTest.dynamicTest(models.relativize(dir).toString(),
                () -> assertParity(dir)));
    }

    private static void assertParity(Path dir) throws IOException {
        if (new ObjectMapper().readTree(dir.resolve("features.json").toFile()).path("kind").asText("")
                .equals("text-classifier")) {
            // A head on encoder vectors: open() checks every parity line and refuses a head that misses one.
            TextClassifier.open(ModelBundle.Files.directory(dir), InferenceOptions.cpu()).close();
            return;
        }
        try (TabularModel model = TabularModel.open(ModelBundle.fromDirectory(dir), InferenceOptions.cpu())) {
            ParityCheck.Result result = ParityCheck.check(model, Files.readAllBytes(dir.resolve(ParityCheck.FILE)));
            assertTrue(result.passed(), result.summary() + "\n" + String.join("\n", result.failures()));
        }
    }
}
