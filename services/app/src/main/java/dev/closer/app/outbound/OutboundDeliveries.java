package dev.closer.app.outbound;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.closer.app.config.CloserConfig;
import dev.closer.app.events.KafkaClients;
import dev.closer.app.outbound.crm.CrmWriter;
import dev.closer.app.outbound.crm.CrmWriters;
import dev.closer.app.scoring.ScorePublisher;
import dev.closer.ingest.webhook.CloserSignature;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import javax.sql.DataSource;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.jboss.logging.Logger;

/**
 * Webhooks out, and score writes into CRMs. Two steps, each safe to run on every instance:
 * <ol>
 *   <li><b>Fan-out</b>: reads score changes from the scores topic (consumer group {@code closer-outbound}) and
 *       queues one delivery per matching subscription: {@code lead.score.changed} when the score moved by at least
 *       the subscription's {@code min_points} (or is a lead's first), {@code lead.grade.changed} when the grade
 *       changed. A CRM writer's subscription ({@link CrmWriters}) gets one delivery per change of its own
 *       source's leads that moved the score by its {@code min_points} or changed the grade. A delivery is unique
 *       per (subscription, event), so reading a message twice queues nothing twice; offsets are committed after
 *       the rows are.</li>
 *   <li><b>Sending</b>: claims due deliveries ({@code FOR UPDATE SKIP LOCKED}, pushing their next attempt out by a
 *       lease), POSTs each as JSON signed with {@link CloserSignature} ({@code X-Closer-Signature}, the scheme of
 *       the generic inbound webhook), or has the writer make its CRM call, and records the attempt
 *       ({@link AttemptOutcome}). A 2xx delivers it; a 429 retries after its Retry-After, and the subscription's
 *       other pending deliveries wait as long (in the table, so on every instance); anything else retries
 *       after {@code backoff × 2^(attempt-1)} (at most {@code max-backoff}), and after {@code max-attempts}, or at
 *       once for a CRM's permanent refusal, the delivery is dead until an admin replays it. A writer's delivery
 *       whose lead was deleted or merged, or that a newer one of the same lead supersedes, is skipped unsent.</li>
 * </ol>
 */
@ApplicationScoped
public class OutboundDeliveries {

    private static final Logger LOG = Logger.getLogger(OutboundDeliveries.class);

    /** The events a subscription can ask for. */
    public static final Set<String> EVENTS = Set.of("lead.score.changed", "lead.grade.changed",
            "email.reply.classified", "call.analysed");

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
    @Inject
    CrmWriters writers;
    @Inject
    HttpClient http;

    private Consumer<String, byte[]> consumer;

    synchronized void onStop(@Observes ShutdownEvent stop) {
        if (consumer != null) {
            consumer.close(Duration.ofSeconds(2));
        }
    }

    @Scheduled(identity = "outbound-fanout", every = "1s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    synchronized void fanOut() {
        if (!config.outbound().enabled()) {
            return;
        }
        try {
            if (consumer == null) {
                // From the newest score on when the group is new: a first subscription is not sent the past.
                consumer = kafka.consumer("closer-outbound", 2000, "latest");
                consumer.subscribe(List.of(config.topics().leadScores()));
            }
            long until = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            ConsumerRecords<String, byte[]> records;
            do { // keep up with a nightly run's burst of changes, but give the scheduler back now and then
                records = consumer.poll(Duration.ofMillis(200));
                if (!records.isEmpty()) {
                    queue(records);
                    consumer.commitSync();
                }
            } while (!records.isEmpty() && System.nanoTime() < until);
        } catch (RuntimeException | SQLException e) {
            // Not committed: the same messages are read again and queue nothing twice.
            LOG.warnf(e, "Outbound fan-out failed; the score changes are read again");
            if (consumer != null) {
                consumer.close(Duration.ofSeconds(1));
                consumer = null;
            }
        }
    }

    /** A subscription: a URL's, or a CRM writer's ({@code writer} is its source's name). */
    private record Subscription(long id, Set<String> events, int minPoints, String writer) {
    }

    private void queue(ConsumerRecords<String, byte[]> records) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            List<Subscription> subscriptions = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(
                    "select id, events, min_points, writer from webhook_subscriptions where active");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    subscriptions.add(new Subscription(rs.getLong(1),
                            Set.of((String[]) rs.getArray(2).getArray()), rs.getInt(3), rs.getString(4)));
                }
            }
            if (subscriptions.isEmpty()) {
                return;
            }
            try (PreparedStatement ps = c.prepareStatement("""
                    insert into webhook_deliveries (subscription_id, event_id, event_type, payload, lead_id)
                    values (?, ?, ?, ?::jsonb, ?) on conflict do nothing""")) {
                for (ConsumerRecord<String, byte[]> record : records) {
                    ScorePublisher.ScoreChanged change = readScoreChange(record);
                    if (change == null) {
                        continue;
                    }
                    int moved = change.previousScore() == null ? Integer.MAX_VALUE
                            : Math.abs(change.score() - change.previousScore());
                    boolean gradeChanged = !change.grade().equals(change.previousGrade());
                    for (Subscription s : subscriptions) {
                        if (s.writer() != null) {
                            // one write of score and grade, for the writer's own leads only
                            if ((moved >= s.minPoints() || gradeChanged)
                                    && writers.crmId(s.writer(), change.leadId()).isPresent()) {
                                add(ps, s, change, "lead.score.changed");
                            }
                            continue;
                        }
                        if (s.events().contains("lead.score.changed") && moved >= s.minPoints()) {
                            add(ps, s, change, "lead.score.changed");
                        }
                        if (s.events().contains("lead.grade.changed") && gradeChanged) {
                            add(ps, s, change, "lead.grade.changed");
                        }
                    }
                }
                ps.executeBatch();
            }
        }
    }

    /** The record's score change; null (skipped, with a log line) when it is not one, so fan-out goes on. */
    private ScorePublisher.ScoreChanged readScoreChange(ConsumerRecord<String, byte[]> record) {
        String problem;
        try {
            ScorePublisher.ScoreChanged change = json.readValue(record.value(), ScorePublisher.ScoreChanged.class);
            if (change.leadId() != null && change.grade() != null && change.scoredAt() != null) {
                return change;
            }
            problem = "no leadId, grade or scoredAt";
        } catch (IOException e) {
            problem = e.getMessage();
        }
        LOG.warnf("Scores topic %s-%d@%d is not a score change (%s); skipped", record.topic(), record.partition(),
                record.offset(), problem);
        return null;
    }

    private void add(PreparedStatement ps, Subscription s, ScorePublisher.ScoreChanged change, String event)
            throws SQLException {
        String eventId = "score-" + change.scoreId() + "-" + event;
        ObjectNode data = json.valueToTree(change);
        data.remove("type");
        ObjectNode payload = OutboundEvents.envelope(event, eventId, change.scoredAt(), data);
        ps.setLong(1, s.id());
        ps.setString(2, eventId);
        ps.setString(3, event);
        ps.setString(4, payload.toString());
        ps.setString(5, s.writer() != null ? change.leadId() : null);
        ps.addBatch();
    }

    /**
     * A claimed delivery. For a writer's, also what the claim read of its lead and payload: {@code skip}, why it is
     * not to be sent (null: it is), and the score and grade to write.
     */
    private record Due(long id, long subscriptionId, int attempt, String eventId, String eventType, String payload,
                       String url, String secret, String writer, String leadId, String skip, int score,
                       String grade) {

        /** Where it goes, for the log: the URL or the writer (never a credential). */
        String target() {
            return url != null ? url : "the CRM writer of source " + writer;
        }
    }

    @Scheduled(identity = "outbound-sender", every = "1s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void send() {
        if (!config.outbound().enabled()) {
            return;
        }
        try {
            List<Due> due;
            do {
                due = claim(20);
                List<Due> skipped = due.stream().filter(d -> d.skip() != null).toList();
                skip(skipped);
                List<CompletableFuture<Void>> sends = new ArrayList<>();
                for (Due d : due) {
                    if (d.skip() == null) {
                        sends.add(attempt(d));
                    }
                }
                CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new)).join();
            } while (due.size() == 20);
        } catch (RuntimeException | SQLException e) {
            LOG.warnf(e, "Outbound sending failed; due deliveries are retried");
        }
    }

    /**
     * Claims up to {@code limit} due deliveries, and for a writer's reads in the same statement what decides whether
     * it is sent: its lead (gone, deleted or merged since), a newer delivery of the lead to the same writer (writing
     * this one could only put an older score back), and the payload's score and grade.
     */
    private List<Due> claim(int limit) throws SQLException {
        // The lease: a claimed delivery is not due again until its attempt has surely ended.
        long leaseMillis = config.outbound().timeout().toMillis() * 2 + 1000;
        List<Due> due = new ArrayList<>();
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("""
                     with claimed as (
                         update webhook_deliveries d
                            set attempts = d.attempts + 1, next_attempt_at = now() + ? * interval '1 millisecond'
                           from webhook_subscriptions s
                          where d.id in (select id from webhook_deliveries
                                          where status = 'pending' and next_attempt_at <= now()
                                            and subscription_id in (select id from webhook_subscriptions where active)
                                          order by next_attempt_at limit ? for update skip locked)
                            and s.id = d.subscription_id
                      returning d.id, d.subscription_id, d.attempts, d.event_id, d.event_type, d.payload, s.url,
                                s.secret, s.writer, d.lead_id)
                     select c.id, c.subscription_id, c.attempts, c.event_id, c.event_type, c.payload::text, c.url,
                            c.secret, c.writer, c.lead_id,
                            l.id is not null, l.deleted_at is not null, l.merged_into,
                            (select max(n.id) from webhook_deliveries n
                              where n.subscription_id = c.subscription_id and n.lead_id = c.lead_id and n.id > c.id),
                            case when c.writer is not null then (c.payload -> 'data' ->> 'score')::int end,
                            case when c.writer is not null then c.payload -> 'data' ->> 'grade' end
                       from claimed c left join leads l on l.id = c.lead_id""")) {
            ps.setLong(1, leaseMillis);
            ps.setInt(2, limit);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String writer = rs.getString(9);
                    String leadId = rs.getString(10);
                    String skip = null;
                    if (writer != null) {
                        long newer = rs.getLong(14);
                        boolean superseded = !rs.wasNull();
                        skip = !rs.getBoolean(11) ? "lead " + leadId + " does not exist"
                                : rs.getBoolean(12) ? (rs.getString(13) != null
                                        ? "the lead was merged into " + rs.getString(13) : "the lead is deleted")
                                : superseded ? "superseded by delivery " + newer + " (a newer score of the lead)"
                                : null;
                    }
                    due.add(new Due(rs.getLong(1), rs.getLong(2), rs.getInt(3), rs.getString(4), rs.getString(5),
                            rs.getString(6), rs.getString(7), rs.getString(8), writer, leadId, skip, rs.getInt(15),
                            rs.getString(16)));
                }
            }
        }
        return due;
    }

    private CompletableFuture<Void> attempt(Due d) {
        return d.writer() != null ? write(d) : post(d);
    }

    /** A webhook: the payload POSTed to the subscription's URL, signed with its secret. */
    private CompletableFuture<Void> post(Due d) {
        byte[] body = d.payload().getBytes(StandardCharsets.UTF_8);
        long started = System.nanoTime();
        HttpRequest request;
        try {
            request = HttpRequest.newBuilder(URI.create(d.url())).timeout(config.outbound().timeout())
                    .header("Content-Type", "application/json")
                    .header("User-Agent", "Closer-Webhooks/1")
                    .header(CloserSignature.HEADER, CloserSignature.sign(d.secret(), Instant.now(), body))
                    .header("X-Closer-Event", d.eventType())
                    .header("X-Closer-Delivery", Long.toString(d.id()))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
        } catch (IllegalArgumentException e) {
            record(d, new AttemptOutcome(null, "invalid URL: " + e.getMessage(), false, null), started);
            return CompletableFuture.completedFuture(null);
        }
        return http.sendAsync(request, HttpResponse.BodyHandlers.discarding())
                .handle((response, error) -> {
                    record(d, error != null ? AttemptOutcome.ofError(error)
                            : AttemptOutcome.ofWebhook(response.statusCode(), response.headers(), Instant.now()),
                            started);
                    return null;
                });
    }

    /** A CRM write: the score and grade of the payload set on the lead's CRM record by the source's writer. */
    private CompletableFuture<Void> write(Due d) {
        long started = System.nanoTime();
        Optional<CrmWriter> writer = writers.get(d.writer());
        if (writer.isEmpty()) {
            record(d, new AttemptOutcome(null, "source " + d.writer() + " has no writer on this instance", false,
                    null), started);
            return CompletableFuture.completedFuture(null);
        }
        Optional<String> crmId = writers.crmId(d.writer(), d.leadId());
        if (crmId.isEmpty()) {
            record(d, new AttemptOutcome(null, "lead " + d.leadId() + " is not a record this writer writes (its "
                    + "settings changed)", true, null), started);
            return CompletableFuture.completedFuture(null);
        }
        return writer.get().write(crmId.get(), d.score(), d.grade())
                .thenAccept(outcome -> record(d, outcome, started));
    }

    /**
     * Not sent, for good (the claim found the lead gone or a newer score queued): the claim's attempt is given back
     * and the reason kept, for the whole batch in one statement. When that fails they are claimed again after their
     * lease, and the rest of the batch is sent all the same.
     */
    private void skip(List<Due> skipped) {
        if (skipped.isEmpty()) {
            return;
        }
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("""
                     update webhook_deliveries d
                        set status = 'skipped', attempts = d.attempts - 1, last_error = r.reason
                       from unnest(?::bigint[], ?::text[]) as r(id, reason)
                      where d.id = r.id""")) {
            ps.setArray(1, c.createArrayOf("bigint", skipped.stream().map(Due::id).toArray()));
            ps.setArray(2, c.createArrayOf("text", skipped.stream().map(Due::skip).toArray()));
            ps.executeUpdate();
        } catch (SQLException e) {
            LOG.warnf(e, "Outbound deliveries %s could not be skipped; they are claimed again after their lease",
                    skipped.stream().map(Due::id).toList());
            return;
        }
        Counter.builder("closer.outbound.attempts").tag("outcome", "skipped")
                .description("Outbound webhook attempts, by outcome").register(meters).increment(skipped.size());
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    /**
     * Writes an attempt's outcome: delivered, retried later (after the backoff, or the receiver's Retry-After), or
     * dead (after the last attempt, or at once when the failure is permanent).
     */
    private void record(Due d, AttemptOutcome outcome, long started) {
        int millis = (int) ((System.nanoTime() - started) / 1_000_000);
        boolean ok = outcome.delivered();
        boolean dead = !ok && (outcome.permanent() || d.attempt() >= config.outbound().maxAttempts());
        long backoff = outcome.retryAfter() != null
                ? min(outcome.retryAfter(), config.outbound().maxBackoff()).toMillis()
                : Math.min(config.outbound().maxBackoff().toMillis(),
                config.outbound().backoff().toMillis() << Math.min(30, d.attempt() - 1));
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement("""
                    update webhook_deliveries
                       set status = ?, last_status = ?, last_error = ?,
                           delivered_at = case when ? then now() end,
                           next_attempt_at = now() + ? * interval '1 millisecond'
                     where id = ?""")) {
                ps.setString(1, ok ? "delivered" : dead ? "dead" : "pending");
                setInt(ps, 2, outcome.status());
                ps.setString(3, outcome.error());
                ps.setBoolean(4, ok);
                ps.setLong(5, backoff);
                ps.setLong(6, d.id());
                ps.executeUpdate();
            }
            if (outcome.retryAfter() != null) {
                // The receiver asked to wait: its other pending deliveries wait too, whichever instance claims them.
                try (PreparedStatement ps = c.prepareStatement("""
                        update webhook_deliveries
                           set next_attempt_at = greatest(next_attempt_at, now() + ? * interval '1 millisecond')
                         where subscription_id = ? and status = 'pending' and id <> ?""")) {
                    ps.setLong(1, backoff);
                    ps.setLong(2, d.subscriptionId());
                    ps.setLong(3, d.id());
                    ps.executeUpdate();
                }
            }
            try (PreparedStatement ps = c.prepareStatement("""
                    insert into webhook_attempts (delivery_id, attempt, status_code, error, millis)
                    values (?, ?, ?, ?, ?)""")) {
                ps.setLong(1, d.id());
                ps.setInt(2, d.attempt());
                setInt(ps, 3, outcome.status());
                ps.setString(4, outcome.error());
                ps.setInt(5, millis);
                ps.executeUpdate();
            }
            c.commit();
        } catch (SQLException e) {
            LOG.warnf(e, "Outbound delivery %d: the attempt's outcome could not be stored; it is retried", d.id());
            return;
        }
        Counter.builder("closer.outbound.attempts").tag("outcome", ok ? "delivered" : dead ? "dead" : "retry")
                .description("Outbound webhook attempts, by outcome").register(meters).increment();
        if (dead) {
            LOG.warnf("Outbound delivery %d (%s to %s) is dead after %d attempts: %s", d.id(), d.eventId(),
                    d.target(), d.attempt(), outcome.error());
        }
    }

    private static void setInt(PreparedStatement ps, int index, Integer value) throws SQLException {
        if (value == null) {
            ps.setNull(index, java.sql.Types.INTEGER);
        } else {
            ps.setInt(index, value);
        }
    }
}
