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
import java.time.Instant;
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
 * <pre>java -jar services/benchmarks/target/benchmarks.jar LeadScoring -p modelDir=ml/models/lead-score/v1</pre>
 * Leads carry a timeline of 0–40 activities (used when the model reads a sequence, as v1 does).
 * and, for single-lead latency percentiles: {@code ... LeadScoring -p batch=1 -bm sample -tu us}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class LeadScoringBenchmark {

    @Param({"1", "64", "1024"})
    int batch;

    private static final Instant NOW = Instant.parse("2026-11-24T00:00:00Z");

    @Param("ml/models/lead-score/v1")
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
        String[] seniorities = {"ic", "manager", "director", "vp", "c_level"};
        String[] departments = {"data", "engineering", "marketing", "sales", "finance", "hr"};
        String[] industries = {"Software", "Retail", "Education", "Financial Services", "Government"};
        String[] types = {"page_view", "page_view", "page_view", "email_opened", "form_fill", "email_sent",
            "meeting", "email_replied"};
        String[] pages = {"home", "blog", "pricing", "docs", "case_study", "careers", "integrations"};
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
            lead.put("seniority", seniorities[random.nextInt(seniorities.length)]);
            lead.put("department", departments[random.nextInt(departments.length)]);
            lead.put("industry", industries[random.nextInt(industries.length)]);
            lead.put("employees", 10 + random.nextInt(5000));
            // A timeline for models that read one: up to 40 activities over the last 30 days.
            List<Map<String, Object>> activities = new ArrayList<>();
            int n = random.nextInt(41);
            for (int a = 0; a < n; a++) {
                String type = types[random.nextInt(types.length)];
                Map<String, Object> activity = new HashMap<>();
                activity.put("type", type);
                activity.put("occurredAt", NOW.minusSeconds(random.nextInt(30 * 86_400)));
                if (type.equals("page_view")) {
                    activity.put("properties", Map.of("page", pages[random.nextInt(pages.length)]));
                }
                activities.add(activity);
            }
            lead.put("activities", activities);
            lead.put("asOf", NOW);
            leads.add(lead);
        }
        TabularEncoder.Batch encoded = new TabularEncoder(model.spec()).encode(leads);
        try {
            tensors = new HashMap<>();
            tensors.put(model.spec().inputs().categorical(), OnnxTensor.createTensor(OnnxModel.environment(),
                    LongBuffer.wrap(encoded.categorical()), new long[] {batch, encoded.categoricalWidth()}));
            tensors.put(model.spec().inputs().numeric(), OnnxTensor.createTensor(OnnxModel.environment(),
                    FloatBuffer.wrap(encoded.numeric()), new long[] {batch, encoded.numericWidth()}));
            if (model.spec().hasSequence()) {
                long[] shape = {batch, encoded.sequenceLength()};
                tensors.put(model.spec().sequence().inputs().tokens(), OnnxTensor.createTensor(
                        OnnxModel.environment(), LongBuffer.wrap(encoded.tokens()), shape));
                tensors.put(model.spec().sequence().inputs().time(), OnnxTensor.createTensor(
                        OnnxModel.environment(), FloatBuffer.wrap(encoded.times()), shape));
            }
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
