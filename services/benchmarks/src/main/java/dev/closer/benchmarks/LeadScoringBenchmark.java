package dev.closer.benchmarks;

import dev.closer.inference.InferenceOptions;
import dev.closer.inference.ModelBundle;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.closer.inference.OnnxModel;
import dev.closer.inference.tabular.TabularEncoder;
import dev.closer.inference.tabular.TabularModel;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
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
 * and, for single-lead latency percentiles: {@code ... LeadScoring -p batch=1 -bm sample -tu us}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class LeadScoringBenchmark {

    @Param({"1", "64", "1024"})
    int batch;

    @Param("ml/models/lead-score/v0")
    String modelDir;

    private TabularModel model;
    private List<Map<String, Object>> leads;
    private Map<String, OnnxTensor> tensors;

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
        TabularEncoder.Batch encoded = new TabularEncoder(model.spec()).encode(leads);
        try {
            tensors = Map.of(
                    model.spec().inputs().categorical(), OnnxTensor.createTensor(OnnxModel.environment(),
                            LongBuffer.wrap(encoded.categorical()), new long[] {batch, encoded.categoricalWidth()}),
                    model.spec().inputs().numeric(), OnnxTensor.createTensor(OnnxModel.environment(),
                            FloatBuffer.wrap(encoded.numeric()), new long[] {batch, encoded.numericWidth()}));
        } catch (OrtException e) {
            throw new IllegalStateException(e);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        tensors.values().forEach(OnnxTensor::close);
        model.close();
    }

    /** Scores {@code batch} leads in one run: the score is batches per second; times the batch, leads per second. */
    @Benchmark
    public float[] score() {
        return model.predict(leads);
    }

    /** The full path with factors: the lead and one variant per feature in the same run (as the app scores). */
    @Benchmark
    public List<TabularModel.Explained> scoreWithFactors() {
        return model.explain(leads, 3);
    }

    /** The ceiling: ONNX Runtime alone on tensors built once, no encoding and no decoding. */
    @Benchmark
    public float bareOnnxRuntime() throws OrtException {
        try (OrtSession.Result result = model.onnx().run(tensors)) {
            return ((float[][]) result.get(0).getValue())[0][0];
        }
    }
}
