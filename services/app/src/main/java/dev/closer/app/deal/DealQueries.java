package dev.closer.app.deal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.closer.app.auth.Caller;
import dev.closer.app.config.CloserConfig;
import dev.closer.app.db.Columns;
import dev.closer.app.lead.LeadService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/**
 * Open deals as a caller may see them (a deal's owner among {@link LeadService#visibleOwners}, as the dashboard's
 * funnel counts them; deals deleted in the CRM left out), each with how long it has been in its stage, its latest
 * analysed call's win odds and warnings, and the time-based warnings as of now.
 *
 * <p>The time-based warnings are computed here, when deals are read, not when a call is analysed (a warning frozen
 * at analysis would count the analysed call itself as the lead's latest activity, and would go stale as days pass):
 * <ul>
 *   <li>{@code no_activity}: no activity, email, reply or call of the deal's lead for more than
 *       {@code closer.calls.no-activity-days};</li>
 *   <li>{@code ghosted}: the rep's last email to the lead is more than {@code closer.calls.ghosted-days} old and
 *       nothing came from the prospect after it (no reply, activity or call);</li>
 *   <li>{@code stalled_in_stage}: the deal has been in its stage (stageSince, the one definition) for more than
 *       {@code closer.calls.stalled-days}.</li>
 * </ul>
 * They follow the call's stored ones ({@code pricing_not_discussed}, {@code single_threaded}: see DealWarnings) in
 * {@code warnings}, in the same {code, message, evidence} shape.
 */
@ApplicationScoped
public class DealQueries {

    @Inject
    DataSource dataSource;
    @Inject
    LeadService leads;
    @Inject
    ObjectMapper json;
    @Inject
    CloserConfig config;

    /**
     * An open deal. stageSince: when it entered its current stage (deal_stages; else when the CRM created it, else
     * its first event), daysInStage counted from then. The call fields are the latest analysed call's on the deal
     * (by the call's start), null when it has none; winProbability is null too when no call-win model is served.
     * warnings: the latest call's (as analysed) followed by the time-based ones as of now.
     */
    public record OpenDeal(String id, String name, String leadId, String accountId, Double amount, String currency,
                           String stage, String ownerId, OffsetDateTime stageSince, Integer daysInStage, int calls,
                           String lastCallId, OffsetDateTime lastCallAt, Double winProbability, JsonNode warnings) {
    }

    public List<OpenDeal> open(Caller caller, int limit) throws SQLException {
        List<String> owners = leads.visibleOwners(caller);
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement("""
                select d.id, d.name, d.lead_id, d.account_id, d.amount, d.currency, d.stage, d.owner_id, s.since,
                       floor(extract(epoch from now() - s.since) / 86400)::int,
                       (select count(*) from call_analyses x join calls xc on xc.id = x.call_id
                         where xc.deal_id = d.id)::int,
                       a.call_id, a.started_at, a.win_probability, a.warnings::text,
                       t.activity_at, t.email_at, t.reply_at, t.call_at, t.email_id, now()
                  from deals d
                  cross join lateral (select coalesce((select max(st.changed_at) from deal_stages st
                                                        where st.deal_id = d.id and st.to_stage = d.stage),
                                                      d.crm_created_at, d.event_time) as since) s
                  left join lateral (select ca.call_id, cl.started_at, ca.win_probability, ca.warnings
                                       from call_analyses ca join calls cl on cl.id = ca.call_id
                                      where cl.deal_id = d.id
                                      order by cl.started_at desc, ca.analysed_at desc limit 1) a on true
                  cross join lateral (
                      select (select max(occurred_at) from activities where lead_id = d.lead_id) as activity_at,
                             (select max(sent_at) from emails where lead_id = d.lead_id) as email_at,
                             (select max(received_at) from email_replies where lead_id = d.lead_id) as reply_at,
                             (select max(started_at) from calls where lead_id = d.lead_id) as call_at,
                             (select id from emails where lead_id = d.lead_id and sent_at is not null
                               order by sent_at desc, id limit 1) as email_id) t
                 where d.deleted_at is null and d.stage not in ('closed_won', 'closed_lost')
                   and (?::text[] is null or d.owner_id = any (?::text[]))
                 order by d.amount desc nulls last, d.id
                 limit ?""")) {
            java.sql.Array o = owners == null ? null : c.createArrayOf("text", owners.toArray());
            ps.setArray(1, o);
            ps.setArray(2, o);
            ps.setInt(3, limit);
            List<OpenDeal> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ArrayNode warnings = tree(rs.getString(15));
                    OffsetDateTime now = rs.getObject(21, OffsetDateTime.class);
                    Integer daysInStage = rs.getObject(10, Integer.class);
                    noActivity(rs, now, warnings);
                    ghosted(rs, now, warnings);
                    stalled(rs.getString(7), rs.getObject(9, OffsetDateTime.class), daysInStage, warnings);
                    out.add(new OpenDeal(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                            Columns.dbl(rs, 5), rs.getString(6), rs.getString(7), rs.getString(8),
                            rs.getObject(9, OffsetDateTime.class), daysInStage, rs.getInt(11),
                            rs.getString(12), rs.getObject(13, OffsetDateTime.class), Columns.dbl(rs, 14),
                            warnings));
                }
            }
            return out;
        }
    }

    /** The lead's latest activity, email, reply or call (columns 16-19), if older than no-activity-days. */
    private void noActivity(ResultSet rs, OffsetDateTime now, ArrayNode out) throws SQLException {
        String[] kinds = {"activity", "email", "reply", "call"};
        String kind = null;
        OffsetDateTime last = null;
        for (int i = 0; i < kinds.length; i++) {
            OffsetDateTime at = rs.getObject(16 + i, OffsetDateTime.class);
            if (at != null && (last == null || at.isAfter(last))) {
                last = at;
                kind = kinds[i];
            }
        }
        int threshold = config.calls().noActivityDays();
        long days = last == null ? 0 : Duration.between(last, now).toDays();
        if (last != null && days > threshold) {
            ObjectNode w = warning(out, "no_activity", "No activity with the lead for " + days + " days (last: "
                    + kind + " on " + last.toLocalDate() + ")");
            ObjectNode e = w.putObject("evidence");
            e.put("lastActivityAt", last.toString());
            e.put("lastActivityKind", kind);
            e.put("days", days);
            e.put("thresholdDays", threshold);
        }
    }

    /** The rep's last email (17, 20) with no reply, activity or call (18, 16, 19) after it, older than ghosted-days. */
    private void ghosted(ResultSet rs, OffsetDateTime now, ArrayNode out) throws SQLException {
        OffsetDateTime sent = rs.getObject(17, OffsetDateTime.class);
        if (sent == null) {
            return;
        }
        OffsetDateTime lastProspect = null;
        for (int i : new int[] {18, 16, 19}) {
            OffsetDateTime at = rs.getObject(i, OffsetDateTime.class);
            if (at != null && (lastProspect == null || at.isAfter(lastProspect))) {
                lastProspect = at;
            }
        }
        int threshold = config.calls().ghostedDays();
        long days = Duration.between(sent, now).toDays();
        if ((lastProspect == null || !lastProspect.isAfter(sent)) && days > threshold) {
            ObjectNode w = warning(out, "ghosted", "No reply, activity or call from the prospect in the " + days
                    + " days since the rep's last email");
            ObjectNode e = w.putObject("evidence");
            e.put("emailId", rs.getString(20));
            e.put("lastEmailAt", sent.toString());
            e.put("lastProspectActivityAt", lastProspect == null ? null : lastProspect.toString());
            e.put("days", days);
            e.put("thresholdDays", threshold);
        }
    }

    /** In its stage for more than stalled-days, counted from stageSince (the query's one definition). */
    private void stalled(String stage, OffsetDateTime since, Integer days, ArrayNode out) {
        int threshold = config.calls().stalledDays();
        if (since != null && days != null && days > threshold) {
            ObjectNode w = warning(out, "stalled_in_stage", "The deal has been in " + stage + " for " + days
                    + " days");
            ObjectNode e = w.putObject("evidence");
            e.put("stage", stage);
            e.put("since", since.toString());
            e.put("days", days);
            e.put("thresholdDays", threshold);
        }
    }

    private static ObjectNode warning(ArrayNode out, String code, String message) {
        ObjectNode w = out.addObject();
        w.put("code", code);
        w.put("message", message);
        return w;
    }

    private ArrayNode tree(String s) {
        try {
            return s == null ? json.createArrayNode() : (ArrayNode) json.readTree(s);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
