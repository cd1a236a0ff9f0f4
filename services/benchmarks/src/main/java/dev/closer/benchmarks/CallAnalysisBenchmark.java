package dev.closer.benchmarks;

import dev.closer.inference.InferenceOptions;
import dev.closer.inference.ModelBundle;
import dev.closer.inference.text.EncoderModel;
import dev.closer.inference.text.TextClassifier;
import dev.closer.inference.text.TextEncoder;
import dev.closer.inference.text.TextEncoderOptions;
import dev.closer.ingest.call.CallAnalyzer;
import dev.closer.ingest.call.CallMetrics;
import dev.closer.ingest.call.InvalidTranscriptException;
import dev.closer.ingest.call.SeededTrackers;
import dev.closer.ingest.data.CallTranscribedData.Utterance;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Issue #6's target: a 60-minute call (~1,000 utterances) analysed end to end — {@link CallAnalyzer}: validation,
 * CallMetrics, the tone of every utterance (BGE-small, the encoder the app serves, then ml/models/tone/v1) and the 14
 * default trackers as V12 seeds them ({@link SeededTrackers}), 7 of them semantic — in under 2 s on the machine's CPU.
 * SYNTHETIC calls ({@link SyntheticCalls}, seed 7: 1,000 utterances lasting 78–82 minutes, more than the target's
 * 60), each analysed once per measured iteration (single shot), different calls in turn; the teardown prints the
 * median and p99 of the measured analyses.
 *
 * <pre>java -jar services/benchmarks/target/benchmarks.jar CallAnalysisBenchmark -f 1 -wi 2 -i 100</pre>
 * (-i sets how many calls are measured; run from the repository root, or set -p modelsDir=...).
 */
@BenchmarkMode(Mode.SingleShotTime)
@Fork(value = 1, jvmArgsAppend = "-DOPT_OUT_TRACKING=true")
@Warmup(iterations = 2)
@Measurement(iterations = 100)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@State(Scope.Benchmark)
public class CallAnalysisBenchmark {

    static final int CALLS = 20;

    @Param("1000")
    public int utterances;

    @Param("ml/models")
    public String modelsDir;

    private TextEncoder encoder;
    private TextClassifier tone;
    private CallAnalyzer analyzer;
    private List<List<Utterance>> calls;
    private List<CallAnalyzer.Tracker> trackers;
    private final List<Long> nanos = new ArrayList<>();
    private int next;

    @Setup(Level.Trial)
    public void setUp() {
        encoder = TextEncoder.open(TextEncoderOptions.of(EncoderModel.BGE_SMALL));
        tone = TextClassifier.open(ModelBundle.Files.directory(Path.of(modelsDir, "tone", "v1")),
                InferenceOptions.cpu());
        // The tone head's band rule (TextClassifier.tones), as the app's CallAnalysis passes it.
        analyzer = new CallAnalyzer(encoder::embedAll, vectors -> Arrays.stream(tone.tones(vectors))
                .map(t -> new CallAnalyzer.Tone(t.label(), t.positive())).toArray(CallAnalyzer.Tone[]::new),
                CallMetrics.Settings.DEFAULTS);
        calls = SyntheticCalls.generate(CALLS, utterances, 7);
        try {
            trackers = SeededTrackers.parse(Files.readString(Path.of(SeededTrackers.MIGRATION)));
        } catch (IOException e) {
            throw new UncheckedIOException("run from the repository root: " + SeededTrackers.MIGRATION, e);
        }
        System.out.printf("%n%d synthetic calls of %d utterances, %.1f words per utterance; %d processors, "
                        + "encoder threads %d%n", CALLS, utterances,
                calls.get(0).stream().mapToInt(u -> u.text().split(" ").length).average().orElse(0),
                Runtime.getRuntime().availableProcessors(), encoder.options().threads());
    }

    @Benchmark
    public CallAnalyzer.Result analyse() throws InvalidTranscriptException {
        long started = System.nanoTime();
        CallAnalyzer.Result r = analyzer.analyse(calls.get(next++ % CALLS), trackers);
        nanos.add(System.nanoTime() - started);
        return r;
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        long[] measured = nanos.stream().skip(2).mapToLong(Long::longValue).toArray(); // the 2 warm-up calls
        Arrays.sort(measured);
        if (measured.length > 0) {
            System.out.printf("%ncalls measured %d: median %.0f ms, p99 %.0f ms, max %.0f ms%n", measured.length,
                    measured[(measured.length - 1) / 2] / 1e6,
                    measured[(int) Math.ceil(0.99 * measured.length) - 1] / 1e6,
                    measured[measured.length - 1] / 1e6);
        }
        tone.close();
        encoder.close();
    }
}
