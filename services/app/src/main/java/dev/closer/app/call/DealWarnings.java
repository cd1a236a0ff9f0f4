package dev.closer.app.call;

import dev.closer.app.config.CloserConfig;
import dev.closer.ingest.call.CallAnalyzer;
import dev.closer.ingest.call.CallMetrics;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The deal risks that follow from a call's content, checked when it is analysed, each with the evidence that raised
 * it (calls without a deal get none):
 *
 * <ul>
 *   <li>{@code pricing_not_discussed}: the deal is in a late stage ({@code closer.calls.late-stages}) and the
 *       {@code pricing} tracker (keyword or semantic) fired on none of its analysed calls, this one included;</li>
 *   <li>{@code single_threaded}: one prospect speaker across the deal's analysed calls, this one included (from
 *       their stored metrics' participants).</li>
 * </ul>
 * The time-based warnings (no_activity, ghosted, stalled_in_stage) depend on when they are read, so the Deals query
 * computes them ({@link dev.closer.app.deal.DealQueries}). One query per call.
 */
@ApplicationScoped
public class DealWarnings {

    public static final String PRICING_TRACKER = "pricing";

    /** A warning: a code, a sentence, and the facts behind it. */
    public record Warning(String code, String message, Map<String, Object> evidence) {
    }

    @Inject
    CloserConfig config;

    public List<Warning> of(Connection c, String dealId, String callId, CallAnalyzer.Result analysis)
            throws SQLException {
        List<Warning> out = new ArrayList<>();
        if (dealId == null) {
            return out;
        }
        String stage;
        List<String> calls = new ArrayList<>();
        boolean pricing = analysis.trackerHits().stream().anyMatch(h -> PRICING_TRACKER.equals(h.tracker()));
        TreeSet<String> prospects = new TreeSet<>();
        for (CallMetrics.Participant p : analysis.metrics().participants()) {
            if ("prospect".equals(p.role())) {
                prospects.add(p.speaker());
            }
        }
        try (PreparedStatement ps = c.prepareStatement("""
                select d.stage, x.id, x.pricing, x.prospects
                  from deals d
                  left join lateral (
                      select cl.id, cl.started_at,
                             exists (select 1 from jsonb_array_elements(a.tracker_hits) h
                                      where h ->> 'tracker' = ?) as pricing,
                             (select array_agg(p ->> 'speaker') from jsonb_array_elements(a.metrics -> 'participants') p
                               where p ->> 'role' = 'prospect') as prospects
                        from calls cl join call_analyses a on a.call_id = cl.id
                       where cl.deal_id = d.id and cl.id <> ?) x on true
                 where d.id = ?
                 order by x.started_at""")) {
            ps.setString(1, PRICING_TRACKER);
            ps.setString(2, callId);
            ps.setString(3, dealId);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return out;
                }
                stage = rs.getString(1);
                do {
                    if (rs.getString(2) != null) {
                        calls.add(rs.getString(2));
                        pricing |= rs.getBoolean(3);
                        java.sql.Array a = rs.getArray(4);
                        if (a != null) {
                            for (Object s : (Object[]) a.getArray()) {
                                prospects.add((String) s);
                            }
                        }
                    }
                } while (rs.next());
            }
        }
        calls.add(callId);
        if (stage != null && config.calls().lateStages().contains(stage) && !pricing) {
            out.add(new Warning("pricing_not_discussed", "The deal is in " + stage + " and pricing has not come up on"
                    + " any of its " + calls.size() + " call(s)", evidence("stage", stage, "calls", calls,
                    "tracker", PRICING_TRACKER)));
        }
        if (prospects.size() == 1) {
            out.add(new Warning("single_threaded", "Only one person from the prospect's side ("
                    + prospects.first() + ") has spoken on the deal's " + calls.size() + " call(s)",
                    evidence("prospectSpeaker", prospects.first(), "calls", calls.size())));
        }
        return out;
    }

    private static Map<String, Object> evidence(Object... pairs) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            m.put((String) pairs[i], pairs[i + 1]);
        }
        return m;
    }
}
