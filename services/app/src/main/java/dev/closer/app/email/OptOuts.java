package dev.closer.app.email;

import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/** A lead's do-not-email state as Closer changed it, and the trail of those changes ({@code do_not_email_changes}). */
@ApplicationScoped
public class OptOuts {

    @Inject
    DataSource dataSource;

    public record Change(long id, boolean doNotEmail, String reason, String replyId, String intent, Double confidence,
                         String model, String changedBy, OffsetDateTime changedAt) {
    }

    /** doNotEmail: the lead's flag as it stands (the CRM's or Closer's); optedOutAt: Closer's opt-out, if any. */
    public record State(String leadId, Boolean doNotEmail, OffsetDateTime optedOutAt, List<Change> changes) {
    }

    public State state(String leadId) {
        return QuarkusTransaction.requiringNew().call(() -> {
            try (Connection c = dataSource.getConnection()) {
                Boolean flag = null;
                OffsetDateTime optedOut = null;
                try (PreparedStatement ps = c.prepareStatement(
                        "select do_not_email, opted_out_at from leads where id = ?")) {
                    ps.setString(1, leadId);
                    try (ResultSet rs = ps.executeQuery()) {
                        if (rs.next()) {
                            flag = (Boolean) rs.getObject(1);
                            optedOut = rs.getObject(2, OffsetDateTime.class);
                        }
                    }
                }
                List<Change> changes = new ArrayList<>();
                try (PreparedStatement ps = c.prepareStatement("""
                        select id, do_not_email, reason, reply_id, intent, confidence, model, changed_by, changed_at
                          from do_not_email_changes where lead_id = ? order by changed_at desc, id desc""")) {
                    ps.setString(1, leadId);
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            changes.add(new Change(rs.getLong(1), rs.getBoolean(2), rs.getString(3), rs.getString(4),
                                    rs.getString(5), rs.getObject(6) == null ? null : rs.getDouble(6), rs.getString(7),
                                    rs.getString(8), rs.getObject(9, OffsetDateTime.class)));
                        }
                    }
                }
                return new State(leadId, flag, optedOut, changes);
            }
        });
    }

    /**
     * Lifts Closer's opt-out: do_not_email goes back to false (the CRM's next upsert sets it as the CRM has it) and the
     * change is recorded. Does nothing but record when the lead was not opted out by Closer.
     */
    public void lift(String leadId, String reason, String by) {
        QuarkusTransaction.requiringNew().run(() -> {
            try (Connection c = dataSource.getConnection()) {
                try (PreparedStatement ps = c.prepareStatement("""
                        update leads set opted_out_at = null, do_not_email = false
                         where id = ? and opted_out_at is not null""")) {
                    ps.setString(1, leadId);
                    ps.executeUpdate();
                }
                try (PreparedStatement ps = c.prepareStatement("""
                        insert into do_not_email_changes (lead_id, do_not_email, reason, changed_by)
                        values (?, false, ?, ?)""")) {
                    ps.setString(1, leadId);
                    ps.setString(2, reason);
                    ps.setString(3, by);
                    ps.executeUpdate();
                }
            } catch (java.sql.SQLException e) {
                throw new IllegalStateException("Lifting the opt-out of " + leadId + " failed", e);
            }
        });
    }
}
