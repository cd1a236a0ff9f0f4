package dev.closer.benchmarks;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.closer.inference.ExecutionDevice;
import dev.closer.inference.InferenceOptions;
import dev.closer.inference.OnnxModel;
import dev.closer.inference.text.EncoderModel;
import dev.closer.inference.text.TextEncoder;
import dev.closer.ingest.data.CallTranscribedData.Utterance;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * What ONNX Runtime alone does with an encoder graph, and whether batching would make it faster. Both answer whether
 * the text-encoder targets (#5: 2x langchain4j's throughput; #6: a 1,000-utterance call in under 2 s) are reachable
 * with these graphs on this machine.
 *
 * <ul>
 *   <li>{@code oneTextPerRun}: the langchain4j graph, one text per ONNX Runtime run on token ids tokenized in the
 *       setup: what {@code TextEncoder} does without its tokenizing and pooling, so the ceiling of any encoder that
 *       runs this graph one text at a time.</li>
 *   <li>{@code batchedRows}: the graph {@code ml/text/rowquant.py} rewrote (one quantization scale per batch row
 *       instead of one per run) on batches of up to {@code batch} texts of equal token count, so nothing is padded
 *       and each text's states are the ones it gets alone.</li>
 * </ul>
 *
 * Both run two runs at a time with one ONNX Runtime thread each (as {@code TextEncoderOptions.of} on 2 cores).
 * Texts, all SYNTHETIC: {@code calls}, the 2,000 utterances of two {@link SyntheticCalls} (seed 7, those of
 * {@code CallAnalysisBenchmark}); {@code emails}, the first 2,000 of {@link SyntheticEmails} (seed 42, those of
 * {@code TextEncoderBenchmark}). One operation is one text. The setup prints the largest difference between the
 * two graphs' hidden states over all texts.
 *
 * <pre>
 * mkdir -p .closer/rowquant
 * for jar in ~/.m2/repository/dev/langchain4j/langchain4j-embeddings-{bge-small-en-v15,all-minilm-l6-v2}-q/*&#47;*q-*.jar; do
 *   unzip -o -j "$jar" '*.onnx' -d .closer/rowquant; done
 * for m in bge-small-en-v1.5-q all-minilm-l6-v2-q; do
 *   /usr/bin/python3 ml/text/rowquant.py .closer/rowquant/$m.onnx .closer/rowquant/$m-rows.onnx; done
 * java -jar services/benchmarks/target/benchmarks.jar EncoderRunsBenchmark -f 1 -wi 1 -i 3
 * </pre>
 */
@BenchmarkMode(Mode.Throughput)
@Fork(value = 1, jvmArgsAppend = "-DOPT_OUT_TRACKING=true")
@OutputTimeUnit(TimeUnit.SECONDS)
@State(Scope.Benchmark)
public class EncoderRunsBenchmark {

    static final int TEXTS = 2_000;
    static final int WORKERS = 2;

    /** {@code bge-small} or {@code minilm} ({@link EncoderModel#byName}). */
    @Param({"bge-small", "minilm"})
    public String model;

    @Param({"calls", "emails"})
    public String texts;

    @Param("32")
    public int batch;

    /** Where the rewritten graphs are: {@code <folder>/<model resource>-rows.onnx}. */
    @Param(".closer/rowquant")
    public String rewritten;

    private EncoderModel encoder;
    private OnnxModel original;
    private OnnxModel rows;
    private long[][] ids;
    private List<int[]> batches;
    private ExecutorService workers;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        encoder = EncoderModel.byName(model);
        Path graph = Path.of(rewritten, encoder.onnxResource().replace(".onnx", "-rows.onnx"));
        if (!Files.isRegularFile(graph)) {
            throw new IllegalStateException(graph + " is missing: make it with ml/text/rowquant.py (see this class's "
                    + "comment)");
        }
        InferenceOptions oneThread = new InferenceOptions(ExecutionDevice.CPU, 0, 1, 1);
        original = OnnxModel.load(encoder.id(), TextEncoder.graph(encoder), oneThread);
        rows = OnnxModel.load(encoder.id() + "-rows", Files.readAllBytes(graph), oneThread);
        List<String> chosen = switch (texts) {
            case "calls" -> SyntheticCalls.generate(TEXTS / 1_000, 1_000, 7).stream().flatMap(List::stream)
                    .map(Utterance::text).toList();
            case "emails" -> SyntheticEmails.generate(TEXTS, 42);
            default -> throw new IllegalArgumentException("texts: calls or emails, got " + texts);
        };
        try (TextEncoder tokens = TextEncoder.open(encoder)) { // serving's tokenizer and its settings
            ids = chosen.stream().map(tokens::tokenIds).toArray(long[][]::new);
        }
        TreeMap<Integer, List<Integer>> byLength = new TreeMap<>();
        for (int i = 0; i < ids.length; i++) {
            byLength.computeIfAbsent(ids[i].length, k -> new ArrayList<>()).add(i);
        }
        batches = new ArrayList<>();
        for (List<Integer> same : byLength.descendingMap().values()) {
            for (int from = 0; from < same.size(); from += batch) {
                batches.add(same.subList(from, Math.min(same.size(), from + batch)).stream()
                        .mapToInt(Integer::intValue).toArray());
            }
        }
        workers = Executors.newFixedThreadPool(WORKERS);
        // Each batch, then each of its texts alone: the largest difference between the two.
        double[] largest = new double[batches.size()];
        parallel(batches.size(), b -> {
            int[] members = batches.get(b);
            float[][] batched = run(rows, Arrays.stream(members).mapToObj(i -> ids[i]).toArray(long[][]::new));
            for (int j = 0; j < members.length; j++) {
                float[] alone = run(original, new long[][] {ids[members[j]]})[0];
                for (int k = 0; k < alone.length; k++) {
                    largest[b] = Math.max(largest[b], Math.abs(alone[k] - batched[j][k]));
                }
            }
        });
        System.out.printf("%n%s, %d %s texts, %.1f tokens on average, %d batches of up to %d; largest |difference| "
                        + "of a hidden state, batched against alone: %.3g%n", encoder.id(), ids.length, texts,
                Arrays.stream(ids).mapToInt(a -> a.length).average().orElse(0), batches.size(), batch,
                Arrays.stream(largest).max().orElse(0));
    }

    @Benchmark
    @OperationsPerInvocation(TEXTS)
    public void oneTextPerRun() {
        parallel(ids.length, i -> run(original, new long[][] {ids[i]}));
    }

    @Benchmark
    @OperationsPerInvocation(TEXTS)
    public void batchedRows() {
        parallel(batches.size(), b -> run(rows,
                Arrays.stream(batches.get(b)).mapToObj(i -> ids[i]).toArray(long[][]::new)));
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        workers.shutdown();
        original.close();
        rows.close();
    }

    interface Job {
        void run(int index);
    }

    /** Jobs 0..count-1 on {@link #WORKERS} threads, each taking the next job when done with one. */
    private void parallel(int count, Job job) {
        AtomicInteger next = new AtomicInteger();
        List<Future<?>> started = new ArrayList<>();
        for (int w = 0; w < WORKERS; w++) {
            started.add(workers.submit(() -> {
                for (int k = next.getAndIncrement(); k < count; k = next.getAndIncrement()) {
                    job.run(k);
                }
            }));
        }
        try {
            for (Future<?> future : started) {
                future.get();
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The hidden states of each text ({@code tokens x dimension}); all texts have the same length, every token
     * attended. */
    private static float[][] run(OnnxModel graph, long[][] texts) {
        int count = texts.length;
        int tokens = texts[0].length;
        long[] flat = new long[count * tokens];
        for (int i = 0; i < count; i++) {
            System.arraycopy(texts[i], 0, flat, i * tokens, tokens);
        }
        long[] mask = new long[flat.length];
        Arrays.fill(mask, 1L);
        long[] shape = {count, tokens};
        Map<String, OnnxTensor> inputs = new java.util.HashMap<>();
        try {
            inputs.put("input_ids", OnnxTensor.createTensor(OnnxModel.environment(), LongBuffer.wrap(flat), shape));
            inputs.put("attention_mask",
                    OnnxTensor.createTensor(OnnxModel.environment(), LongBuffer.wrap(mask), shape));
            inputs.put("token_type_ids", OnnxTensor.createTensor(OnnxModel.environment(),
                    LongBuffer.wrap(new long[flat.length]), shape));
            try (OrtSession.Result result = graph.run(inputs)) {
                FloatBuffer states = ((OnnxTensor) result.get(0)).getFloatBuffer();
                int size = states.remaining() / count;
                float[][] each = new float[count][size];
                for (int i = 0; i < count; i++) {
                    states.get(i * size, each[i]);
                }
                return each;
            }
        } catch (OrtException e) {
            throw new IllegalStateException(e);
        } finally {
            inputs.values().forEach(OnnxTensor::close);
        }
    }
}
