package dev.closer.app.scoring;

import dev.closer.app.config.CloserConfig;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.scheduler.Scheduled;
import io.quarkus.scheduler.Scheduler;
import jakarta.annotation.PostConstruct;
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
import javax.sql.DataSource;
import org.jboss.logging.Logger;

/**
 * Scores queued leads. Every event about a lead queues it ({@code lead_score_queue}, written by the event sink in
 * the event's own transaction); once a lead has been quiet for the debounce time (or has waited the longest
 * allowed), a worker claims it with {@code FOR UPDATE SKIP LOCKED}, scores it with its recent timeline, and
 * writes a history row (and a scores-topic outbox row) when the score, grade or model changed — all in one
 * transaction, so a crash leaves the lead queued. Any number of instances share the queue.
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
    ScoreWriter writer;
    @Inject
    MeterRegistry meters;
    @Inject
    Scheduler scheduler;

    private volatile Throwable lastError;
    private volatile boolean stopping;
    private Counter scored;
    private Counter unchanged;
    private Counter failed;
    private Timer lag;

    @PostConstruct
    void init() {
        scored = counter("changed", "Scores that changed and went into the history");
        unchanged = counter("unchanged", "Leads rescored to the score they had");
        failed = counter("failed", "Leads that could not be scored (logged with the reason)");
        lag = Timer.builder("closer.scoring.lag").description("From a lead's first queued event to its new score")
                .register(meters);
    }

    private Counter counter(String outcome, String description) {
        return Counter.builder("closer.scoring.leads").tag("outcome", outcome).description(description)
                .register(meters);
    }

    /** Stop claiming before the consumer (priority 1) and the database go away; a batch in hand finishes. */
    void onStop(@Observes @Priority(2) ShutdownEvent stop) {
        stopping = true;
    }

    /** True while this instance scores (the scheduler runs and scoring is enabled). */
    public boolean isRunning() {
        return config.scoring().enabled() && !stopping && scheduler.isRunning();
    }

    public Throwable lastError() {
        return lastError;
    }

    /**
     * Every poll interval: scores due leads batch after batch until fewer than a full batch were due. A failure
     * leaves its leads queued for the next run.
     */
    @Scheduled(identity = "lead-scoring", every = "${closer.scoring.poll-interval}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void drain() {
        if (!config.scoring().enabled()) {
            return;
        }
        try {
            while (!stopping && scoreDue() == config.scoring().batchSize()) {
                // a full batch: more may be due
            }
            lastError = null;
        } catch (RuntimeException e) {
            lastError = e;
            LOG.warnf(e, "Scoring batch failed; its leads stay queued and are retried");
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
        int written = writer.insertChanged(c, leadIds, kept,
                leadIds.stream().map(id -> queued.get(id).eventId()).toList(), ScoreWriter.Cause.EVENT, null);
        scored.increment(written);
        unchanged.increment(kept.size() - written);
        for (Queued q : due) {
            lag.record(Duration.between(q.firstQueuedAt().toInstant(), now));
        }
    }

    /** Scores the batch in one run; when that fails, lead by lead, skipping (and logging) the ones that fail. */
    private List<LeadScorer.Result> scoreOrSkip(List<Map<String, Object>> batch) {
        return Batches.wholeOrEach(batch, scorer::score, (record, e) -> {
            failed.increment();
            LOG.warnf("Lead %s could not be scored and is skipped: %s", record.get("id"), e.getMessage());
        });
    }
}
