package dev.closer.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.closer.inference.tabular.TabularModel;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OnnxModelTest {

    private static final Path V0 = Path.of(System.getProperty("closer.models.dir", "../../ml/models"))
            .resolve("lead-score/v0");

    @Test
    void shouldFallBackToCpuWhenCudaIsAskedForButNotAvailable() {
        // The build under test carries the CPU ONNX Runtime (no -Ponnxruntime_gpu), so CUDA cannot load.
        InferenceOptions cuda = new InferenceOptions(ExecutionDevice.CUDA, 0, 1, 1);
        try (TabularModel model = TabularModel.open(ModelBundle.fromDirectory(V0), cuda)) {
            assertEquals(ExecutionDevice.CPU, model.onnx().device());
            float[] p = model.predict(List.of(Map.of("source", "Google"), Map.of()));
            assertEquals(2, p.length);
            assertTrue(p[0] > 0 && p[0] < 1);
        }
    }

    @Test
    void shouldRefuseABrokenModelFileWithItsName() {
        InferenceException e = assertThrows(InferenceException.class,
                () -> OnnxModel.load("broken/v9", new byte[] {1, 2, 3}, InferenceOptions.cpu()));
        assertTrue(e.getMessage().startsWith("Could not load ONNX model broken/v9"), e.getMessage());
    }

    @Test
    void shouldRefuseRunsAfterCloseAndCloseTwiceHarmlessly() {
        TabularModel model = TabularModel.open(ModelBundle.fromDirectory(V0), InferenceOptions.cpu());
        model.close();
        model.close(); // used to throw (SessionOptions closed twice) and keep the close lock held for good
        InferenceException e = assertThrows(InferenceException.class,
                () -> model.predict(List.of(Map.of("source", "Google"))));
        assertTrue(e.getMessage().contains("is closed"), e.getMessage());
    }
}
