package dev.closer.app.scoring;

import dev.closer.app.config.CloserConfig;
import dev.closer.app.lead.Lead;
import dev.closer.app.scoring.registry.BundleFiles;
import dev.closer.app.scoring.registry.ModelRegistry;
import dev.closer.inference.tabular.Factor;
import dev.closer.inference.tabular.TabularEncoder;
import dev.closer.inference.tabular.TabularModel;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import dev.closer.inference.tabular.Times;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.jboss.logging.Logger;

/**
 * Serves the lead-scoring model: registers the bundle shipped with the app in the model registry at start-up, has
 * the registry serve the active version (which it swaps without failing a request when another is activated), and
 * turns a batch of leads into probabilities, 1–99 scores, grades and the top factors behind each score in one ONNX
 * run. When a shadow version is set, the same batch is also scored by it, off the caller's thread.
 */
@ApplicationScoped
public class LeadScorer {

    public static final String MODEL_NAME = "lead-score";
    private static final Logger LOG = Logger.getLogger(LeadScorer.class);

    /** Factors kept per score: this many that raised it and this many that lowered it. */
    static final int FACTORS = 3;

    /**
     * A score for one lead, with the factors behind it (those that raised it first, strongest first).
     *
     * @param modelProbability the model's probability before decay
     */
    public record Result(double probability, int score, String grade, List<Map<String, Object>> factors,
                         String modelVersion, double modelProbability) {
    }

    @Inject
    CloserConfig config;
    @Inject
    ModelRegistry registry;
    @Inject
    ShadowScorer shadows;
    @Inject
    MeterRegistry meters;

    private final Map<String, Timer> timers = new ConcurrentHashMap<>();
    private ScoreDecay decay;

    @PostConstruct
    void init() {
        CloserConfig.Scoring.Decay d = config.scoring().decay();
        decay = new ScoreDecay(d.enabled(), d.grace(), d.halfLife());
    }

    void onStart(@Observes @Priority(10) StartupEvent start) throws IOException {
        String version = config.models().leadScoreVersion();
        Optional<Path> dir = config.models().dir().map(d -> d.resolve(MODEL_NAME));
        if (dir.isPresent()) {
            // Every version in the folder is registered (and validated); only the configured one must be there.
            registry.registerBundled(BundleFiles.checked(BundleFiles.fromDirectory(dir.get().resolve(version))),
                    dir.get().resolve(version).toString());
            try (Stream<Path> versions = Files.list(dir.get())) {
                for (Path other : versions.filter(p -> Files.isRegularFile(p.resolve(BundleFiles.MODEL))
                        && !p.getFileName().toString().equals(version)).sorted().toList()) {
                    try {
                        registry.registerBundled(BundleFiles.checked(BundleFiles.fromDirectory(other)),
                                other.toString());
                    } catch (RuntimeException e) {
                        LOG.warnf("Model bundle %s not registered: %s", other, e.getMessage());
                    }
                }
            }
        } else {
            String prefix = "models/" + MODEL_NAME + "/" + version;
            ClassLoader loader = Thread.currentThread().getContextClassLoader();
            registry.registerBundled(BundleFiles.checked(BundleFiles.fromClasspath(prefix, loader)),
                    "classpath:" + prefix);
            for (String other : config.models().leadScoreBundled()) {
                String at = "models/" + MODEL_NAME + "/" + other;
                Map<String, byte[]> files = BundleFiles.fromClasspath(at, loader);
                if (other.equals(version) || !files.containsKey(BundleFiles.MODEL)) {
                    continue;
                }
                try {
                    registry.registerBundled(BundleFiles.checked(files), "classpath:" + at);
                } catch (RuntimeException e) {
                    LOG.warnf("Model bundle %s not registered: %s", at, e.getMessage());
                }
            }
        }
        registry.serve(MODEL_NAME, version);
        LOG.infof("Serving %s/%s", MODEL_NAME, modelVersion());
    }

    void onStop(@Observes @Priority(100) ShutdownEvent stop) {
        registry.shutdown();
    }

    public String modelName() {
        return MODEL_NAME;
    }

    /** The version serving now; a scoring run reports the version that actually scored it in its results. */
    public String modelVersion() {
        return registry.servingVersion(MODEL_NAME).orElse(null);
    }

    public boolean isLoaded() {
        return registry.servingVersion(MODEL_NAME).isPresent();
    }

    private Timer timer(String version) {
        return timers.computeIfAbsent(version, v -> Timer.builder("closer.scoring.batch")
                .tag("model", MODEL_NAME + "/" + v).description("Time to score one batch of leads")
                .register(meters));
    }

    /** The feature name of the decay factor. */
    static final String DECAY = "decay";

    /** Record key of when the lead was created (or otherwise last active); decay counts from its activities after. */
    public static final String LAST_ACTIVITY_AT = "lastActivityAt";

    /**
     * Scores and explains the records in one model run, in order. A record holds the lead's fields under the
     * names of {@link Lead#features()}, its recent activities and the scoring time under the names the model's
     * sequence section gives ({@code activities}, {@code asOf}), and {@link #LAST_ACTIVITY_AT} for decay.
     */
    public List<Result> score(List<? extends Map<String, ?>> records) {
        String version;
        List<TabularModel.Explained> explained;
        try (ModelRegistry.Lease lease = registry.lease(MODEL_NAME)) {
            version = lease.version();
            explained = timer(version).record(() -> lease.model().explain(records, FACTORS));
        }
        List<Result> results = new ArrayList<>(explained.size());
        for (int i = 0; i < explained.size(); i++) {
            results.add(explainedResult(records.get(i), explained.get(i), version));
        }
        shadows.submit(MODEL_NAME, version, records, results, this::shadowResult);
        return results;
    }

    /**
     * As {@link #score}, without explaining: one model run for the batch; the only factor is decay's, when it took
     * points. For callers that need the number, not the reasons (about 10 times cheaper for v1 at batch 1, by JMH).
     */
    public List<Result> scoreWithoutFactors(List<? extends Map<String, ?>> records) {
        if (records.isEmpty()) {
            return List.of();
        }
        String version;
        float[] p;
        try (ModelRegistry.Lease lease = registry.lease(MODEL_NAME)) {
            version = lease.version();
            p = timer(version).record(() -> lease.model().predict(records));
        }
        List<Result> results = new ArrayList<>(records.size());
        for (int i = 0; i < records.size(); i++) {
            results.add(decayed(records.get(i), p[i], new ArrayList<>(), version));
        }
        shadows.submit(MODEL_NAME, version, records, results, this::shadowResult);
        return results;
    }

    /** A record's score with its factors, the points lost to decay among them. */
    private Result explainedResult(Map<String, ?> record, TabularModel.Explained e, String version) {
        List<Map<String, Object>> factors = new ArrayList<>();
        e.positive().forEach(f -> factors.add(factor(f, "positive")));
        e.negative().forEach(f -> factors.add(factor(f, "negative")));
        return decayed(record, e.probability(), factors, version);
    }

    /** The decayed score of a model probability, with the decay factor added to {@code factors} when it took points. */
    private Result decayed(Map<String, ?> record, double modelProbability, List<Map<String, Object>> factors,
                           String version) {
        Instant asOf = asOf(record);
        Instant last = lastActivity(record);
        double probability = modelProbability * decay.multiplier(last, asOf);
        if (probability < modelProbability) {
            long days = Duration.between(last, asOf).toDays();
            factors.add(factor(Factor.custom(DECAY, "no recent activity", days,
                    100.0 * (probability - modelProbability), "No activity for " + days + " days"), "negative"));
        }
        return toResult(modelProbability, probability, factors, version);
    }

    /** Sees what each batch of a rescore fed the model (for drift). */
    public interface BatchObserver {
        void scored(String version, TabularModel model, TabularEncoder.Batch batch, float[] probabilities);
    }

    /** A rescored lead: its new score, and whether it differs from its stored one. */
    public record Rescored(Result result, boolean changed) {
    }

    /**
     * Rescores stored leads (the nightly batch): one ONNX run scores the batch; a lead whose score, grade and model
     * are what is stored is unchanged. A changed lead is explained (a second run) unless only decay moved it: same
     * model version, and the model's own probability within {@code refactorPoints} score points of the stored one
     * — then the stored factors are kept and the decay factor brought up to date. Unchanged results are not
     * explained (they carry decay's factor only) and are not written.
     *
     * @param stored         each lead's latest score by id (absent: never scored)
     * @param refactorPoints how far the model's probability may move, in points, before factors are recomputed
     * @param observer       sees each batch that was scored and explained, and the model's probabilities before
     *                       decay, or null
     */
    public List<Rescored> rescore(List<? extends Map<String, ?>> records, Map<String, ScoreWriter.Stored> stored,
                                  double refactorPoints, BatchObserver observer) {
        List<Rescored> out = new ArrayList<>(records.size());
        if (records.isEmpty()) {
            return out;
        }
        try (ModelRegistry.Lease lease = registry.lease(MODEL_NAME)) {
            String version = lease.version();
            TabularModel model = lease.model();
            TabularEncoder.Batch batch = model.encoder().encode(records);
            float[] p = timer(version).record(() -> model.predict(batch));
            List<Map<String, ?>> explain = new ArrayList<>();
            List<Integer> where = new ArrayList<>();
            for (int i = 0; i < records.size(); i++) {
                Map<String, ?> record = records.get(i);
                ScoreWriter.Stored before = stored.get(String.valueOf(record.get("id")));
                Result plain = decayed(record, p[i], new ArrayList<>(), version);
                if (before != null && before.sameAs(plain)) {
                    out.add(new Rescored(plain, false));
                } else if (before != null && before.modelVersion().equals(version) && before.modelProbability() != null
                        && Math.abs(p[i] - before.modelProbability()) * 100 < refactorPoints) {
                    List<Map<String, Object>> factors = new ArrayList<>(before.factors().get().stream()
                            .filter(f -> !DECAY.equals(f.get("feature"))).toList());
                    out.add(new Rescored(decayed(record, p[i], factors, version), true));
                } else {
                    out.add(null);
                    explain.add(record);
                    where.add(i);
                }
            }
            List<TabularModel.Explained> explained = model.explain(explain, FACTORS);
            for (int j = 0; j < explained.size(); j++) {
                out.set(where.get(j), new Rescored(explainedResult(explain.get(j), explained.get(j), version), true));
            }
            if (observer != null) { // last: a batch that fails is retried lead by lead and must not count twice
                observer.scored(version, model, batch, p);
            }
        }
        return out;
    }

    /** The score a shadow version's probability gives, decayed as {@link #score} decays the active one's. */
    Result shadowResult(Map<String, ?> record, double probability, String version) {
        return toResult(probability, probability * decay.multiplier(lastActivity(record), asOf(record)), List.of(),
                version);
    }

    private static Instant asOf(Map<String, ?> record) {
        Object value = record.get("asOf");
        return value == null ? Instant.now() : Times.instant("asOf", value);
    }

    /**
     * When the lead last did something: its newest activity up to the scoring time (emails we send do not count),
     * else the record's {@link #LAST_ACTIVITY_AT} (e.g. its creation), else null (no decay).
     */
    static Instant lastActivity(Map<String, ?> record) {
        Object value = record.get(LAST_ACTIVITY_AT);
        Instant last = value == null ? null : Times.instant(LAST_ACTIVITY_AT, value);
        if (record.get("activities") instanceof List<?> activities) {
            Instant asOf = asOf(record);
            for (Object a : activities) {
                if (a instanceof Map<?, ?> activity && !LeadRecords.EMAIL_SENT.equals(activity.get("type"))
                        && activity.get("occurredAt") != null) {
                    Instant at = Times.instant("activities.occurredAt", activity.get("occurredAt"));
                    if (!at.isAfter(asOf) && (last == null || at.isAfter(last))) {
                        last = at;
                    }
                }
            }
        }
        return last;
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
    static Result toResult(double probability, List<Map<String, Object>> factors, String modelVersion) {
        return toResult(probability, probability, factors, modelVersion);
    }

    static Result toResult(double modelProbability, double probability, List<Map<String, Object>> factors,
                           String modelVersion) {
        int score = (int) Math.max(1, Math.min(99, Math.round(probability * 100)));
        String grade = probability >= 0.75 ? "A" : probability >= 0.5 ? "B" : probability >= 0.25 ? "C" : "D";
        return new Result(probability, score, grade, factors, modelVersion, modelProbability);
    }
}
