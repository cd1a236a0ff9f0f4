package dev.closer.app.call;

import dev.closer.app.config.CloserConfig;
import dev.closer.ingest.call.CallAnalyzer;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The common deal risks, checked when a call is analysed, each with the evidence that raised it. As of the analysis
 * (now), over everything Closer stored about the call's lead and deal:
 *
 * <ul>
 *   <li>{@code no_activity}: no activity, email, reply or call of the lead for more than
 *       {@code closer.calls.no-activity-days};</li>
 *   <li>{@code ghosted}: the rep's last email is more than {@code closer.calls.ghosted-days} old and nothing came
 *       from the prospect after it (no reply, activity or call);</li>
 *   <li>{@code pricing_not_discussed}: the deal is in a late stage ({@code closer.calls.late-stages}) and the
 *       {@code pricing} tracker (keyword or semantic) fired on none of its calls, this one included;</li>
 *   <li>{@code single_threaded}: one prospect speaker across all the deal's calls;</li>
 *   <li>{@code stalled_in_stage}: the deal entered its current (open) stage more than
 *       {@code closer.calls.stalled-days} ago (deal_stages).</li>
 * </ul>
 * The last three need the call to have a deal.
 */
@ApplicationScoped
public class DealWarnings {

    public static final String PRICING_TRACKER = "pricing";

    /** A warning: a code, a sentence, and the facts behind it. */
    public record Warning(String code, String message, Map<String, Object> evidence) {
    }

    @Inject
    CloserConfig config;

    public List<Warning> of(Connection c, String leadId, String dealId, String callId,
                            List<CallAnalyzer.TrackerHit> hits) throws SQLException {
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        List<Warning> out = new ArrayList<>();
        noActivity(c, leadId, now, out);
        ghosted(c, leadId, now, out);
        if (dealId != null) {
            String stage = null;
            try (PreparedStatement ps = c.prepareStatement("select stage from deals where id = ?")) {
                ps.setString(1, dealId);
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        stage = rs.getString(1);
                    }
                }
            }
            if (stage != null) {
                pricing(c, dealId, stage, hits, out);
                stalled(c, dealId, stage, now, out);
            }
            singleThreaded(c, dealId, out);
        }
        return out;
    }

    private void noActivity(Connection c, String leadId, OffsetDateTime now, List<Warning> out) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                select kind, at from (
                    select 'activity' as kind, max(occurred_at) as at from activities where lead_id = ?
                    union all select 'email', max(sent_at) from emails where lead_id = ?
                    union all select 'reply', max(received_at) from email_replies where lead_id = ?
                    union all select 'call', max(started_at) from calls where lead_id = ?) t
                 where at is not null order by at desc limit 1""")) {
            for (int i = 1; i <= 4; i++) {
                ps.setString(i, leadId);
            }
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    OffsetDateTime last = rs.getObject(2, OffsetDateTime.class);
                    long days = Duration.between(last, now).toDays();
                    if (days > config.calls().noActivityDays()) {
                        out.add(new Warning("no_activity", "No activity with the lead for " + days + " days (last: "
                                + rs.getString(1) + " on " + last.toLocalDate() + ")", evidence(
                                "lastActivityAt", last.toString(), "lastActivityKind", rs.getString(1),
                                "days", days, "thresholdDays", config.calls().noActivityDays())));
                    }
                }
            }
        }
    }

    private void ghosted(Connection c, String leadId, OffsetDateTime now, List<Warning> out) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                select e.id, e.sent_at,
                       greatest((select max(received_at) from email_replies where lead_id = e.lead_id),
                                (select max(occurred_at) from activities where lead_id = e.lead_id),
                                (select max(started_at) from calls where lead_id = e.lead_id))
                  from emails e where e.lead_id = ? order by e.sent_at desc limit 1""")) {
            ps.setString(1, leadId);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    OffsetDateTime sent = rs.getObject(2, OffsetDateTime.class);
                    OffsetDateTime lastProspect = rs.getObject(3, OffsetDateTime.class);
                    long days = Duration.between(sent, now).toDays();
                    if ((lastProspect == null || !lastProspect.isAfter(sent)) && days > config.calls().ghostedDays()) {
                        out.add(new Warning("ghosted", "No reply, activity or call from the prospect in the " + days
                                + " days since the rep's last email", evidence("emailId", rs.getString(1),
                                "lastEmailAt", sent.toString(), "lastProspectActivityAt",
                                lastProspect == null ? null : lastProspect.toString(), "days", days,
                                "thresholdDays", config.calls().ghostedDays())));
                    }
                }
            }
        }
    }

    private void pricing(Connection c, String dealId, String stage, List<CallAnalyzer.TrackerHit> hits,
                         List<Warning> out) throws SQLException {
        if (!config.calls().lateStages().contains(stage)
                || hits.stream().anyMatch(h -> PRICING_TRACKER.equals(h.tracker()))) {
            return;
        }
        List<String> calls = new ArrayList<>();
        boolean discussed = false;
        try (PreparedStatement ps = c.prepareStatement("""
                select c.id, exists (select 1 from jsonb_array_elements(a.tracker_hits) h
                                      where h ->> 'tracker' = ?)
                  from calls c left join call_analyses a on a.call_id = c.id
                 where c.deal_id = ? order by c.started_at""")) {
            ps.setString(1, PRICING_TRACKER);
            ps.setString(2, dealId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    calls.add(rs.getString(1));
                    discussed |= rs.getBoolean(2);
                }
            }
        }
        if (!discussed) {
            out.add(new Warning("pricing_not_discussed", "The deal is in " + stage + " and pricing has not come up on"
                    + " any of its " + calls.size() + " call(s)", evidence("stage", stage, "calls", calls,
                    "tracker", PRICING_TRACKER)));
        }
    }

    private void singleThreaded(Connection c, String dealId, List<Warning> out) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                select count(distinct u ->> 'speaker'), min(u ->> 'speaker'), count(distinct c.id)
                  from calls c cross join lateral jsonb_array_elements(c.utterances) u
                 where c.deal_id = ? and u ->> 'role' = 'prospect'""")) {
            ps.setString(1, dealId);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next() && rs.getInt(1) == 1) {
                    out.add(new Warning("single_threaded", "Only one person from the prospect's side ("
                            + rs.getString(2) + ") has spoken on the deal's " + rs.getInt(3) + " call(s)",
                            evidence("prospectSpeaker", rs.getString(2), "calls", rs.getInt(3))));
                }
            }
        }
    }

    private void stalled(Connection c, String dealId, String stage, OffsetDateTime now, List<Warning> out)
            throws SQLException {
        if (stage.startsWith("closed")) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement(
                "select max(changed_at) from deal_stages where deal_id = ? and to_stage = ?")) {
            ps.setString(1, dealId);
            ps.setString(2, stage);
            try (ResultSet rs = ps.executeQuery()) {
                OffsetDateTime since = rs.next() ? rs.getObject(1, OffsetDateTime.class) : null;
                if (since != null) {
                    long days = Duration.between(since, now).toDays();
                    if (days > config.calls().stalledDays()) {
                        out.add(new Warning("stalled_in_stage", "The deal has been in " + stage + " for " + days
                                + " days", evidence("stage", stage, "since", since.toString(), "days", days,
                                "thresholdDays", config.calls().stalledDays())));
                    }
                }
            }
        }
    }

    private static Map<String, Object> evidence(Object... pairs) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            m.put((String) pairs[i], pairs[i + 1]);
        }
        return m;
    }
}
