package dev.closer.inference.text;

import dev.closer.inference.ExecutionDevice;
import dev.closer.inference.InferenceOptions;

/**
 * How a {@link TextEncoder} is built; each field is one setting of the app ({@code closer.text.*}).
 *
 * @param model     which encoder ({@code closer.text.encoder}: {@code minilm} or {@code bge-small})
 * @param threads   texts embedded at the same time by {@link TextEncoder#embedAll} ({@code closer.text.threads}),
 *                  each by its own ONNX Runtime run; with {@code inference.intraOpThreads() == 1} this is the number
 *                  of cores the encoder uses
 * @param batchSize texts per ONNX run ({@code closer.text.batch-size}). Keep 1 unless you accept approximate
 *                  features: these graphs quantize activations with one int8 scale per run, so a text batched with
 *                  others gets a slightly different vector (cosine 0.93–0.999 to its vector alone, measured), and
 *                  then depends on its neighbours. On 2 cores batching was not faster either (docs/benchmarks.md).
 * @param inference ONNX Runtime's session settings: device and threads inside one run
 */
public record TextEncoderOptions(EncoderModel model, int threads, int batchSize, InferenceOptions inference) {

    public TextEncoderOptions {
        if (model == null || inference == null) {
            throw new IllegalArgumentException("model and inference must be set");
        }
        if (threads < 1 || batchSize < 1) {
            throw new IllegalArgumentException("threads and batchSize must be >= 1, got " + threads + " and "
                    + batchSize);
        }
    }

    /**
     * One text per run, one ONNX Runtime thread per run, as many runs at once as the JVM has processors: the fastest
     * exact setting measured on 2 cores.
     */
    public static TextEncoderOptions of(EncoderModel model) {
        return new TextEncoderOptions(model, Runtime.getRuntime().availableProcessors(), 1,
                new InferenceOptions(ExecutionDevice.CPU, 0, 1, 1));
    }

    public TextEncoderOptions withThreads(int threads) {
        return new TextEncoderOptions(model, threads, batchSize, inference);
    }

    public TextEncoderOptions withBatchSize(int batchSize) {
        return new TextEncoderOptions(model, threads, batchSize, inference);
    }
}
