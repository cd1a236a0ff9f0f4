package dev.closer.app.deal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.closer.app.auth.Caller;
import dev.closer.app.lead.LeadService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/**
 * Open deals as a caller may see them (a deal's owner among {@link LeadService#visibleOwners}, as the dashboard's
 * funnel counts them; deals deleted in the CRM left out), each with how long it has been in its stage and its latest
 * analysed call's win odds and warnings.
 */
@ApplicationScoped
public class DealQueries {

    @Inject
    DataSource dataSource;
    @Inject
    LeadService leads;
    @Inject
    ObjectMapper json;

    /**
     * An open deal. stageSince: when it entered its current stage (deal_stages; else when the CRM created it, else
     * its first event), daysInStage counted from then. The call fields are the latest analysed call's on the deal
     * (by the call's start), null when it has none; winProbability is null too when no call-win model is served.
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
                       (select count(*) from call_analyses x where x.deal_id = d.id)::int,
                       a.call_id, a.started_at, a.win_probability, a.warnings::text
                  from deals d
                  cross join lateral (select coalesce((select max(st.changed_at) from deal_stages st
                                                        where st.deal_id = d.id and st.to_stage = d.stage),
                                                      d.crm_created_at, d.event_time) as since) s
                  left join lateral (select ca.call_id, cl.started_at, ca.win_probability, ca.warnings
                                       from call_analyses ca join calls cl on cl.id = ca.call_id
                                      where ca.deal_id = d.id
                                      order by cl.started_at desc, ca.analysed_at desc limit 1) a on true
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
                    out.add(new OpenDeal(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                            dbl(rs, 5), rs.getString(6), rs.getString(7), rs.getString(8),
                            rs.getObject(9, OffsetDateTime.class), (Integer) rs.getObject(10), rs.getInt(11),
                            rs.getString(12), rs.getObject(13, OffsetDateTime.class), dbl(rs, 14),
                            tree(rs.getString(15))));
                }
            }
            return out;
        }
    }

    private static Double dbl(ResultSet rs, int i) throws SQLException {
        double v = rs.getDouble(i);
        return rs.wasNull() ? null : v;
    }

    private JsonNode tree(String s) {
        try {
            return s == null ? json.createArrayNode() : json.readTree(s);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
