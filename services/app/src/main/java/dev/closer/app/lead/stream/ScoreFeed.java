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
            // a first look reads no rows, only where the new ones will start
            long after = lastId < 0 ? Long.MAX_VALUE : lastId;
            New found = QuarkusTransaction.requiringNew().call(() -> since(after));
            found.changes().forEach(processor::onNext);
            // A full batch means a backlog: go on from there. Otherwise every row up to max has been looked at
            // (the nightly run's rows are not for the live feed and are skipped, not read).
            List<ScoreChange> changes = found.changes();
            lastId = changes.size() == BATCH ? changes.get(BATCH - 1).scoreId() : found.maxId();
        } catch (RuntimeException e) {
            LOG.warnf("The score stream could not read new scores: %s", e.getMessage());
        }
    }

    /** The highest score id, and the changes after a poll's last id up to it. */
    private record New(long maxId, List<ScoreChange> changes) {
    }

    /**
     * In one query (one snapshot): the highest id of {@code lead_scores}, and the scores with ids in (afterId, that
     * id] that events caused (not the nightly run's), of leads not deleted.
     */
    private New since(long afterId) throws java.sql.SQLException {
        List<ScoreChange> out = new ArrayList<>();
        long maxId = 0;
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement("""
                with top as (select coalesce(max(id), 0) as max_id from lead_scores)
                select top.max_id, x.* from top left join lateral (
                    select s.id, s.lead_id,
                           nullif(trim(coalesce(l.first_name, '') || ' ' || coalesce(l.last_name, '')), ''),
                           l.owner_id, s.score, s.grade, p.score as previous_score, p.grade as previous_grade,
                           s.model_name || '/' || s.model_version, s.scored_at
                      from lead_scores s
                      join leads l on l.id = s.lead_id
                      left join lateral (select score, grade from lead_scores q
                                          where q.lead_id = s.lead_id and q.id < s.id
                                          order by q.id desc limit 1) p on true
                     where s.id > ? and s.id <= top.max_id and s.run_id is null and l.deleted_at is null
                     order by s.id limit ?) x on true
                 order by x.id""")) {
            ps.setLong(1, afterId);
            ps.setInt(2, BATCH);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    maxId = rs.getLong(1);
                    if (rs.getObject(2) == null) {
                        continue; // no new score: the one row of the highest id
                    }
                    out.add(new ScoreChange(rs.getLong(2), rs.getString(3), rs.getString(4), rs.getString(5),
                            rs.getInt(6), rs.getString(7), (Integer) rs.getObject(8), rs.getString(9),
                            rs.getString(10), rs.getObject(11, OffsetDateTime.class)));
                }
            }
        }
        return new New(maxId, out);
    }
}
