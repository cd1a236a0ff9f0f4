package dev.closer.app.lead;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;

/** A lead's timeline: its activities, the emails sent to it, its replies and its calls, newest first. */
@ApplicationScoped
public class LeadTimeline {

    /** kind: activity, email, reply or call; type: the activity's type (page_view, ...) or the kind again. */
    public record Entry(OffsetDateTime at, String kind, String type, Map<String, Object> properties) {
    }

    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {
    };

    @Inject
    DataSource dataSource;
    @Inject
    ObjectMapper json;

    public List<Entry> of(String leadId, OffsetDateTime before, int limit) {
        return QuarkusTransaction.requiringNew().call(() -> {
            List<Entry> out = new ArrayList<>();
            try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement("""
                    select at, kind, type, props::text from (
                        (select occurred_at as at, 'activity' as kind, type, properties as props
                           from activities where lead_id = ? and occurred_at < ? order by occurred_at desc limit ?)
                        union all
                        (select sent_at, 'email', 'email', jsonb_build_object('subject', subject, 'sequence',
                                sequence_id, 'step', sequence_step)
                           from emails where lead_id = ? and sent_at < ? order by sent_at desc limit ?)
                        union all
                        (select received_at, 'reply', 'reply', jsonb_build_object('subject', subject)
                           from email_replies where lead_id = ? and received_at < ? order by received_at desc limit ?)
                        union all
                        (select started_at, 'call', 'call', jsonb_build_object('title', title, 'durationMs',
                                duration_ms)
                           from calls where lead_id = ? and started_at < ? order by started_at desc limit ?)
                    ) t order by at desc limit ?""")) {
                int i = 1;
                for (int part = 0; part < 4; part++) {
                    ps.setString(i++, leadId);
                    ps.setObject(i++, before);
                    ps.setInt(i++, limit);
                }
                ps.setInt(i, limit);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(new Entry(rs.getObject(1, OffsetDateTime.class), rs.getString(2), rs.getString(3),
                                parse(rs.getString(4))));
                    }
                }
            }
            return out;
        });
    }

    private Map<String, Object> parse(String props) {
        try {
            return props == null ? Map.of() : json.readValue(props, MAP);
        } catch (java.io.IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
