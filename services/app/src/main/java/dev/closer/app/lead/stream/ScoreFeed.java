package dev.closer.app.lead.stream;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.operators.multi.processors.BroadcastProcessor;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import javax.sql.DataSource;
import org.jboss.logging.Logger;

/**
 * New scores as they are written, for the web UI's live feed. While at least one stream is open, this instance
 * reads the rows added to {@code lead_scores} since its last look (every {@code closer.ui.stream-poll-interval})
 * and hands each to every open stream, which keeps those its caller may see.
 *
 * <p>Why the table and not the {@code closer.lead-scores} topic: every row there is a committed score (the topic
 * carries the same changes, from the outbox, a moment later), an idle instance costs nothing (no consumer, no
 * consumer group per instance to clean up), and the stream works wherever the API does, Kafka or not. The cost
 * is one indexed query a second per instance while someone watches. A row whose id was taken before, but
 * committed after, a newer row that a poll already saw is missed: the feed is a live view, and the lead table
 * stays the record.
 */
@ApplicationScoped
public class ScoreFeed {

    private static final Logger LOG = Logger.getLogger(ScoreFeed.class);
    static final int BATCH = 500;

    /** A new score of a lead, with what it replaced (null for a first score). */
    public record ScoreChange(long scoreId, String leadId, String name, String ownerId, int score, String grade,
                              Integer previousScore, String previousGrade, String model, OffsetDateTime scoredAt) {
    }

    @Inject
    DataSource dataSource;

    private final BroadcastProcessor<ScoreChange> processor = BroadcastProcessor.create();
    private final AtomicInteger listeners = new AtomicInteger();
    private volatile long lastId = -1;

    /** Every new score the predicate keeps, from now on, until the subscriber cancels. */
    public Multi<ScoreChange> stream(Predicate<ScoreChange> visible) {
        return processor.filter(visible)
                .onSubscription().invoke(() -> listeners.incrementAndGet())
                .onTermination().invoke(() -> listeners.decrementAndGet());
    }

    int listeners() {
        return listeners.get();
    }

    @Scheduled(every = "${closer.ui.stream-poll-interval}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    void poll() {
        if (listeners.get() == 0) {
            lastId = -1; // nobody listens: the next listener starts from the rows written after it came
            return;
        }
        try {
            if (lastId < 0) {
                lastId = QuarkusTransaction.requiringNew().call(this::maxId);
                return;
            }
            long max = QuarkusTransaction.requiringNew().call(this::maxId);
            List<ScoreChange> changes = QuarkusTransaction.requiringNew().call(() -> since(lastId, max));
            changes.forEach(processor::onNext);
            // A full batch means a backlog: go on from there. Otherwise every row up to max has been looked at
            // (the nightly run's rows are not for the live feed and are skipped, not read).
            lastId = changes.size() == BATCH ? changes.get(BATCH - 1).scoreId() : max;
        } catch (RuntimeException e) {
            LOG.warnf("The score stream could not read new scores: %s", e.getMessage());
        }
    }

    private long maxId() throws java.sql.SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "select coalesce(max(id), 0) from lead_scores"); ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Scores that events caused (not the nightly run's), of leads not deleted, with ids in (afterId, upTo]. */
    private List<ScoreChange> since(long afterId, long upTo) throws java.sql.SQLException {
        List<ScoreChange> out = new ArrayList<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement("""
                select s.id, s.lead_id, nullif(trim(coalesce(l.first_name, '') || ' ' || coalesce(l.last_name, '')), ''),
                       l.owner_id, s.score, s.grade, p.score, p.grade, s.model_name || '/' || s.model_version, s.scored_at
                  from lead_scores s
                  join leads l on l.id = s.lead_id
                  left join lateral (select score, grade from lead_scores q where q.lead_id = s.lead_id and q.id < s.id
                                      order by q.id desc limit 1) p on true
                 where s.id > ? and s.id <= ? and s.run_id is null and l.deleted_at is null
                 order by s.id limit ?""")) {
            ps.setLong(1, afterId);
            ps.setLong(2, upTo);
            ps.setInt(3, BATCH);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new ScoreChange(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4),
                            rs.getInt(5), rs.getString(6), (Integer) rs.getObject(7), rs.getString(8),
                            rs.getString(9), rs.getObject(10, OffsetDateTime.class)));
                }
            }
        }
        return out;
    }
}
