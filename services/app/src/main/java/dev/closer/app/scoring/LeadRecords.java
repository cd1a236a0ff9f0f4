package dev.closer.app.scoring;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.closer.app.lead.Lead;
import org.hibernate.jpa.HibernateHints;
import dev.closer.app.lead.LeadRepository;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;

/**
 * Builds what the lead-scoring model reads for stored leads: the lead's fields, its account's industry and size,
 * and its recent timeline (web and CRM activities, emails sent to it, its replies) up to the scoring time.
 * Three set-based queries per batch, whatever its size.
 */
@ApplicationScoped
public class LeadRecords {

    /** Timeline entry types for emails, beside the activity types CRMs send. */
    public static final String EMAIL_SENT = "email_sent";
    public static final String EMAIL_REPLIED = "email_replied";

    @Inject
    LeadRepository leads;
    @Inject
    DataSource dataSource;
    @Inject
    ObjectMapper json;

    /**
     * Records for the leads that exist, by id, in the order of {@code ids}; each holds at most {@code history}
     * activities of each kind (activities, emails, replies), the newest.
     */
    public Map<String, Map<String, Object>> load(List<String> ids, Instant asOf, int history) throws SQLException {
        Map<String, Map<String, Object>> records = new LinkedHashMap<>();
        if (ids.isEmpty()) {
            return records;
        }
        Map<String, Lead> byId = new HashMap<>();
        // Read-only: the entities are only read here, so the session neither snapshots nor dirty-checks them.
        leads.find("id in ?1", ids).withHint(HibernateHints.HINT_READ_ONLY, true).list()
                .forEach(l -> byId.put(l.id, l));
        for (String id : ids) {
            Lead lead = byId.get(id);
            if (lead == null) {
                continue;
            }
            Map<String, Object> record = new HashMap<>(lead.features());
            record.put("id", lead.id);
            record.put("asOf", asOf);
            record.put("activities", new ArrayList<Map<String, Object>>());
            OffsetDateTime created = lead.crmCreatedAt != null ? lead.crmCreatedAt : lead.createdAt;
            record.put(LeadScorer.LAST_ACTIVITY_AT, created == null ? null : created.toInstant());
            records.put(id, record);
        }
        try (Connection c = dataSource.getConnection()) {
            addAccounts(c, records);
            addTimelines(c, records, asOf, history);
        }
        return records;
    }

    private void addAccounts(Connection c, Map<String, Map<String, Object>> records) throws SQLException {
        Map<String, List<Map<String, Object>>> byAccount = new HashMap<>();
        for (Map<String, Object> r : records.values()) {
            Object account = r.get("accountId");
            if (account != null) {
                byAccount.computeIfAbsent(account.toString(), a -> new ArrayList<>()).add(r);
            }
        }
        if (byAccount.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement(
                "select id, industry, employees, annual_revenue from accounts where id = any(?::text[])")) {
            ps.setArray(1, c.createArrayOf("text", byAccount.keySet().toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    for (Map<String, Object> r : byAccount.get(rs.getString(1))) {
                        r.put("industry", rs.getString(2));
                        r.put("employees", rs.getObject(3));
                        r.put("annualRevenue", rs.getObject(4));
                    }
                }
            }
        }
    }

    @SuppressWarnings("unchecked")
    private void addTimelines(Connection c, Map<String, Map<String, Object>> records, Instant asOf, int history)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                select l.id, x.type, x.occurred_at, x.properties from unnest(?::text[]) as l (id)
                cross join lateral (
                    (select a.type, a.occurred_at, a.properties::text as properties from activities a
                      where a.lead_id = l.id and a.occurred_at <= ? order by a.occurred_at desc limit ?)
                    union all
                    (select 'email_sent', e.sent_at, null from emails e
                      where e.lead_id = l.id and e.sent_at <= ? order by e.sent_at desc limit ?)
                    union all
                    (select 'email_replied', r.received_at, null from email_replies r
                      where r.lead_id = l.id and r.received_at <= ? order by r.received_at desc limit ?)
                ) as x
                order by l.id, x.occurred_at""")) {
            OffsetDateTime at = asOf.atOffset(java.time.ZoneOffset.UTC);
            ps.setArray(1, c.createArrayOf("text", records.keySet().toArray()));
            for (int i = 0; i < 3; i++) {
                ps.setObject(2 + 2 * i, at);
                ps.setInt(3 + 2 * i, history);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Map<String, Object> record = records.get(rs.getString(1));
                    Map<String, Object> activity = new HashMap<>(4);
                    activity.put("type", rs.getString(2));
                    activity.put("occurredAt", rs.getObject(3, OffsetDateTime.class).toInstant());
                    String properties = rs.getString(4);
                    if (properties != null && !"{}".equals(properties)) {
                        activity.put("properties", parse(properties));
                    }
                    ((List<Map<String, Object>>) record.get("activities")).add(activity);
                }
            }
        }
    }

    private Map<String, Object> parse(String properties) {
        try {
            return json.readValue(properties, new TypeReference<>() { });
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("activities.properties is not a JSON object: " + e.getMessage(), e);
        }
    }
}
