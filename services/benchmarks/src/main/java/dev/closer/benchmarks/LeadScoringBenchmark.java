package dev.closer.benchmarks;

import dev.closer.inference.InferenceOptions;
import dev.closer.inference.ModelBundle;
import dev.closer.inference.tabular.TabularModel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Lead scoring in process: raw lead fields → features.json encoding → one ONNX Runtime run per batch, for
 * several batch sizes (one at a time versus batched tensors).
 *
 * <pre>java -jar services/benchmarks/target/benchmarks.jar LeadScoring -p modelDir=ml/models/lead-score/v0</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class LeadScoringBenchmark {

    @Param({"1", "64", "512"})
    int batch;

    @Param("ml/models/lead-score/v0")
    String modelDir;

    private TabularModel model;
    private List<Map<String, Object>> leads;

    @Setup(Level.Trial)
    public void setUp() {
        model = TabularModel.open(ModelBundle.fromDirectory(Path.of(modelDir)), InferenceOptions.cpu());
        Random random = new Random(42);
        String[] sources = {"Google", "Direct Traffic", "Olark Chat", "Organic Search", "Reference", "Partner"};
        String[] origins = {"Landing Page Submission", "API", "Lead Add Form"};
        leads = new ArrayList<>();
        for (int i = 0; i < batch; i++) {
            Map<String, Object> lead = new HashMap<>();
            lead.put("source", sources[random.nextInt(sources.length)]);
            lead.put("origin", origins[random.nextInt(origins.length)]);
            lead.put("country", random.nextBoolean() ? "India" : null);
            lead.put("websiteVisits", (double) random.nextInt(20));
            lead.put("websiteSeconds", (double) random.nextInt(2000));
            lead.put("pageViewsPerVisit", random.nextDouble() * 5);
            lead.put("doNotEmail", random.nextInt(10) == 0);
            leads.add(lead);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        model.close();
    }

    /** Scores {@code batch} leads in one run: the score is batches per second; times the batch, leads per second. */
    @Benchmark
    public float[] score() {
        return model.predict(leads);
    }
}
