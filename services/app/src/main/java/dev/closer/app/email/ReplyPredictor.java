package dev.closer.app.email;

import dev.closer.app.text.TextModels;
import dev.closer.inference.tabular.Factor;
import dev.closer.inference.tabular.FeatureSpec;
import dev.closer.inference.tabular.TabularModel;
import dev.closer.inference.text.ReplyText;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.DateTimeException;
import java.time.DayOfWeek;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.TextStyle;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sql.DataSource;

/**
 * p(reply) of an email before it is sent, from the reply model ({@code ml/models/reply-score}): the draft's text
 * through the sentence encoder, its rule-computed features ({@link ReplyFeatures}) and what Closer knows about the
 * recipient before the send (lead and account fields, earlier emails, opens, clicks, replies and web sessions).
 *
 * <p>Suggestions are variants of the draft scored by the same model, kept only when the model says they raise
 * p(reply): the body cut to fewer words (whole sentences from the start, and the closing line), a question added as the
 * last line when the body asks none, and the best send slot of the coming week in the recipient's time zone. Each
 * carries the variant and its predicted p(reply); there is no advice the model does not back.
 */
@ApplicationScoped
public class ReplyPredictor {

    /** A suggestion must raise p(reply) by at least this many points to be shown. */
    static final double MIN_GAIN_POINTS = 0.1;
    /** Lengths a long body is cut to, in words, when it is longer. */
    static final int[] SHORTER = {50, 75, 100};
    /** The question added to a body without one. */
    static final String QUESTION = "Would a 15-minute call next week be worth it?";
    /** Local send hours tried for the best slot (Monday to Friday of the coming week). */
    static final int[] HOURS = {8, 9, 10, 11, 13, 14, 15, 16};

    private static final Pattern SENTENCE = Pattern.compile("[^.!?\\n]+[.!?]*[\"')\\]]*\\s*|\\n+");

    @Inject
    TextModels models;
    @Inject
    DataSource dataSource;

    /** What is scored: a draft to a lead (optional: without one the recipient's context is unknown). */
    public record Draft(String leadId, String subject, String body, Integer sequenceStep, OffsetDateTime sendAt,
                        String recipientTimezone) {
    }

    public record Suggestion(String kind, String title, String detail, double pReply, double deltaPoints,
                             String subject, String body, OffsetDateTime sendAt) {
    }

    public record Factors(List<Factor> positive, List<Factor> negative) {
    }

    public record Recipient(String leadId, String timezone, String localTime) {
    }

    public record TextStats(int words, int questions) {
    }

    public record Scored(double pReply, String model, Factors factors, List<Suggestion> suggestions, TextStats text,
                         Recipient recipient) {
    }

    /** The recipient's context, as of the send; empty map for no lead. Empty optional: no such lead. */
    public Optional<Map<String, Object>> context(String leadId, OffsetDateTime at) {
        if (leadId == null) {
            return Optional.of(Map.of());
        }
        return QuarkusTransaction.requiringNew().call(() -> {
            try (Connection c = dataSource.getConnection()) {
                return Optional.ofNullable(contexts(c, List.of(leadId), List.of(at)).get(0));
            }
        });
    }

    /**
     * The context of each (lead, send time) pair in one query, on the caller's connection (and transaction): what
     * Closer knew of the lead before that send. An entry is null when the lead does not exist (or was deleted).
     */
    public List<Map<String, Object>> contexts(Connection c, List<String> leadIds, List<OffsetDateTime> at)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                select q.n, l.seniority, l.department, l.source, l.occupation, l.attributes ->> 'timezone',
                       a.name, a.industry, a.attributes ->> 'employee_band', a.employees,
                       (select count(*) from emails e where e.lead_id = l.id and e.sent_at < q.at),
                       (select count(*) from activities x where x.lead_id = l.id and x.type = 'email_opened'
                           and x.occurred_at < q.at),
                       (select count(*) from activities x where x.lead_id = l.id and x.type = 'email_clicked'
                           and x.occurred_at < q.at),
                       (select count(*) from email_replies r where r.lead_id = l.id and r.received_at < q.at),
                       (select count(distinct x.properties ->> 'sessionId') from activities x
                         where x.lead_id = l.id and x.type = 'page_view' and x.occurred_at < q.at
                           and x.occurred_at >= q.at - interval '3 days'),
                       (select count(distinct x.properties ->> 'sessionId') from activities x
                         where x.lead_id = l.id and x.type = 'page_view' and x.occurred_at < q.at
                           and x.occurred_at >= q.at - interval '30 days')
                  from unnest(?::text[], ?::timestamptz[]) with ordinality as q (lead_id, at, n)
                  join leads l on l.id = q.lead_id and l.deleted_at is null
                  left join accounts a on a.id = l.account_id""")) {
            ps.setArray(1, c.createArrayOf("text", leadIds.toArray()));
            // Times go as text, as db.Unnest binds them, and PostgreSQL reads them back as timestamptz.
            ps.setArray(2, c.createArrayOf("text", at.stream().map(OffsetDateTime::toString).toArray()));
            List<Map<String, Object>> out = new ArrayList<>(Collections.nCopies(leadIds.size(), null));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Map<String, Object> r = new HashMap<>();
                    r.put("seniority", rs.getString(2));
                    r.put("department", rs.getString(3));
                    r.put("source", rs.getString(4));
                    r.put("occupation", rs.getString(5));
                    r.put("leadTimezone", rs.getString(6));
                    r.put("accountName", rs.getString(7));
                    r.put("industry", rs.getString(8));
                    r.put("employeeBand", rs.getString(9));
                    r.put("employees", rs.getObject(10));
                    r.put("priorEmailsSent", rs.getLong(11));
                    r.put("priorOpens", rs.getLong(12));
                    r.put("priorClicks", rs.getLong(13));
                    r.put("priorReplies", rs.getLong(14));
                    r.put("webSessions3d", rs.getLong(15));
                    r.put("webSessions30d", rs.getLong(16));
                    out.set(rs.getInt(1) - 1, r);
                }
            }
            return out;
        }
    }

    /**
     * The model's record for a draft in a context. The body must be plain text: callers read an HTML body (pasted
     * from a mail client, or sent so by a CRM) as its text first ({@link ReplyText#plainText}).
     */
    static Map<String, Object> record(Draft draft, Map<String, Object> context) {
        Map<String, Object> r = new HashMap<>(context);
        r.put("subject", draft.subject() == null ? "" : draft.subject());
        r.put("body", draft.body() == null ? "" : draft.body());
        r.put("sentAt", draft.sendAt());
        r.put("sequenceStep", draft.sequenceStep());
        String zone = draft.recipientTimezone() != null ? draft.recipientTimezone()
                : (String) context.get("leadTimezone");
        r.put("recipientTimezone", zone);
        r.remove("leadTimezone");
        return ReplyFeatures.withDerived(r);
    }

    /** Scores a draft and works out the suggestions the model backs. */
    public Scored score(Draft input, Map<String, Object> context) {
        Draft draft = withBody(input, ReplyText.plainText(input.body()));
        TabularModel model = models.replyModel();
        FeatureSpec.Text text = model.spec().text();
        Map<String, Object> base = record(draft, context);

        // Text variants: shorter bodies (distinct ones only), then the body with a question.
        List<Draft> variants = new ArrayList<>();
        List<String> kinds = new ArrayList<>();
        int words = (int) base.get("bodyWords");
        Set<String> shorterBodies = new HashSet<>();
        for (int n : SHORTER) {
            if (words > n + 15) {
                String shorter = shorten(draft.body(), n);
                if (ReplyFeatures.words(shorter) < words && shorterBodies.add(shorter)) {
                    variants.add(withBody(draft, shorter));
                    kinds.add("shorten");
                }
            }
        }
        if ((int) base.get("bodyQuestions") == 0 && !draft.body().isBlank()) {
            variants.add(withBody(draft, draft.body().stripTrailing() + "\n\n" + QUESTION));
            kinds.add("question");
        }
        List<Map<String, Object>> all = new ArrayList<>();
        variants.forEach(v -> all.add(record(v, context)));
        List<String> texts = new ArrayList<>();
        texts.add(text.render(base));
        all.forEach(r -> texts.add(text.render(r)));
        float[][] vectors = models.encoder().embedAll(texts);
        // The draft itself: its probability and its factors in one explain run.
        TabularModel.Explained explained = model.explain(List.of(base), new float[][] {vectors[0]}, 5).get(0);
        double own = explained.probability();

        // Send-time variants: the draft at each slot of the coming week in the recipient's zone (no new embedding).
        String zone = (String) base.get("recipientTimezone");
        List<OffsetDateTime> slots = zone == null ? List.of() : slots(draft.sendAt(), zone);
        int first = variants.size();
        float[][] allVectors = new float[first + slots.size()][];
        System.arraycopy(vectors, 1, allVectors, 0, first);
        for (int i = 0; i < slots.size(); i++) {
            all.add(ReplyFeatures.atSendTime(base, slots.get(i)));
            allVectors[first + i] = vectors[0];
        }
        float[] p = all.isEmpty() ? new float[0] : model.predict(all, allVectors);

        List<Suggestion> suggestions = new ArrayList<>();
        Suggestion bestShorter = null;
        for (int i = 0; i < variants.size(); i++) {
            double gain = 100 * (p[i] - own);
            Draft v = variants.get(i);
            if (gain < MIN_GAIN_POINTS) {
                continue;
            }
            if ("shorten".equals(kinds.get(i))) {
                int n = ReplyFeatures.words(v.body());
                Suggestion s = new Suggestion("shorten", "Shorten to " + n + " words",
                        "The body has " + words + " words; cut to its first sentences and closing line (" + n
                                + " words) the model predicts more replies.", p[i], gain, v.subject(), v.body(),
                        null);
                if (bestShorter == null || s.pReply() > bestShorter.pReply()) {
                    bestShorter = s;
                }
            } else {
                suggestions.add(new Suggestion("question", "End with a question",
                        "The body asks nothing; ending with \"" + QUESTION + "\" the model predicts more replies.",
                        p[i], gain, v.subject(), v.body(), null));
            }
        }
        if (bestShorter != null) {
            suggestions.add(bestShorter);
        }
        int best = -1;
        for (int i = 0; i < slots.size(); i++) {
            if (best < 0 || p[first + i] > p[first + best]) {
                best = i;
            }
        }
        if (best >= 0) {
            double gain = 100 * (p[first + best] - own);
            if (gain >= MIN_GAIN_POINTS) {
                ZonedDateTime local = slots.get(best).atZoneSameInstant(ZoneId.of(zone));
                String when = local.getDayOfWeek().getDisplayName(TextStyle.FULL, Locale.ENGLISH)
                        + " " + String.format("%d:00", local.getHour());
                suggestions.add(new Suggestion("send_time", "Send " + when + " recipient time",
                        "The best of the coming week's weekday slots (8:00 to 16:00 in " + zone + ") for this "
                                + "recipient.", p[first + best], gain, null, null, slots.get(best)));
            }
        }
        suggestions.sort((a, b) -> Double.compare(b.deltaPoints(), a.deltaPoints()));
        String localTime = null;
        if (zone != null && base.get("localHour") != null) {
            localTime = draft.sendAt().atZoneSameInstant(ZoneId.of(zone.strip())).toLocalDateTime().toString();
        }
        return new Scored(own, model.bundle().id(), new Factors(explained.positive(), explained.negative()),
                suggestions, new TextStats(words, (int) base.get("bodyQuestions")),
                new Recipient(draft.leadId(), zone, localTime));
    }

    /** The coming week's weekday slots at {@link #HOURS}, in the zone, after {@code from}. */
    static List<OffsetDateTime> slots(OffsetDateTime from, String zone) {
        ZoneId id;
        try {
            id = ZoneId.of(zone.strip());
        } catch (DateTimeException e) {
            return List.of();
        }
        ZonedDateTime start = from.atZoneSameInstant(id).toLocalDate().plusDays(1).atStartOfDay(id);
        List<OffsetDateTime> out = new ArrayList<>();
        for (int d = 0; d < 7; d++) {
            ZonedDateTime day = start.plusDays(d);
            if (day.getDayOfWeek() == DayOfWeek.SATURDAY || day.getDayOfWeek() == DayOfWeek.SUNDAY) {
                continue;
            }
            for (int h : HOURS) {
                out.add(day.withHour(h).toOffsetDateTime().withOffsetSameInstant(ZoneOffset.UTC));
            }
        }
        return out;
    }

    /**
     * The body cut to at most about {@code words} words: whole sentences from the start while they fit, then the
     * body's last sentence (its call to action or sign-off line), so the email still ends as written.
     */
    static String shorten(String body, int words) {
        List<String> pieces = new ArrayList<>();
        Matcher m = SENTENCE.matcher(body);
        while (m.find()) {
            pieces.add(m.group());
        }
        int last = pieces.size() - 1;
        while (last >= 0 && pieces.get(last).isBlank()) {
            last--;
        }
        if (last <= 0) {
            return body;
        }
        String closing = pieces.get(last).strip();
        int budget = words - ReplyFeatures.words(closing);
        StringBuilder out = new StringBuilder();
        int used = 0;
        for (int i = 0; i < last; i++) {
            int n = ReplyFeatures.words(pieces.get(i));
            if (used + n > budget) {
                break;
            }
            out.append(pieces.get(i));
            used += n;
        }
        return (out.toString().stripTrailing() + "\n\n" + closing).strip();
    }

    private static Draft withBody(Draft d, String body) {
        return new Draft(d.leadId(), d.subject(), body, d.sequenceStep(), d.sendAt(), d.recipientTimezone());
    }
}
