package dev.closer.inference.text;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.closer.inference.InferenceException;
import dev.closer.inference.ModelClosedException;
import dev.closer.inference.OnnxModel;
import java.io.IOException;
import java.io.InputStream;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Function;

/**
 * A pretrained sentence encoder: texts → unit-length vectors, the features the text heads read (reply, intent, tone).
 * The same class computes serving's features and, through {@link EmbedCommand}, the training set's, so training and
 * serving cannot drift apart.
 *
 * <p>Embeddings match langchain4j's on the same files (checked per text by {@code TextEncoderParityTest}): the same
 * tokenizer settings and truncation, the pooling of {@link EncoderModel}, L2 normalisation. What differs is how the
 * work is done. {@link #embedAll} tokenizes every text once (langchain4j tokenizes each three times) and hands the
 * texts, longest first (so that no worker is left with a long text at the end), to
 * {@link TextEncoderOptions#threads()} workers. Each text is one ONNX Runtime run of its own, with no padding, so
 * its vector never depends on the other texts (see {@link TextEncoderOptions} on why there is no batching). Results
 * come back in input order.
 *
 * <p>Input handling:
 * <ul>
 *   <li>{@code null} is refused with {@link IllegalArgumentException} (naming its index in a batch).</li>
 *   <li>An empty or whitespace-only text is embedded as the empty token sequence ({@code [CLS] [SEP]}): one fixed,
 *       valid vector, the same for every such text, so an email without a body still gets features. (langchain4j
 *       refuses such texts.)</li>
 *   <li>A text longer than {@link EncoderModel#maxTokens()} tokens is truncated: only its beginning is read
 *       (128 tokens, about 90 English words, for MiniLM; 512 for BGE), as langchain4j does with these tokenizers.
 *       Callers that need all of a long document should split it and combine the vectors themselves.</li>
 *   <li>Any Unicode is accepted: characters the vocabulary lacks (most emoji) become {@code [UNK]}.</li>
 * </ul>
 *
 * <p>Thread-safe: the tokenizer and the ONNX session may be used concurrently. {@link #embed} runs on the caller's
 * thread; {@link #embedAll} uses the encoder's own worker threads when it has more than one text to embed.
 * {@link #close} waits for the calls under way (the tokenizer and the session are native: freeing them under a
 * running call crashed the JVM), and later calls fail with {@link InferenceException}.
 */
public final class TextEncoder implements AutoCloseable {

    private final TextEncoderOptions options;
    private final OnnxModel onnx;
    private final HuggingFaceTokenizer tokenizer;
    private final boolean wantsTokenTypes;
    private final ExecutorService workers;
    /** Calls hold the read lock, {@link #close} the write lock. */
    private final ReentrantReadWriteLock lifecycle = new ReentrantReadWriteLock();
    private boolean closed; // guarded by lifecycle

    private TextEncoder(TextEncoderOptions options, OnnxModel onnx, HuggingFaceTokenizer tokenizer) {
        this.options = options;
        this.onnx = onnx;
        this.tokenizer = tokenizer;
        this.wantsTokenTypes = onnx.inputNames().contains("token_type_ids");
        String threadName = "text-encoder-" + options.model().id() + "-";
        AtomicInteger threadNumber = new AtomicInteger();
        this.workers = options.threads() == 1 ? null : Executors.newFixedThreadPool(options.threads(), task -> {
            Thread thread = new Thread(task, threadName + threadNumber.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
    }

    /** {@link TextEncoderOptions#of} the model: exact, and all cores. */
    public static TextEncoder open(EncoderModel model) {
        return open(TextEncoderOptions.of(model));
    }

    /** Loads the model's ONNX graph and tokenizer from the classpath (the langchain4j embedding jars). */
    public static TextEncoder open(TextEncoderOptions options) {
        EncoderModel model = options.model();
        byte[] graph = graph(model);
        HuggingFaceTokenizer tokenizer = tokenizer(model);
        OnnxModel onnx;
        try {
            onnx = OnnxModel.load("text-encoder/" + model.id(), graph, options.inference());
        } catch (RuntimeException e) {
            tokenizer.close();
            throw e;
        }
        if (!onnx.inputNames().containsAll(List.of("input_ids", "attention_mask"))) {
            onnx.close();
            tokenizer.close();
            throw new InferenceException("Text encoder " + model.id() + ": the ONNX graph lacks input_ids or "
                    + "attention_mask (inputs: " + onnx.inputNames() + ")");
        }
        TextEncoder encoder = new TextEncoder(options, onnx, tokenizer);
        try {
            encoder.checkHiddenSize();
        } catch (RuntimeException e) {
            encoder.close();
            throw e;
        }
        return encoder;
    }

    /** Runs the empty text once: the graph's hidden states must be {@link EncoderModel#dimension()} long. */
    private void checkHiddenSize() {
        long[] shape = run(tokenizer.encode("").getIds(), hidden -> hidden.getInfo().getShape());
        if (shape.length != 3 || shape[2] != dimension()) {
            throw new InferenceException("Text encoder " + model().id() + ": the ONNX graph's first output has shape "
                    + Arrays.toString(shape) + ", expected [1, tokens, " + dimension() + "]");
        }
    }

    /** The model's ONNX graph, as the langchain4j jar on the classpath has it (what {@link #open} loads). */
    public static byte[] graph(EncoderModel model) {
        return resource(model.onnxResource());
    }

    private static byte[] resource(String name) {
        try (InputStream in = resourceStream(name)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new InferenceException("Could not read resource " + name + ": " + e.getMessage(), e);
        }
    }

    private static InputStream resourceStream(String resource) {
        InputStream in = TextEncoder.class.getClassLoader().getResourceAsStream(resource);
        if (in == null) {
            throw new InferenceException("Resource " + resource + " is not on the classpath: the langchain4j "
                    + "embedding jars are dependencies of closer-inference");
        }
        return in;
    }

    private static HuggingFaceTokenizer tokenizer(EncoderModel model) {
        String name = model.tokenizerResource();
        Map<String, String> options = Map.of(
                "padding", "false", // one text per run: nothing to pad
                "truncation", "true",
                "maxLength", Integer.toString(model.maxTokens()),
                "addSpecialTokens", "true");
        InputStream json = resourceStream(name);
        try (json) {
            return HuggingFaceTokenizer.newInstance(json, options);
        } catch (IOException | RuntimeException e) {
            throw new InferenceException("Could not load tokenizer " + name + ": " + e.getMessage(), e);
        }
    }

    public EncoderModel model() {
        return options.model();
    }

    /** Length of every vector. */
    public int dimension() {
        return options.model().dimension();
    }

    /** Tokens the model reads for this text, {@code [CLS]} and {@code [SEP]} included (after truncation). */
    public int tokenCount(String text) {
        return tokenIds(text).length;
    }

    /** The token ids the model reads for this text, {@code [CLS]} and {@code [SEP]} included (after truncation). */
    public long[] tokenIds(String text) {
        String checked = requireText(text, 0);
        return whileOpen(() -> tokenizer.encode(checked).getIds());
    }

    /** One text's unit-length embedding. */
    public float[] embed(String text) {
        return embedAll(List.of(requireText(text, 0)))[0];
    }

    /**
     * Every text's unit-length embedding, in input order: row {@code i} belongs to {@code texts.get(i)}.
     *
     * @throws IllegalArgumentException when a text is {@code null}
     */
    public float[][] embedAll(List<String> texts) {
        return whileOpen(() -> embedOpen(texts));
    }

    /** Runs {@code work} unless the encoder is closed; {@link #close} waits until it is done. */
    private <T> T whileOpen(java.util.function.Supplier<T> work) {
        Lock using = lifecycle.readLock();
        using.lock();
        try {
            if (closed) {
                throw new ModelClosedException("Text encoder " + model().id() + " is closed");
            }
            return work.get();
        } finally {
            using.unlock();
        }
    }

    private float[][] embedOpen(List<String> texts) {
        int n = texts.size();
        if (n == 0) {
            return new float[0][];
        }
        String[] array = new String[n];
        for (int i = 0; i < n; i++) {
            array[i] = requireText(texts.get(i), i);
        }
        Encoding[] encodings = n == 1 ? new Encoding[] {tokenizer.encode(array[0])} : tokenizer.batchEncode(array);
        // Shortest first; workers take from the end, so the longest texts start first and no worker is left with a
        // long one at the end. The order only schedules the work: each text is a run of its own.
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Arrays.sort(order, Comparator.comparingInt(i -> encodings[i].getIds().length));
        float[][] out = new float[n][];
        AtomicInteger next = new AtomicInteger(n);
        Runnable worker = () -> {
            for (int k = next.decrementAndGet(); k >= 0; k = next.decrementAndGet()) {
                int text = order[k];
                long[] ids = encodings[text].getIds();
                out[text] = run(ids, hidden -> pool(hidden.getFloatBuffer(), ids.length));
            }
        };
        if (workers == null || n == 1) {
            worker.run();
            return out;
        }
        List<Future<?>> started = new ArrayList<>();
        for (int w = 0; w < Math.min(options.threads(), n); w++) {
            started.add(workers.submit(worker));
        }
        for (Future<?> future : started) {
            try {
                future.get();
            } catch (InterruptedException e) {
                next.set(-1); // the workers stop after their current text; cancel(true) alone does not stop them
                started.forEach(f -> f.cancel(true));
                Thread.currentThread().interrupt();
                throw new InferenceException("Text encoder " + model().id() + ": interrupted", e);
            } catch (ExecutionException e) {
                next.set(-1); // the other workers stop after their current text
                if (e.getCause() instanceof RuntimeException runtime) {
                    throw runtime;
                }
                throw new InferenceException("Text encoder " + model().id() + ": " + e.getCause(), e.getCause());
            }
        }
        return out;
    }

    /**
     * Runs one text's token ids through the graph (shape {@code [1, tokens]}, every token attended) and reads the
     * graph's first output, the hidden states {@code [1, tokens, dimension]}, with {@code read} before it is closed.
     */
    private <T> T run(long[] ids, Function<OnnxTensor, T> read) {
        long[] shape = {1, ids.length};
        long[] mask = new long[ids.length];
        Arrays.fill(mask, 1L);
        Map<String, OnnxTensor> inputs = new HashMap<>();
        try {
            inputs.put("input_ids", OnnxTensor.createTensor(OnnxModel.environment(), LongBuffer.wrap(ids), shape));
            inputs.put("attention_mask",
                    OnnxTensor.createTensor(OnnxModel.environment(), LongBuffer.wrap(mask), shape));
            if (wantsTokenTypes) {
                // One segment: every token type is 0.
                inputs.put("token_type_ids", OnnxTensor.createTensor(OnnxModel.environment(),
                        LongBuffer.wrap(new long[ids.length]), shape));
            }
            try (OrtSession.Result result = onnx.run(inputs)) {
                OnnxValue first = result.get(0);
                if (!(first instanceof OnnxTensor hidden)) {
                    throw new InferenceException("Text encoder " + model().id() + ": first output is not a tensor");
                }
                return read.apply(hidden);
            }
        } catch (OrtException e) {
            throw new InferenceException("Text encoder " + model().id() + ": " + e.getMessage(), e);
        } finally {
            inputs.values().forEach(OnnxTensor::close);
        }
    }

    /** One text's vector from its {@code tokens × dimension} hidden states (row-major), L2-normalised. */
    private float[] pool(FloatBuffer states, int tokens) {
        int dim = dimension();
        float[] vector = new float[dim];
        if (model().pooling() == EncoderModel.Pooling.CLS) {
            states.get(0, vector);
        } else {
            for (int t = 0; t < tokens; t++) {
                int base = t * dim;
                for (int j = 0; j < dim; j++) {
                    vector[j] += states.get(base + j);
                }
            }
            for (int j = 0; j < dim; j++) {
                vector[j] /= tokens;
            }
        }
        double sumSquares = 0;
        for (float v : vector) {
            sumSquares += (double) v * v;
        }
        float norm = (float) Math.sqrt(sumSquares);
        if (norm > 0) {
            for (int j = 0; j < dim; j++) {
                vector[j] /= norm;
            }
        }
        return vector;
    }

    /** Cosine similarity of two vectors (for this encoder's unit vectors, their dot product). */
    public static double cosine(float[] a, float[] b) {
        if (a.length != b.length) {
            throw new IllegalArgumentException("vectors of different lengths: " + a.length + " and " + b.length);
        }
        double dot = 0;
        double aa = 0;
        double bb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += (double) a[i] * b[i];
            aa += (double) a[i] * a[i];
            bb += (double) b[i] * b[i];
        }
        return aa == 0 || bb == 0 ? 0 : dot / Math.sqrt(aa * bb);
    }

    private static String requireText(String text, int index) {
        if (text == null) {
            throw new IllegalArgumentException("text " + index + " is null; embed an empty string for no text");
        }
        return text;
    }

    public TextEncoderOptions options() {
        return options;
    }

    /** Waits for the calls under way, then frees the session and the tokenizer. Closing twice is harmless. */
    @Override
    public void close() {
        Lock closing = lifecycle.writeLock();
        closing.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            if (workers != null) {
                workers.shutdown();
            }
            try {
                onnx.close();
            } finally {
                tokenizer.close();
            }
        } finally {
            closing.unlock();
        }
    }
}
