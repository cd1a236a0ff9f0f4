package dev.closer.app.outbound;

import com.fasterxml.jackson.databind.JsonNode;
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
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
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
 *       ({@link AttemptOutcome}). A 2xx delivers it; a 429 retries after its Retry-After; anything else retries
 *       after {@code backoff × 2^(attempt-1)} (at most {@code max-backoff}), and after {@code max-attempts}, or at
 *       once for a CRM's permanent refusal, the delivery is dead until an admin replays it.</li>
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

    private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(10)).build();
    private Consumer<String, byte[]> consumer;
    /** Per writer (source name): no call before this instant, the wait its CRM asked for with a 429. */
    private final Map<String, Instant> pausedUntil = new ConcurrentHashMap<>();

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

    private record Due(long id, long subscriptionId, int attempt, String eventId, String eventType, String payload,
                       String url, String secret, String writer, String leadId) {

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
                List<CompletableFuture<Void>> sends = new ArrayList<>();
                for (Due d : due) {
                    sends.add(attempt(d));
                }
                CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new)).join();
            } while (due.size() == 20);
        } catch (RuntimeException | SQLException e) {
            LOG.warnf(e, "Outbound sending failed; due deliveries are retried");
        }
    }

    private List<Due> claim(int limit) throws SQLException {
        // The lease: a claimed delivery is not due again until its attempt has surely ended.
        long leaseMillis = config.outbound().timeout().toMillis() * 2 + 1000;
        List<Due> due = new ArrayList<>();
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("""
                     update webhook_deliveries d
                        set attempts = d.attempts + 1, next_attempt_at = now() + ? * interval '1 millisecond'
                       from webhook_subscriptions s
                      where d.id in (select id from webhook_deliveries
                                      where status = 'pending' and next_attempt_at <= now()
                                        and subscription_id in (select id from webhook_subscriptions where active)
                                      order by next_attempt_at limit ? for update skip locked)
                        and s.id = d.subscription_id
                  returning d.id, d.subscription_id, d.attempts, d.event_id, d.event_type, d.payload::text, s.url,
                            s.secret, s.writer, d.lead_id""")) {
            ps.setLong(1, leaseMillis);
            ps.setInt(2, limit);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    due.add(new Due(rs.getLong(1), rs.getLong(2), rs.getInt(3), rs.getString(4), rs.getString(5),
                            rs.getString(6), rs.getString(7), rs.getString(8), rs.getString(9), rs.getString(10)));
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

    /**
     * A CRM write: the score and grade of the payload set on the lead's CRM record by the source's writer. Skipped
     * (status {@code skipped}, no call) when the lead was deleted or merged since, or when a newer score of the lead
     * is queued for the same writer: writing this one could only put an older score back. While the CRM's
     * Retry-After of a 429 runs, the writer's deliveries wait for it without using an attempt.
     */
    private CompletableFuture<Void> write(Due d) {
        long started = System.nanoTime();
        Optional<CrmWriter> writer = writers.get(d.writer());
        if (writer.isEmpty()) {
            record(d, new AttemptOutcome(null, "source " + d.writer() + " has no writer on this instance", false,
                    null), started);
            return CompletableFuture.completedFuture(null);
        }
        Instant paused = pausedUntil.get(d.writer());
        if (paused != null && paused.isAfter(Instant.now())) {
            defer(d, paused);
            return CompletableFuture.completedFuture(null);
        }
        String skip;
        try {
            skip = skipReason(d);
        } catch (SQLException e) {
            throw new IllegalStateException("Outbound delivery " + d.id() + ": " + e.getMessage(), e);
        }
        if (skip != null) {
            skip(d, skip);
            return CompletableFuture.completedFuture(null);
        }
        Optional<String> crmId = writers.crmId(d.writer(), d.leadId());
        JsonNode data;
        try {
            data = json.readTree(d.payload()).path("data");
        } catch (IOException e) {
            data = json.missingNode();
        }
        if (crmId.isEmpty() || !data.path("score").isInt() || !data.path("grade").isTextual()) {
            record(d, new AttemptOutcome(null, crmId.isEmpty() ? "lead " + d.leadId() + " is not a record this "
                    + "writer writes (its settings changed)" : "the payload has no score and grade", true, null),
                    started);
            return CompletableFuture.completedFuture(null);
        }
        return writer.get().write(crmId.get(), data.path("score").asInt(), data.path("grade").asText())
                .thenAccept(outcome -> {
                    if (outcome.retryAfter() != null) {
                        Duration wait = min(outcome.retryAfter(), config.outbound().maxBackoff());
                        pausedUntil.merge(d.writer(), Instant.now().plus(wait),
                                (a, b) -> a.isAfter(b) ? a : b);
                    }
                    record(d, outcome, started);
                });
    }

    /** Why a writer's delivery is not to be sent, or null: its lead is gone, or a newer score is queued. */
    private String skipReason(Due d) throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("""
                     select l.id, l.deleted_at is not null, l.merged_into,
                            (select max(n.id) from webhook_deliveries n
                              where n.subscription_id = ? and n.lead_id = ? and n.id > ?)
                       from (select 1) one left join leads l on l.id = ?""")) {
            ps.setLong(1, d.subscriptionId());
            ps.setString(2, d.leadId());
            ps.setLong(3, d.id());
            ps.setString(4, d.leadId());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                if (rs.getString(1) == null) {
                    return "lead " + d.leadId() + " does not exist";
                }
                if (rs.getBoolean(2)) {
                    return rs.getString(3) != null ? "the lead was merged into " + rs.getString(3)
                            : "the lead is deleted";
                }
                long newer = rs.getLong(4);
                return rs.wasNull() ? null : "superseded by delivery " + newer + " (a newer score of the lead)";
            }
        }
    }

    /** Not sent, for good: the claim's attempt is given back and the reason kept. */
    private void skip(Due d, String reason) {
        update(d, "update webhook_deliveries set status = 'skipped', attempts = attempts - 1, last_error = ? "
                + "where id = ?", reason);
        Counter.builder("closer.outbound.attempts").tag("outcome", "skipped")
                .description("Outbound webhook attempts, by outcome").register(meters).increment();
    }

    /** Not sent yet (the CRM asked to wait): due again at {@code until}, the claim's attempt given back. */
    private void defer(Due d, Instant until) {
        update(d, "update webhook_deliveries set attempts = attempts - 1, next_attempt_at = ?::timestamptz "
                + "where id = ?", until.toString());
    }

    private void update(Due d, String sql, String value) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, value);
            ps.setLong(2, d.id());
            ps.executeUpdate();
        } catch (SQLException e) {
            LOG.warnf(e, "Outbound delivery %d could not be updated; it is claimed again after its lease", d.id());
        }
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
