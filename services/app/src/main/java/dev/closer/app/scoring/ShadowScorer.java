package dev.closer.app.scoring;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.closer.app.config.CloserConfig;
import dev.closer.app.db.Unnest;
import dev.closer.app.scoring.registry.ModelRegistry;
import io.agroal.api.AgroalDataSource;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Shadow scoring: when a model name has a shadow version, every batch the active version scored is scored again by
 * the shadow, on a thread of its own, and both scores of each lead go to {@code shadow_scores} for comparison. It
 * never fails or slows down the real scoring: a shadow that fails is logged and counted, and when the shadow
 * falls {@code closer.models.shadow-queue} batches behind, further batches are skipped (counted).
 */
@ApplicationScoped
public class ShadowScorer {

    private static final Logger LOG = Logger.getLogger(ShadowScorer.class);
    private static final long WARN_EVERY_NANOS = TimeUnit.MINUTES.toNanos(1);

    @Inject
    ModelRegistry registry;
    @Inject
    AgroalDataSource dataSource;
    @Inject
    CloserConfig config;
    @Inject
    MeterRegistry meters;
    @Inject
    ObjectMapper json;

    private ThreadPoolExecutor executor;
    private Counter scored;
    private Counter dropped;
    private Counter failures;
    private volatile long lastWarning = System.nanoTime() - WARN_EVERY_NANOS;

    @PostConstruct
    void init() {
        scored = Counter.builder("closer.models.shadow.scored").description("Leads scored by a shadow model")
                .register(meters);
        dropped = Counter.builder("closer.models.shadow.dropped")
                .description("Scored batches not shadowed because the shadow model fell behind").register(meters);
        failures = Counter.builder("closer.models.shadow.failures")
                .description("Batches the shadow model failed to score or store").register(meters);
        executor = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS,
                new ArrayBlockingQueue<>(Math.max(1, config.models().shadowQueue())), r -> {
                    Thread t = new Thread(r, "closer-shadow-scoring");
                    t.setDaemon(true);
                    return t;
                }, (task, pool) -> dropped.increment());
    }

    @PreDestroy
    void stop() {
        executor.shutdownNow();
    }

    /** Turns the shadow's probability for a record into a score and grade, as the active one's were made. */
    @FunctionalInterface
    interface Grader {
        LeadScorer.Result grade(Map<String, ?> record, double probability, String version);
    }

    /**
     * Queues the records for the shadow version of {@code name}, if there is one; returns at once.
     *
     * @param activeVersion the version that scored {@code results}
     * @param records       what was scored; each record's {@code id} entry names the lead
     */
    void submit(String name, String activeVersion, List<? extends Map<String, ?>> records,
                List<LeadScorer.Result> results, Grader grader) {
        if (records.isEmpty() || !registry.hasShadow(name)) {
            return;
        }
        List<Map<String, ?>> batch = new ArrayList<>(records);
        List<LeadScorer.Result> active = new ArrayList<>(results);
        executor.execute(() -> run(name, activeVersion, batch, active, grader));
    }

    /** Waits until the queued batches are stored (for tests). */
    public boolean awaitIdle(long timeout, TimeUnit unit) throws InterruptedException {
        long deadline = System.nanoTime() + unit.toNanos(timeout);
        while (executor.getActiveCount() > 0 || !executor.getQueue().isEmpty()) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(10);
        }
        return true;
    }

    private void run(String name, String activeVersion, List<Map<String, ?>> records,
                     List<LeadScorer.Result> active, Grader grader) {
        try {
            Optional<ModelRegistry.Lease> lease = registry.leaseShadow(name);
            if (lease.isEmpty()) {
                return;
            }
            String shadowVersion;
            float[] p;
            try (ModelRegistry.Lease l = lease.get()) {
                shadowVersion = l.version();
                if (shadowVersion.equals(activeVersion)) {
                    return; // the shadow was just activated: nothing to compare
                }
                p = l.model().predict(records);
            }
            store(name, shadowVersion, activeVersion, records, active, p, grader);
            scored.increment(records.size());
        } catch (Exception e) {
            failures.increment();
            long now = System.nanoTime();
            if (now - lastWarning >= WARN_EVERY_NANOS) {
                lastWarning = now;
                LOG.warnf(e, "Shadow scoring of %s failed (the active scores are not affected; logged at most once "
                        + "a minute, counted in closer_models_shadow_failures_total)", name);
            }
        }
    }

    private void store(String name, String shadowVersion, String activeVersion, List<Map<String, ?>> records,
                       List<LeadScorer.Result> active, float[] p, Grader grader) throws Exception {
        List<LeadScorer.Result> shadow = new ArrayList<>(records.size());
        for (int i = 0; i < records.size(); i++) {
            shadow.add(grader.grade(records.get(i), p[i], shadowVersion));
        }
        List<Integer> rows = java.util.stream.IntStream.range(0, records.size()).boxed().toList();
        try (Connection c = dataSource.getConnection()) {
            Unnest.execute(c, json, rows, """
                    insert into shadow_scores (model_name, shadow_version, active_version, lead_id,
                                               active_probability, shadow_probability, active_score, shadow_score,
                                               active_grade, shadow_grade)
                    select ?::text, ?::text, ?::text, * from unnest(?::text[], ?::float8[], ?::float8[], ?::int4[],
                                                                  ?::int4[], ?::text[], ?::text[])""",
                    cols -> cols.scalar(name).scalar(shadowVersion).scalar(activeVersion)
                            .text(rows, i -> java.util.Objects.toString(records.get(i).get("id"), null))
                            .doubles(rows, i -> active.get(i).probability())
                            .doubles(rows, i -> shadow.get(i).probability())
                            .ints(rows, i -> active.get(i).score()).ints(rows, i -> shadow.get(i).score())
                            .text(rows, i -> active.get(i).grade()).text(rows, i -> shadow.get(i).grade()));
        }
    }
}
