package dev.closer.inference.text;

import dev.closer.inference.ExecutionDevice;
import dev.closer.inference.InferenceOptions;

/**
 * How a {@link TextEncoder} is built; the app maps its settings ({@code closer.text.*}) onto these fields.
 *
 * <p>There is no batch size: every text is its own ONNX Runtime run. These graphs quantize activations with one int8
 * scale per run, so a text batched with others would get a vector that depends on its neighbours, and serving's
 * features would no longer be training's (docs/benchmarks.md, "Text encoder").
 *
 * @param model     which encoder ({@code closer.text.encoder}: {@code minilm} or {@code bge-small})
 * @param threads   texts embedded at the same time by {@link TextEncoder#embedAll} ({@code closer.text.threads}),
 *                  each by its own ONNX Runtime run; with {@code inference.intraOpThreads() == 1} this is the number
 *                  of cores the encoder uses
 * @param inference ONNX Runtime's session settings: device and threads inside one run
 */
public record TextEncoderOptions(EncoderModel model, int threads, InferenceOptions inference) {

    public TextEncoderOptions {
        if (model == null || inference == null) {
            throw new IllegalArgumentException("model and inference must be set");
        }
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        }
    }

    /**
     * One ONNX Runtime thread per run, as many runs at once as the JVM has processors: the fastest setting measured on
     * 2 cores.
     */
    public static TextEncoderOptions of(EncoderModel model) {
        return new TextEncoderOptions(model, Runtime.getRuntime().availableProcessors(),
                new InferenceOptions(ExecutionDevice.CPU, 0, 1, 1));
    }

    public TextEncoderOptions withThreads(int threads) {
        return new TextEncoderOptions(model, threads, inference);
    }
}
