package dev.closer.app.scoring;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.closer.app.config.CloserConfig;
import dev.closer.app.events.KafkaClients;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.scheduler.Scheduled;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.sql.DataSource;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.jboss.logging.Logger;

/**
 * Relays the score outbox to the scores topic: takes the oldest rows ({@code FOR UPDATE SKIP LOCKED}, so any
 * number of instances share the work) every {@code closer.scores.publish-interval} (1 s), sends them with {@code acks=all}, and deletes them in the same transaction
 * once the broker has them all. If the broker is away nothing is deleted and the rows go on the next try: at least
 * once, in order per lead within an instance.
 */
@ApplicationScoped
public class ScorePublisher {

    private static final Logger LOG = Logger.getLogger(ScorePublisher.class);
    static final int BATCH = 500;
    /** The {@code type} of every message on the scores topic. */
    public static final String TYPE = "dev.closer.lead.score.changed";

    @Inject
    CloserConfig config;
    @Inject
    DataSource dataSource;
    @Inject
    KafkaClients kafka;
    @Inject
    ObjectMapper json;
    @Inject
    MeterRegistry meters;

    private Counter published;
    private volatile Throwable lastError;

    @PostConstruct
    void init() {
        published = Counter.builder("closer.scores.published").description("Score changes put on the scores topic")
                .register(meters);
    }

    public Throwable lastError() {
        return lastError;
    }

    @Scheduled(identity = "score-publisher", every = "${closer.scores.publish-interval}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void relay() {
        try {
            while (publishBatch() == BATCH) {
                // a full batch: more may be waiting
            }
            lastError = null;
        } catch (RuntimeException e) {
            if (lastError == null) {
                LOG.warnf("Could not publish score changes (they stay in the outbox and are retried): %s",
                        e.getMessage());
            }
            lastError = e;
        }
    }

    /** Publishes and removes up to {@link #BATCH} outbox rows; returns how many. */
    public int publishBatch() {
        return QuarkusTransaction.requiringNew().call(() -> {
            try (Connection c = dataSource.getConnection()) {
                List<ProducerRecord<String, byte[]>> records = take(c);
                List<Future<RecordMetadata>> sent = new ArrayList<>(records.size());
                for (ProducerRecord<String, byte[]> r : records) {
                    sent.add(kafka.producer().send(r));
                }
                for (Future<RecordMetadata> f : sent) {
                    f.get(30, TimeUnit.SECONDS);
                }
                published.increment(records.size());
                return records.size();
            } catch (ExecutionException | TimeoutException e) {
                throw new IllegalStateException("scores topic: " + (e.getCause() == null ? e : e.getCause()), e);
            }
        });
    }

    /** A message of the scores topic (JSON), keyed by leadId. */
    public record ScoreChanged(String type, long scoreId, String leadId, String model, String modelVersion,
                               double probability, int score, String grade, Integer previousScore,
                               String previousGrade, String cause, Long runId, String scoredAt) {
    }

    /** Takes up to {@link #BATCH} outbox rows, oldest first, as the topic's records. */
    private List<ProducerRecord<String, byte[]>> take(Connection c) throws SQLException, JsonProcessingException {
        List<ProducerRecord<String, byte[]>> records = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("""
                with taken as (
                    delete from score_outbox where id in (
                        select id from score_outbox order by id limit ? for update skip locked)
                    returning id, score_id, lead_id, model_name, model_version, probability, score, grade,
                              previous_score, previous_grade, cause, run_id, scored_at)
                select * from taken order by id""")) {
            ps.setInt(1, BATCH);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ScoreChanged change = new ScoreChanged(TYPE, rs.getLong(2), rs.getString(3), rs.getString(4),
                            rs.getString(5), rs.getDouble(6), rs.getInt(7), rs.getString(8),
                            (Integer) rs.getObject(9), rs.getString(10), rs.getString(11), (Long) rs.getObject(12),
                            rs.getObject(13, OffsetDateTime.class).toString());
                    records.add(new ProducerRecord<>(config.topics().leadScores(), change.leadId(),
                            json.writeValueAsBytes(change)));
                }
            }
        }
        return records;
    }
}
