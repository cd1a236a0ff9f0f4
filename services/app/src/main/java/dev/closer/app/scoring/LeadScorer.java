package dev.closer.app.scoring;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.closer.app.config.CloserConfig;
import dev.closer.app.lead.Lead;
import dev.closer.inference.InferenceOptions;
import dev.closer.inference.ModelBundle;
import dev.closer.inference.tabular.Factor;
import dev.closer.inference.tabular.TabularModel;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * Serves the lead-scoring model: loads its bundle once at start-up (one long-lived ONNX Runtime session),
 * records it in the model registry, and turns a batch of leads into probabilities, 1–99 scores, grades and the
 * top factors behind each score in one ONNX run.
 */
@ApplicationScoped
public class LeadScorer {

    public static final String MODEL_NAME = "lead-score";
    private static final Logger LOG = Logger.getLogger(LeadScorer.class);

    /** Factors kept per score: this many that raised it and this many that lowered it. */
    static final int FACTORS = 3;

    /** A score for one lead, with the factors behind it (those that raised it first, strongest first). */
    public record Result(double probability, int score, String grade, List<Map<String, Object>> factors) {
    }

    @Inject
    CloserConfig config;
    @Inject
    ModelRepository models;
    @Inject
    ObjectMapper json;
    @Inject
    MeterRegistry meters;

    private volatile TabularModel model;
    private Timer timer;

    void onStart(@Observes @Priority(10) StartupEvent start) {
        String version = config.models().leadScoreVersion();
        ModelBundle bundle = config.models().dir()
                .map(dir -> ModelBundle.fromDirectory(dir.resolve(MODEL_NAME).resolve(version)))
                .orElseGet(() -> ModelBundle.fromClasspath("models/" + MODEL_NAME + "/" + version,
                        Thread.currentThread().getContextClassLoader()));
        CloserConfig.Inference inference = config.inference();
        model = TabularModel.open(bundle, new InferenceOptions(inference.device(), inference.cudaDeviceId(),
                inference.intraOpThreads(), inference.interOpThreads()));
        timer = Timer.builder("closer.scoring.batch").tag("model", bundle.id())
                .description("Time to score one batch of leads").register(meters);
        QuarkusTransaction.requiringNew().run(() -> register(bundle));
        LOG.infof("Serving %s (sha256 %s) on %s", bundle.id(), bundle.sha256().substring(0, 12),
                model.onnx().device());
    }

    void onStop(@Observes @Priority(100) ShutdownEvent stop) {
        if (model != null) {
            model.close();
        }
    }

    private void register(ModelBundle bundle) {
        Model row = models.findVersion(bundle.name(), bundle.version()).orElse(null);
        if (row != null) {
            if (!row.sha256.equals(bundle.sha256())) {
                throw new IllegalStateException("Model " + bundle.id() + " is registered with sha256 " + row.sha256
                        + " but the file to serve has " + bundle.sha256()
                        + ": a changed model needs a new version, so history stays traceable");
            }
            return;
        }
        row = new Model();
        row.name = bundle.name();
        row.version = bundle.version();
        row.sha256 = bundle.sha256();
        row.metrics = bundle.metrics().map(m -> json.convertValue(m, new TypeReference<Map<String, Object>>() { }))
                .orElse(null);
        row.card = bundle.card().orElse(null);
        boolean first = models.active(bundle.name()).isEmpty();
        row.status = first ? "active" : "registered";
        row.activatedAt = first ? OffsetDateTime.now() : null;
        models.persist(row);
    }

    public String modelName() {
        return model.bundle().name();
    }

    public String modelVersion() {
        return model.bundle().version();
    }

    public boolean isLoaded() {
        return model != null;
    }

    /** Scores and explains the leads in one model run, in order. */
    public List<Result> score(List<Lead> leads) {
        List<Map<String, Object>> features = new ArrayList<>(leads.size());
        for (Lead lead : leads) {
            features.add(lead.features());
        }
        List<TabularModel.Explained> explained = timer.record(() -> model.explain(features, FACTORS));
        List<Result> results = new ArrayList<>(explained.size());
        for (TabularModel.Explained e : explained) {
            List<Map<String, Object>> factors = new ArrayList<>();
            e.positive().forEach(f -> factors.add(factor(f, "positive")));
            e.negative().forEach(f -> factors.add(factor(f, "negative")));
            results.add(toResult(e.probability(), factors));
        }
        return results;
    }

    private static Map<String, Object> factor(Factor f, String direction) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("feature", f.feature());
        m.put("label", f.label());
        m.put("value", f.value());
        m.put("points", Math.round(f.points() * 10) / 10.0);
        m.put("direction", direction);
        m.put("text", f.text());
        return m;
    }

    /**
     * Score is the probability in points, kept within 1–99 (no lead is certain either way); grades cut the
     * probability at 0.75 (A), 0.50 (B) and 0.25 (C).
     */
    static Result toResult(double probability, List<Map<String, Object>> factors) {
        int score = (int) Math.max(1, Math.min(99, Math.round(probability * 100)));
        String grade = probability >= 0.75 ? "A" : probability >= 0.5 ? "B" : probability >= 0.25 ? "C" : "D";
        return new Result(probability, score, grade, factors);
    }
}
