package dev.closer.benchmarks;

import dev.closer.inference.text.EncoderModel;
import dev.closer.inference.text.TextEncoder;
import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.onnx.allminilml6v2q.AllMiniLmL6V2QuantizedEmbeddingModel;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The text encoder against its peer, langchain4j's {@code AllMiniLmL6V2QuantizedEmbeddingModel.embedAll}, on the same
 * 10,000 SYNTHETIC sales-email-like texts (5–200 words, {@link SyntheticEmails}, seed 42). One operation is one text:
 * the score is texts per second.
 *
 * <pre>java -jar services/benchmarks/target/benchmarks.jar TextEncoderBenchmark -f 1 -wi 1 -i 2</pre>
 *
 * Threads, the same budget for all: langchain4j runs with its defaults, an executor of one thread per processor, each
 * calling one ONNX Runtime session whose intra-op pool has ONNX Runtime's default size (one per core). Ours runs
 * {@code TextEncoderOptions.of}: one text per run, one ONNX Runtime thread per run, one run per processor. After
 * the langchain4j trial, the teardown embeds the same texts with our MiniLM encoder and prints the smallest cosine
 * between the two vectors of a text.
 *
 * <p>The forked JVM gets {@code -DOPT_OUT_TRACKING=true}: DJL's tokenizer (in both encoders) reports to AWS when it
 * runs on EC2 unless told not to, and the encoder library leaves that setting to the process.
 */
@BenchmarkMode(Mode.Throughput)
@Fork(jvmArgsAppend = "-DOPT_OUT_TRACKING=true")
@OutputTimeUnit(TimeUnit.SECONDS)
public class TextEncoderBenchmark {

    static final int TEXTS = 10_000;

    /** The texts; each encoder is a state of its own, so that a benchmark loads only the model it runs. */
    @State(Scope.Benchmark)
    public static class Texts {
        List<String> texts;
        List<TextSegment> segments;

        @Setup(Level.Trial)
        public void setUp() {
            texts = SyntheticEmails.generate(TEXTS, 42);
            segments = texts.stream().map(TextSegment::from).toList();
            System.out.printf("%n%d texts, %.0f words on average; %d processors%n", texts.size(),
                    texts.stream().mapToInt(t -> t.split(" ").length).average().orElse(0),
                    Runtime.getRuntime().availableProcessors());
        }
    }

    @State(Scope.Benchmark)
    public static class Langchain4j {
        AllMiniLmL6V2QuantizedEmbeddingModel model;
        List<String> texts;
        List<Embedding> last;

        @Setup(Level.Trial)
        public void setUp(Texts texts) {
            model = new AllMiniLmL6V2QuantizedEmbeddingModel();
            this.texts = texts.texts;
        }

        /** Our MiniLM on the same texts: the smallest cosine between the two vectors of a text. */
        @TearDown(Level.Trial)
        public void checkParity() {
            try (TextEncoder ours = TextEncoder.open(EncoderModel.MINILM)) {
                float[][] vectors = ours.embedAll(texts);
                double min = 1;
                int worst = -1;
                for (int i = 0; i < texts.size(); i++) {
                    double cosine = TextEncoder.cosine(last.get(i).vector(), vectors[i]);
                    if (cosine < min) {
                        min = cosine;
                        worst = i;
                    }
                }
                System.out.printf("%nParity with langchain4j over %d texts: min cosine %.7f (text %d)%n",
                        texts.size(), min, worst);
            }
        }
    }

    @State(Scope.Benchmark)
    public static class MiniLm {
        TextEncoder encoder;

        @Setup(Level.Trial)
        public void setUp() {
            encoder = TextEncoder.open(EncoderModel.MINILM);
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            encoder.close();
        }
    }

    @State(Scope.Benchmark)
    public static class BgeSmall {
        TextEncoder encoder;

        @Setup(Level.Trial)
        public void setUp() {
            encoder = TextEncoder.open(EncoderModel.BGE_SMALL);
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            encoder.close();
        }
    }

    /** The peer: langchain4j's embedAll with its default executor. */
    @Benchmark
    @OperationsPerInvocation(TEXTS)
    public List<Embedding> langchain4jMiniLm(Texts texts, Langchain4j peer) {
        peer.last = peer.model.embedAll(texts.segments).content();
        return peer.last;
    }

    @Benchmark
    @OperationsPerInvocation(TEXTS)
    public float[][] closerMiniLm(Texts texts, MiniLm miniLm) {
        return miniLm.encoder.embedAll(texts.texts);
    }

    @Benchmark
    @OperationsPerInvocation(TEXTS)
    public float[][] closerBgeSmall(Texts texts, BgeSmall bgeSmall) {
        return bgeSmall.encoder.embedAll(texts.texts);
    }
}
