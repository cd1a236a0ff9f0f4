package dev.closer.app.email;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.closer.app.config.CloserConfig;
import dev.closer.app.db.TableQueue;
import dev.closer.app.outbound.OutboundEvents;
import dev.closer.app.text.TextModels;
import dev.closer.inference.text.ReplyText;
import dev.closer.inference.text.TextClassifier;
import dev.closer.inference.text.TextClassifier.Tone;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.jboss.logging.Logger;

/**
 * The intent of every inbound reply: its new text ({@link ReplyText}) through the encoder and the reply-intent head
 * ({@code ml/models/reply-intent}), stored in {@code reply_intents}. Replies are taken from the table itself (those not
 * classified yet, oldest first, {@code FOR UPDATE SKIP LOCKED}), so a restart or a second instance loses and repeats
 * nothing.
 *
 * <p>Unsubscribe is acted on conservatively and on the record: only when the head's unsubscribe probability reaches
 * the threshold its {@code features.json} sets ({@code act.unsubscribe}, chosen in training for precision), the lead is
 * marked do-not-email and opted out ({@code leads.opted_out_at}, which a CRM upsert cannot undo), and the change is
 * written to {@code do_not_email_changes} with the reply, the probability and the model. A reply classed unsubscribe
 * below the threshold is stored as such, with nothing done: {@link Classified#needsReview()}.
 */
@ApplicationScoped
public class ReplyIntents {

    private static final Logger LOG = Logger.getLogger(ReplyIntents.class);
    public static final String UNSUBSCRIBE = "unsubscribe";
    /** The intent stored for a reply with no new text (only a quote, a signature or nothing). */
    public static final String NO_TEXT = "no_text";
    public static final String EVENT = "email.reply.classified";

    @Inject
    DataSource dataSource;
    @Inject
    TextModels models;
    @Inject
    CloserConfig config;
    @Inject
    ObjectMapper json;
    @Inject
    MeterRegistry metrics;

    /**
     * A classification. acted: what Closer did ({@code do_not_email}) or null; threshold: the unsubscribe probability
     * at which it acts.
     */
    public record Classified(String intent, double confidence, Map<String, Double> probabilities, String newText,
                             Map<String, Boolean> stripped, String model, String acted, double threshold,
                             Tone tone) {

        /** Classed unsubscribe, but not sure enough to act on: someone should read it. */
        public boolean needsReview() {
            return UNSUBSCRIBE.equals(intent) && acted == null;
        }
    }

    /** Classifies a raw reply body without storing anything (what the API's classify endpoint answers). */
    public Classified classify(String body) {
        return classifyAll(List.of(body)).get(0);
    }

    private List<Classified> classifyAll(List<String> bodies) {
        TextClassifier head = models.intent();
        double threshold = unsubscribeThreshold(head);
        List<ReplyText.Parts> parts = bodies.stream().map(ReplyText::parts).toList();
        List<String> texts = parts.stream().filter(p -> !p.isEmpty()).map(ReplyText.Parts::newText).toList();
        float[][] vectors = texts.isEmpty() ? new float[0][] : models.encoder().embedAll(texts);
        List<TextClassifier.Prediction> predictions = texts.isEmpty() ? List.of() : head.predict(vectors);
        Tone[] tones = texts.isEmpty() ? new Tone[0] : models.tone().tones(vectors);
        List<Classified> out = new ArrayList<>(bodies.size());
        int next = 0;
        for (ReplyText.Parts p : parts) {
            Map<String, Boolean> stripped = Map.of("html", p.html(), "quote", p.quoteRemoved(), "signature",
                    p.signatureRemoved());
            if (p.isEmpty()) {
                out.add(new Classified(NO_TEXT, 0, Map.of(), "", stripped, head.spec().id(), null, threshold, null));
                continue;
            }
            Tone tone = tones[next];
            TextClassifier.Prediction prediction = predictions.get(next++);
            double unsubscribe = prediction.probabilities().getOrDefault(UNSUBSCRIBE, 0.0);
            String acted = UNSUBSCRIBE.equals(prediction.label()) && unsubscribe >= threshold ? "do_not_email" : null;
            out.add(new Classified(prediction.label(), prediction.confidence(), prediction.probabilities(),
                    p.newText(), stripped, head.spec().id(), acted, threshold, tone));
        }
        return out;
    }

    /** The head's unsubscribe probability at which Closer acts; above 1 (never) when the head sets none. */
    static double unsubscribeThreshold(TextClassifier head) {
        return head.spec().raw().path("act").path(UNSUBSCRIBE).asDouble(1.01);
    }

    private record Pending(String id, String leadId, String emailId, String body) {
    }

    @Scheduled(identity = "reply-intents", every = "${closer.emails.classify-interval}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void scheduled() {
        if (!config.emails().classifyReplies()) {
            return;
        }
        TableQueue.drain(LOG, "Classifying replies", config.emails().classifyBatch(), this::classifyPending);
    }

    /** Classifies and stores up to {@code limit} replies not classified yet; returns how many. */
    public int classifyPending(int limit) {
        return QuarkusTransaction.requiringNew().call(() -> {
            try (Connection c = dataSource.getConnection()) {
                List<Pending> pending = new ArrayList<>();
                try (PreparedStatement ps = c.prepareStatement("""
                        select id, lead_id, email_id, body from email_replies
                         where classified_at is null order by received_at limit ? for update skip locked""")) {
                    ps.setInt(1, limit);
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            pending.add(new Pending(rs.getString(1), rs.getString(2), rs.getString(3),
                                    rs.getString(4)));
                        }
                    }
                }
                if (pending.isEmpty()) {
                    return 0;
                }
                List<Classified> results = classifyAll(pending.stream().map(Pending::body).toList());
                for (int i = 0; i < pending.size(); i++) {
                    store(c, pending.get(i), results.get(i));
                }
                return pending.size();
            }
        });
    }

    private void store(Connection c, Pending reply, Classified r) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                insert into reply_intents (reply_id, lead_id, intent, confidence, probabilities, new_text, stripped,
                                           acted, model, tone, tone_positive)
                values (?, ?, ?, ?, ?::jsonb, ?, ?::jsonb, ?, ?, ?, ?) on conflict (reply_id) do nothing""")) {
            ps.setString(1, reply.id());
            ps.setString(2, reply.leadId());
            ps.setString(3, r.intent());
            ps.setDouble(4, r.confidence());
            ps.setString(5, json.valueToTree(r.probabilities()).toString());
            ps.setString(6, r.newText());
            ps.setString(7, json.valueToTree(r.stripped()).toString());
            ps.setString(8, r.acted());
            ps.setString(9, r.model());
            ps.setString(10, r.tone() == null ? null : r.tone().label());
            ps.setObject(11, r.tone() == null ? null : r.tone().positive());
            ps.executeUpdate();
        }
        try (PreparedStatement ps = c.prepareStatement(
                "update email_replies set classified_at = now() where id = ?")) {
            ps.setString(1, reply.id());
            ps.executeUpdate();
        }
        if (r.acted() != null) {
            optOut(c, reply, r);
        }
        metrics.counter("closer_reply_intents_total", "intent", r.intent(), "acted",
                r.acted() == null ? "none" : r.acted()).increment();
        enqueueWebhooks(c, reply, r);
    }

    private void optOut(Connection c, Pending reply, Classified r) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                update leads set do_not_email = true, opted_out_at = coalesce(opted_out_at, now()) where id = ?""")) {
            ps.setString(1, reply.leadId());
            ps.executeUpdate();
        }
        try (PreparedStatement ps = c.prepareStatement("""
                insert into do_not_email_changes (lead_id, do_not_email, reason, reply_id, intent, confidence, model,
                                                  changed_by)
                values (?, true, ?, ?, ?, ?, ?, 'closer/reply-intent')""")) {
            ps.setString(1, reply.leadId());
            ps.setString(2, String.format("Reply %s classified unsubscribe with probability %.3f (acts at >= %.3f): "
                    + "\"%s\"", reply.id(), r.probabilities().getOrDefault(UNSUBSCRIBE, 0.0), r.threshold(),
                    abbreviate(r.newText(), 300)));
            ps.setString(3, reply.id());
            ps.setString(4, r.intent());
            ps.setDouble(5, r.probabilities().getOrDefault(UNSUBSCRIBE, 0.0));
            ps.setString(6, r.model());
            ps.executeUpdate();
        }
        LOG.infof("Lead %s opted out of email: reply %s classified unsubscribe (%.3f)", reply.leadId(), reply.id(),
                r.probabilities().getOrDefault(UNSUBSCRIBE, 0.0));
    }

    /** One outbound delivery per active subscription to email.reply.classified, sent by OutboundDeliveries. */
    private void enqueueWebhooks(Connection c, Pending reply, Classified r) throws SQLException {
        ObjectNode data = json.createObjectNode();
        data.put("replyId", reply.id());
        data.put("leadId", reply.leadId());
        data.put("emailId", reply.emailId());
        data.put("intent", r.intent());
        data.put("confidence", r.confidence());
        data.put("acted", r.acted());
        data.put("needsReview", r.needsReview());
        data.put("model", r.model());
        OutboundEvents.enqueue(c, EVENT, "reply-" + reply.id() + "-classified", data);
    }

    private static String abbreviate(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max - 1) + "…";
    }
}
