package dev.closer.app.email;

import dev.closer.app.config.CloserConfig;
import dev.closer.app.db.TableQueue;
import dev.closer.app.text.TextModels;
import dev.closer.inference.text.ReplyText;
import dev.closer.inference.tabular.TabularModel;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.jboss.logging.Logger;

/**
 * p(reply) of every sent email, predicted as it is ingested (from the emails not predicted yet, oldest first,
 * {@code FOR UPDATE SKIP LOCKED}) and stored in {@code email_predictions}; {@link #calibration} joins the predictions
 * with the replies that came, so how well the model's probabilities hold up can be watched.
 */
@ApplicationScoped
public class SentEmailPredictions {

    private static final Logger LOG = Logger.getLogger(SentEmailPredictions.class);

    @Inject
    DataSource dataSource;
    @Inject
    TextModels models;
    @Inject
    ReplyPredictor predictor;
    @Inject
    CloserConfig config;

    private record Pending(String id, String leadId, String subject, String body, OffsetDateTime sentAt,
                           Integer step, String timezone) {
    }

    @Scheduled(identity = "sent-email-predictions", every = "${closer.emails.classify-interval}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void scheduled() {
        if (!config.emails().predictSent()) {
            return;
        }
        TableQueue.drain(LOG, "Predicting sent emails", config.emails().classifyBatch(), this::predictPending);
    }

    /** Predicts and stores up to {@code limit} sent emails not predicted yet; returns how many. */
    public int predictPending(int limit) {
        return QuarkusTransaction.requiringNew().call(() -> {
            try (Connection c = dataSource.getConnection()) {
                List<Pending> pending = new ArrayList<>();
                try (PreparedStatement ps = c.prepareStatement("""
                        select id, lead_id, subject, body, sent_at, sequence_step, attributes ->> 'recipient_timezone'
                          from emails where predicted_at is null order by sent_at limit ? for update skip locked""")) {
                    ps.setInt(1, limit);
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            pending.add(new Pending(rs.getString(1), rs.getString(2), rs.getString(3),
                                    rs.getString(4), rs.getObject(5, OffsetDateTime.class),
                                    (Integer) rs.getObject(6), rs.getString(7)));
                        }
                    }
                }
                if (pending.isEmpty()) {
                    return 0;
                }
                TabularModel model = models.replyModel();
                List<Map<String, Object>> contexts = predictor.contexts(c,
                        pending.stream().map(Pending::leadId).toList(),
                        pending.stream().map(Pending::sentAt).toList());
                List<Map<String, Object>> records = new ArrayList<>();
                for (int i = 0; i < pending.size(); i++) {
                    Pending e = pending.get(i);
                    Map<String, Object> context = contexts.get(i) == null ? Map.of() : contexts.get(i);
                    records.add(ReplyPredictor.record(new ReplyPredictor.Draft(e.leadId(), e.subject(),
                            ReplyText.plainText(e.body()), e.step(), e.sentAt(), e.timezone()), context));
                }
                float[][] vectors = models.encoder().embedAll(records.stream().map(model.spec().text()::render)
                        .toList());
                float[] p = model.predict(records, vectors);
                try (PreparedStatement insert = c.prepareStatement("""
                        insert into email_predictions (email_id, lead_id, p_reply, model) values (?, ?, ?, ?)
                        on conflict (email_id) do nothing""");
                     PreparedStatement done = c.prepareStatement(
                             "update emails set predicted_at = now() where id = ?")) {
                    for (int i = 0; i < pending.size(); i++) {
                        insert.setString(1, pending.get(i).id());
                        insert.setString(2, pending.get(i).leadId());
                        insert.setFloat(3, p[i]);
                        insert.setString(4, model.bundle().id());
                        insert.addBatch();
                        done.setString(1, pending.get(i).id());
                        done.addBatch();
                    }
                    insert.executeBatch();
                    done.executeBatch();
                }
                return pending.size();
            }
        });
    }

    /** A bin of predictions: how many, their mean p(reply), and the share that were replied to. */
    public record Bin(double from, double to, long emails, double meanPredicted, double replyRate) {
    }

    /**
     * Brier score and expected calibration error (bins weighted by their emails) over the predictions of emails sent
     * in the window and at least {@code settleDays} ago (a reply has had time to come).
     */
    public record Calibration(String model, long emails, long replied, double meanPredicted, double replyRate,
                              Double brier, Double ece, List<Bin> bins, OffsetDateTime from, OffsetDateTime to) {
    }

    /** Predicted against real replies, in {@code bins} equal-width bins of p(reply) up to the largest prediction. */
    public Calibration calibration(int days, int settleDays, int bins) {
        return QuarkusTransaction.requiringNew().call(() -> {
            try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement("""
                    select p.model, p.p_reply,
                           exists (select 1 from email_replies r left join reply_intents i on i.reply_id = r.id
                                    where r.email_id = e.id and i.intent is distinct from 'out_of_office') as replied
                      from email_predictions p join emails e on e.id = p.email_id
                     where e.sent_at >= now() - make_interval(days => ?)
                       and e.sent_at < now() - make_interval(days => ?)
                       and p.model = (select model from email_predictions order by scored_at desc limit 1)""")) {
                ps.setInt(1, days);
                ps.setInt(2, settleDays);
                String model = null;
                List<double[]> rows = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        model = rs.getString(1);
                        rows.add(new double[] {rs.getDouble(2), rs.getBoolean(3) ? 1 : 0});
                    }
                }
                OffsetDateTime now = OffsetDateTime.now();
                if (rows.isEmpty()) {
                    return new Calibration(model, 0, 0, Double.NaN, Double.NaN, null, null, List.of(),
                            now.minusDays(days), now.minusDays(settleDays));
                }
                double max = rows.stream().mapToDouble(r -> r[0]).max().orElse(1);
                double width = Math.max(max, 1e-6) / bins;
                long[] n = new long[bins];
                double[] predicted = new double[bins];
                double[] observed = new double[bins];
                double brier = 0;
                long replied = 0;
                double sumP = 0;
                for (double[] r : rows) {
                    int b = Math.min(bins - 1, (int) (r[0] / width));
                    n[b]++;
                    predicted[b] += r[0];
                    observed[b] += r[1];
                    brier += (r[0] - r[1]) * (r[0] - r[1]);
                    replied += (long) r[1];
                    sumP += r[0];
                }
                List<Bin> out = new ArrayList<>();
                double ece = 0;
                for (int b = 0; b < bins; b++) {
                    if (n[b] == 0) {
                        continue;
                    }
                    double mp = predicted[b] / n[b];
                    double rate = observed[b] / n[b];
                    ece += (double) n[b] / rows.size() * Math.abs(mp - rate);
                    out.add(new Bin(b * width, (b + 1) * width, n[b], mp, rate));
                }
                return new Calibration(model, rows.size(), replied, sumP / rows.size(),
                        (double) replied / rows.size(), brier / rows.size(), ece, out, now.minusDays(days),
                        now.minusDays(settleDays));
            }
        });
    }
}
