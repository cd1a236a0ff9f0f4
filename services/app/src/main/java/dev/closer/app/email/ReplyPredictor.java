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
import java.time.DateTimeException;
import java.time.DayOfWeek;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.TextStyle;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
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
            try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement("""
                    select l.seniority, l.department, l.source, l.occupation, l.attributes ->> 'timezone',
                           a.name, a.industry, a.attributes ->> 'employee_band', a.employees,
                           (select count(*) from emails e where e.lead_id = l.id and e.sent_at < ?),
                           (select count(*) from activities x where x.lead_id = l.id and x.type = 'email_opened'
                               and x.occurred_at < ?),
                           (select count(*) from activities x where x.lead_id = l.id and x.type = 'email_clicked'
                               and x.occurred_at < ?),
                           (select count(*) from email_replies r where r.lead_id = l.id and r.received_at < ?),
                           (select count(distinct x.properties ->> 'sessionId') from activities x
                             where x.lead_id = l.id and x.type = 'page_view' and x.occurred_at < ?
                               and x.occurred_at >= ? - interval '3 days'),
                           (select count(distinct x.properties ->> 'sessionId') from activities x
                             where x.lead_id = l.id and x.type = 'page_view' and x.occurred_at < ?
                               and x.occurred_at >= ? - interval '30 days')
                      from leads l left join accounts a on a.id = l.account_id
                     where l.id = ? and l.deleted_at is null""")) {
                for (int i = 1; i <= 8; i++) {
                    ps.setObject(i, at);
                }
                ps.setString(9, leadId);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return Optional.<Map<String, Object>>empty();
                    }
                    Map<String, Object> r = new HashMap<>();
                    r.put("seniority", rs.getString(1));
                    r.put("department", rs.getString(2));
                    r.put("source", rs.getString(3));
                    r.put("occupation", rs.getString(4));
                    r.put("leadTimezone", rs.getString(5));
                    r.put("accountName", rs.getString(6));
                    r.put("industry", rs.getString(7));
                    r.put("employeeBand", rs.getString(8));
                    r.put("employees", rs.getObject(9));
                    r.put("priorEmailsSent", rs.getLong(10));
                    r.put("priorOpens", rs.getLong(11));
                    r.put("priorClicks", rs.getLong(12));
                    r.put("priorReplies", rs.getLong(13));
                    r.put("webSessions3d", rs.getLong(14));
                    r.put("webSessions30d", rs.getLong(15));
                    return Optional.of(r);
                }
            }
        });
    }

    /** The model's record for a draft in a context. */
    static Map<String, Object> record(Draft draft, Map<String, Object> context) {
        Map<String, Object> r = new HashMap<>(context);
        r.put("subject", draft.subject() == null ? "" : draft.subject());
        // An HTML body (pasted from a mail client, or sent so by a CRM) is read as its text.
        r.put("body", ReplyText.plainText(draft.body()));
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

        // Text variants: the draft, then shorter bodies, then the body with a question.
        List<Draft> variants = new ArrayList<>();
        List<String> kinds = new ArrayList<>();
        int words = (int) base.get("bodyWords");
        for (int n : SHORTER) {
            if (words > n + 15) {
                String shorter = shorten(draft.body(), n);
                if (ReplyFeatures.words(shorter) < words) {
                    variants.add(withBody(draft, shorter));
                    kinds.add("shorten");
                }
            }
        }
        if ((int) base.get("bodyQuestions") == 0 && !draft.body().isBlank()) {
            variants.add(withBody(draft, draft.body().stripTrailing() + "\n\n" + QUESTION));
            kinds.add("question");
        }
        List<Map<String, Object>> records = new ArrayList<>();
        records.add(base);
        variants.forEach(v -> records.add(record(v, context)));
        List<String> texts = records.stream().map(text::render).toList();
        float[][] vectors = models.encoder().embedAll(texts);

        // Send-time variants: the draft's text at each slot of the coming week (no new embedding).
        String zone = (String) base.get("recipientTimezone");
        List<OffsetDateTime> slots = zone == null ? List.of() : slots(draft.sendAt(), zone);
        List<Map<String, Object>> all = new ArrayList<>(records);
        float[][] allVectors = new float[records.size() + slots.size()][];
        System.arraycopy(vectors, 0, allVectors, 0, vectors.length);
        for (int i = 0; i < slots.size(); i++) {
            all.add(record(withSendAt(draft, slots.get(i)), context));
            allVectors[records.size() + i] = vectors[0];
        }
        float[] p = model.predict(all, allVectors);
        TabularModel.Explained explained = model.explain(List.of(base), new float[][] {vectors[0]}, 5).get(0);

        List<Suggestion> suggestions = new ArrayList<>();
        double own = p[0];
        Suggestion bestShorter = null;
        for (int i = 0; i < variants.size(); i++) {
            double gain = 100 * (p[i + 1] - own);
            Draft v = variants.get(i);
            if (gain < MIN_GAIN_POINTS) {
                continue;
            }
            if ("shorten".equals(kinds.get(i))) {
                int n = ReplyFeatures.words(v.body());
                Suggestion s = new Suggestion("shorten", "Shorten to " + n + " words",
                        "The body has " + words + " words; cut to its first sentences and closing line (" + n
                                + " words) the model predicts more replies.", p[i + 1], gain, v.subject(), v.body(),
                        null);
                if (bestShorter == null || s.pReply() > bestShorter.pReply()) {
                    bestShorter = s;
                }
            } else {
                suggestions.add(new Suggestion("question", "End with a question",
                        "The body asks nothing; ending with \"" + QUESTION + "\" the model predicts more replies.",
                        p[i + 1], gain, v.subject(), v.body(), null));
            }
        }
        if (bestShorter != null) {
            suggestions.add(bestShorter);
        }
        int best = -1;
        for (int i = 0; i < slots.size(); i++) {
            if (best < 0 || p[records.size() + i] > p[records.size() + best]) {
                best = i;
            }
        }
        if (best >= 0) {
            double gain = 100 * (p[records.size() + best] - own);
            if (gain >= MIN_GAIN_POINTS) {
                ZonedDateTime local = slots.get(best).atZoneSameInstant(ZoneId.of(zone));
                String when = local.getDayOfWeek().getDisplayName(TextStyle.FULL, Locale.ENGLISH)
                        + " " + String.format("%d:00", local.getHour());
                suggestions.add(new Suggestion("send_time", "Send " + when + " recipient time",
                        "The best of the coming week's weekday slots (8:00 to 16:00 in " + zone + ") for this "
                                + "recipient.", p[records.size() + best], gain, null, null, slots.get(best)));
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

    private static Draft withSendAt(Draft d, OffsetDateTime at) {
        return new Draft(d.leadId(), d.subject(), d.body(), d.sequenceStep(), at, d.recipientTimezone());
    }
}
