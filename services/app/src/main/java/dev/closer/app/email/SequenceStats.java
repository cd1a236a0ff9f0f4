package dev.closer.app.email;

import dev.closer.app.config.CloserConfig;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;
import org.jboss.logging.Logger;

/**
 * Sequence A/B analytics: reply rate and positive-reply rate per sequence step and variant, with intervals, a test of
 * each variant against the step's control and the sends still needed, read from the stored counts of
 * {@code sequence_variant_stats} (a materialized view, refreshed every {@code closer.emails.stats-refresh} and on
 * demand). Counts cover every sequence email of leads not deleted in the CRM, whoever owns them: a sequence is the
 * team's, and its rates name no one.
 */
@ApplicationScoped
public class SequenceStats {

    private static final Logger LOG = Logger.getLogger(SequenceStats.class);
    private static final String VIEW = "sequence_variant_stats";
    /** Advisory lock key: one instance refreshes at a time, the others skip. */
    private static final long REFRESH_LOCK = 0x5e9_57a75L;

    @Inject
    DataSource dataSource;
    @Inject
    CloserConfig config;

    /** The two rates of the analytics. */
    public enum Metric {
        REPLY, POSITIVE
    }

    /** What a comparison says. */
    public enum Verdict {
        /** A variant has fewer than {@link AbTest#MIN_SENT} sends. */
        INSUFFICIENT_DATA,
        /** The difference is significant at the configured level. */
        WINNER,
        /** Not significant (yet): see moreSendsPerVariant. */
        NO_DIFFERENCE_YET
    }

    public record Variant(String variant, long sent, AbTest.Rate replyRate, AbTest.Rate positiveRate,
                          OffsetDateTime firstSentAt, OffsetDateTime lastSentAt) {
    }

    /**
     * One variant against the step's control on one metric. difference: variant's rate − control's, in points (a
     * point is 1%). probabilityToBeat: P(variant's rate > control's). sendsPerVariant: sends each needs to detect the
     * observed difference; moreSendsPerVariant: how many more than the smaller of the two has (null when the rates are
     * equal: no number of sends detects no difference). message: the verdict in words.
     */
    public record Comparison(Metric metric, String control, String variant, double difference, double pValue,
                             double probabilityToBeat, Verdict verdict, String winner, Double sendsPerVariant,
                             Long moreSendsPerVariant, String message) {
    }

    public record Step(int step, List<Variant> variants, List<Comparison> comparisons) {
    }

    public record Summary(String id, String name, int steps, List<String> variants, long sent,
                          AbTest.Rate replyRate, AbTest.Rate positiveRate, int winners,
                          OffsetDateTime lastSentAt) {
    }

    public record Detail(String id, String name, double confidence, double power, List<Step> steps,
                         OffsetDateTime refreshedAt) {
    }

    private record Row(String sequence, int step, String variant, long sent, long replied, long positive,
                       OffsetDateTime first, OffsetDateTime last, String name) {
    }

    /** Refreshes the stored counts, unless another instance is doing it right now; true when this call did. */
    public boolean refresh() {
        return QuarkusTransaction.requiringNew().call(() -> {
            try (Connection c = dataSource.getConnection(); Statement st = c.createStatement()) {
                try (ResultSet rs = st.executeQuery("select pg_try_advisory_xact_lock(" + REFRESH_LOCK + ")")) {
                    rs.next();
                    if (!rs.getBoolean(1)) {
                        return false;
                    }
                }
                long started = System.nanoTime();
                st.execute("refresh materialized view concurrently " + VIEW);
                st.executeUpdate("update view_refreshes set refreshed_at = now() where view_name = '" + VIEW + "'");
                LOG.debugf("Refreshed %s in %d ms", VIEW, (System.nanoTime() - started) / 1_000_000);
                return true;
            }
        });
    }

    @Scheduled(identity = "sequence-stats-refresh", every = "${closer.emails.stats-refresh}",
            delayed = "${closer.emails.stats-refresh}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void scheduledRefresh() {
        try {
            refresh();
        } catch (RuntimeException e) {
            LOG.warnf(e, "Refreshing %s failed; the A/B figures keep their previous counts", VIEW);
        }
    }

    /** Every sequence with sends, most sends first. */
    public List<Summary> sequences() {
        Map<String, List<Row>> bySequence = new LinkedHashMap<>();
        for (Row row : rows(null)) {
            bySequence.computeIfAbsent(row.sequence(), k -> new ArrayList<>()).add(row);
        }
        double confidence = config.emails().confidence();
        List<Summary> out = new ArrayList<>();
        for (Map.Entry<String, List<Row>> e : bySequence.entrySet()) {
            List<Row> rows = e.getValue();
            long sent = rows.stream().mapToLong(Row::sent).sum();
            long replied = rows.stream().mapToLong(Row::replied).sum();
            long positive = rows.stream().mapToLong(Row::positive).sum();
            List<Step> steps = steps(rows);
            int winners = (int) steps.stream().flatMap(s -> s.comparisons().stream())
                    .filter(c -> c.verdict() == Verdict.WINNER).count();
            out.add(new Summary(e.getKey(), rows.get(0).name(), steps.size(),
                    rows.stream().map(Row::variant).distinct().sorted().toList(), sent,
                    AbTest.rate(replied, sent, confidence), AbTest.rate(positive, sent, confidence), winners,
                    rows.stream().map(Row::last).max(Comparator.naturalOrder()).orElse(null)));
        }
        out.sort(Comparator.comparingLong(Summary::sent).reversed().thenComparing(Summary::id));
        return out;
    }

    /** One sequence's steps, variants and comparisons; empty when it has no sends. */
    public Optional<Detail> sequence(String id) {
        List<Row> rows = rows(id);
        if (rows.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new Detail(id, rows.get(0).name(), config.emails().confidence(), config.emails().power(),
                steps(rows), refreshedAt()));
    }

    private List<Step> steps(List<Row> rows) {
        Map<Integer, List<Row>> byStep = new LinkedHashMap<>();
        rows.stream().sorted(Comparator.comparingInt(Row::step).thenComparing(Row::variant))
                .forEach(r -> byStep.computeIfAbsent(r.step(), k -> new ArrayList<>()).add(r));
        double confidence = config.emails().confidence();
        List<Step> steps = new ArrayList<>();
        for (Map.Entry<Integer, List<Row>> e : byStep.entrySet()) {
            List<Variant> variants = e.getValue().stream().map(r -> new Variant(r.variant(), r.sent(),
                    AbTest.rate(r.replied(), r.sent(), confidence), AbTest.rate(r.positive(), r.sent(), confidence),
                    r.first(), r.last())).toList();
            List<Comparison> comparisons = new ArrayList<>();
            // The control: variant "A" when there is one, else the first by name; every other variant is tested
            // against it (with more than two variants, each test is at the configured level on its own).
            Variant control = variants.stream().filter(v -> v.variant().equalsIgnoreCase("A")).findFirst()
                    .orElse(variants.get(0));
            for (Variant v : variants) {
                if (v != control) {
                    comparisons.add(compare(Metric.REPLY, control, v));
                    comparisons.add(compare(Metric.POSITIVE, control, v));
                }
            }
            steps.add(new Step(e.getKey(), variants, comparisons));
        }
        return steps;
    }

    Comparison compare(Metric metric, Variant control, Variant variant) {
        AbTest.Rate a = metric == Metric.REPLY ? control.replyRate() : control.positiveRate();
        AbTest.Rate b = metric == Metric.REPLY ? variant.replyRate() : variant.positiveRate();
        double alpha = 1 - config.emails().confidence();
        double power = config.emails().power();
        String what = metric == Metric.REPLY ? "reply rate" : "positive-reply rate";
        double difference = 100 * (b.rate() - a.rate());
        double p = AbTest.pValue(a.successes(), a.trials(), b.successes(), b.trials());
        double beat = AbTest.probabilityToBeat(a.successes(), a.trials(), b.successes(), b.trials());
        double needed = AbTest.sampleSizePerVariant(a.rate(), b.rate(), alpha, power);
        Double sends = Double.isFinite(needed) ? needed : null;
        Long more = sends == null ? null : Math.max(0, (long) needed - Math.min(a.trials(), b.trials()));
        Verdict verdict;
        String winner = null;
        String message;
        if (Math.min(a.trials(), b.trials()) < AbTest.MIN_SENT) {
            verdict = Verdict.INSUFFICIENT_DATA;
            message = String.format("Too few sends to compare: each variant needs at least %d (%s has %d, %s has %d).",
                    AbTest.MIN_SENT, control.variant(), a.trials(), variant.variant(), b.trials());
        } else if (p < alpha) {
            verdict = Verdict.WINNER;
            winner = difference > 0 ? variant.variant() : control.variant();
            String loser = difference > 0 ? control.variant() : variant.variant();
            message = String.format("%s beats %s on %s by %.1f points (p = %.3g; P(%s better) = %.1f%%).", winner,
                    loser, what, Math.abs(difference), p, winner, 100 * (difference > 0 ? beat : 1 - beat));
        } else {
            verdict = Verdict.NO_DIFFERENCE_YET;
            message = sends == null
                    ? String.format("No difference in %s (p = %.3g).", what, p)
                    : String.format("No significant difference in %s yet (%.1f points, p = %.3g): about %,d more sends "
                            + "per variant would detect a difference this size with %.0f%% power.", what, difference,
                            p, more, 100 * power);
        }
        return new Comparison(metric, control.variant(), variant.variant(), difference, p, beat, verdict, winner,
                sends, more, message);
    }

    private OffsetDateTime refreshedAt() {
        return QuarkusTransaction.requiringNew().call(() -> {
            try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                    "select refreshed_at from view_refreshes where view_name = ?")) {
                ps.setString(1, VIEW);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? rs.getObject(1, OffsetDateTime.class) : null;
                }
            }
        });
    }

    private List<Row> rows(String sequence) {
        return QuarkusTransaction.requiringNew().call(() -> {
            try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement("""
                    select sequence_id, sequence_step, variant, sent, replied, positive, first_sent_at, last_sent_at,
                           sequence_name
                      from sequence_variant_stats
                     where ?::text is null or sequence_id = ?
                     order by sequence_id, sequence_step, variant""")) {
                ps.setString(1, sequence);
                ps.setString(2, sequence);
                List<Row> rows = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        rows.add(new Row(rs.getString(1), rs.getInt(2), rs.getString(3), rs.getLong(4),
                                rs.getLong(5), rs.getLong(6), rs.getObject(7, OffsetDateTime.class),
                                rs.getObject(8, OffsetDateTime.class), rs.getString(9)));
                    }
                }
                return rows;
            } catch (SQLException e) {
                throw new IllegalStateException("Reading " + VIEW + " failed", e);
            }
        });
    }
}
