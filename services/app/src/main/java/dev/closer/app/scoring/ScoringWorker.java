package dev.closer.app.scoring;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.closer.app.config.CloserConfig;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.jboss.logging.Logger;

/**
 * Scores queued leads. Every event about a lead queues it ({@code lead_score_queue}, written by the event sink in
 * the event's own transaction); once a lead has been quiet for the debounce time (or has waited the longest
 * allowed), a worker claims it with {@code FOR UPDATE SKIP LOCKED}, scores it with its recent timeline, and
 * writes a history row when the score, grade or model changed — all in one transaction, so a crash leaves the
 * lead queued. Any number of instances share the queue.
 */
@ApplicationScoped
public class ScoringWorker {

    private static final Logger LOG = Logger.getLogger(ScoringWorker.class);

    @Inject
    CloserConfig config;
    @Inject
    DataSource dataSource;
    @Inject
    LeadRecords records;
    @Inject
    LeadScorer scorer;
    @Inject
    ObjectMapper json;
    @Inject
    MeterRegistry meters;

    private Thread thread;
    private volatile boolean running;
    private volatile Throwable lastError;
    private Counter scored;
    private Counter unchanged;
    private Counter failed;
    private Timer lag;

    void onStart(@Observes @Priority(30) StartupEvent start) {
        scored = counter("changed", "Scores that changed and went into the history");
        unchanged = counter("unchanged", "Leads rescored to the score they had");
        failed = counter("failed", "Leads that could not be scored (logged with the reason)");
        lag = Timer.builder("closer.scoring.lag").description("From a lead's first queued event to its new score")
                .register(meters);
        if (config.scoring().enabled()) {
            start();
        }
    }

    private Counter counter(String outcome, String description) {
        return Counter.builder("closer.scoring.leads").tag("outcome", outcome).description(description)
                .register(meters);
    }

    /** Before the consumer stops (priority 1) is fine too: what is claimed is scored or rolled back. */
    void onStop(@Observes @Priority(2) ShutdownEvent stop) {
        stop();
    }

    public synchronized void start() {
        if (running) {
            return;
        }
        running = true;
        thread = new Thread(this::loop, "lead-scoring");
        thread.setDaemon(true);
        thread.start();
    }

    public synchronized void stop() {
        running = false;
        if (thread != null) {
            thread.interrupt();
            try {
                thread.join(TimeUnit.SECONDS.toMillis(30));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            thread = null;
        }
    }

    public boolean isRunning() {
        return running && thread != null && thread.isAlive();
    }

    public Throwable lastError() {
        return lastError;
    }

    private void loop() {
        Duration idle = config.scoring().pollInterval();
        while (running) {
            try {
                int done = scoreDue();
                lastError = null;
                if (done < config.scoring().batchSize()) {
                    Thread.sleep(idle.toMillis());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                if (!running) {
                    return;
                }
                lastError = e;
                LOG.warnf(e, "Scoring batch failed; its leads stay queued and are retried");
                try {
                    Thread.sleep(Math.max(1000, idle.toMillis()));
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    /** Claims, scores and records one batch of due leads; returns how many were claimed. */
    public int scoreDue() {
        return QuarkusTransaction.requiringNew().call(() -> {
            try (Connection c = dataSource.getConnection()) {
                List<Queued> due = claim(c);
                if (!due.isEmpty()) {
                    score(c, due);
                }
                return due.size();
            }
        });
    }

    private record Queued(String leadId, String eventId, OffsetDateTime firstQueuedAt) {
    }

    private List<Queued> claim(Connection c) throws SQLException {
        List<Queued> due = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("""
                delete from lead_score_queue where lead_id in (
                    select lead_id from lead_score_queue where due_at <= now() order by due_at
                    limit ? for update skip locked)
                returning lead_id, event_id, first_queued_at""")) {
            ps.setInt(1, config.scoring().batchSize());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    due.add(new Queued(rs.getString(1), rs.getString(2), rs.getObject(3, OffsetDateTime.class)));
                }
            }
        }
        return due;
    }

    private void score(Connection c, List<Queued> due) throws SQLException {
        Instant now = Instant.now();
        List<String> ids = due.stream().map(Queued::leadId).toList();
        // A lead queued by an activity that arrived before the lead itself is not there yet: its upsert queues it.
        Map<String, Map<String, Object>> byId = records.load(ids, now, config.scoring().historyLimit());
        List<Map<String, Object>> batch = new ArrayList<>(byId.values());
        List<LeadScorer.Result> results = scoreOrSkip(batch);
        Map<String, Queued> queued = new HashMap<>();
        due.forEach(q -> queued.put(q.leadId(), q));
        List<String> leadIds = new ArrayList<>();
        List<LeadScorer.Result> kept = new ArrayList<>();
        for (int i = 0; i < batch.size(); i++) {
            if (results.get(i) != null) {
                leadIds.add((String) batch.get(i).get("id"));
                kept.add(results.get(i));
            }
        }
        int written = insertChanged(c, leadIds, kept, queued);
        scored.increment(written);
        unchanged.increment(kept.size() - written);
        for (Queued q : due) {
            lag.record(Duration.between(q.firstQueuedAt().toInstant(), now));
        }
    }

    /** Scores the batch in one run; when that fails, lead by lead, skipping (and logging) the ones that fail. */
    private List<LeadScorer.Result> scoreOrSkip(List<Map<String, Object>> batch) {
        if (batch.isEmpty()) {
            return List.of();
        }
        try {
            return scorer.score(batch);
        } catch (RuntimeException batchFailure) {
            List<LeadScorer.Result> results = new ArrayList<>(batch.size());
            for (Map<String, Object> record : batch) {
                try {
                    results.add(scorer.score(List.of(record)).get(0));
                } catch (RuntimeException e) {
                    failed.increment();
                    LOG.warnf("Lead %s could not be scored and is skipped: %s", record.get("id"), e.getMessage());
                    results.add(null);
                }
            }
            return results;
        }
    }

    /** Writes a history row for each lead whose score, grade or model differs from its latest; returns how many. */
    private int insertChanged(Connection c, List<String> ids, List<LeadScorer.Result> results,
                              Map<String, Queued> queued) throws SQLException {
        if (ids.isEmpty()) {
            return 0;
        }
        int n = ids.size();
        Object[] model = new Object[n];
        Object[] version = new Object[n];
        Object[] probability = new Object[n];
        Object[] score = new Object[n];
        Object[] grade = new Object[n];
        Object[] factors = new Object[n];
        Object[] event = new Object[n];
        for (int i = 0; i < n; i++) {
            LeadScorer.Result r = results.get(i);
            model[i] = scorer.modelName();
            version[i] = r.modelVersion();
            probability[i] = r.probability();
            score[i] = r.score();
            grade[i] = r.grade();
            try {
                factors[i] = json.writeValueAsString(r.factors());
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
            event[i] = queued.get(ids.get(i)).eventId();
        }
        try (PreparedStatement ps = c.prepareStatement("""
                insert into lead_scores (lead_id, model_name, model_version, probability, score, grade, factors,
                                         event_id)
                select n.* from unnest(?::text[], ?::text[], ?::text[], ?::float8[], ?::int2[], ?::text[],
                                       ?::jsonb[], ?::text[])
                    as n (lead_id, model_name, model_version, probability, score, grade, factors, event_id)
                where not exists (
                    select 1 from (select s.score, s.grade, s.model_version from lead_scores s
                                    where s.lead_id = n.lead_id and s.model_name = n.model_name
                                    order by s.scored_at desc, s.id desc limit 1) as last
                     where last.score = n.score and last.grade = n.grade and last.model_version = n.model_version)
                """)) {
            ps.setArray(1, c.createArrayOf("text", ids.toArray()));
            ps.setArray(2, c.createArrayOf("text", model));
            ps.setArray(3, c.createArrayOf("text", version));
            ps.setArray(4, c.createArrayOf("float8", probability));
            ps.setArray(5, c.createArrayOf("int2", score));
            ps.setArray(6, c.createArrayOf("text", grade));
            ps.setArray(7, c.createArrayOf("text", factors));
            ps.setArray(8, c.createArrayOf("text", event));
            return ps.executeUpdate();
        }
    }
}
