package dev.closer.app.dashboard;

import dev.closer.app.auth.Caller;
import dev.closer.app.lead.LeadService;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;

/**
 * The read models of the dashboards, in plain SQL (one query each, over the caller's visible leads): the lead
 * table with score, grade, change and last activity, and the overview's aggregates. A rep's figures cover their
 * own leads, a manager's their team's, an admin's everything, as {@link LeadService#visibleOwners} decides.
 */
@ApplicationScoped
public class DashboardService {

    @Inject
    DataSource dataSource;
    @Inject
    LeadService leads;

    /** A row of the lead table. change: score points since the previous score (null for a first score). */
    public record LeadRow(String id, String name, String email, String title, String account, String status,
                          String ownerId, String ownerName, Integer score, String grade, Integer change,
                          OffsetDateTime scoredAt, OffsetDateTime lastActivityAt) {
    }

    public record Owner(String id, String name) {
    }

    public record LeadPage(List<LeadRow> items, long total, int offset, int limit, List<Owner> owners) {
    }

    public record Count(String key, long count) {
    }

    public record Stage(String stage, long reached, long open, double openAmount) {
    }

    public record Week(OffsetDateTime week, long sent, long replied) {
    }

    public record Overview(List<Count> grades, List<Count> statuses, List<Stage> funnel, List<Week> replyTrend,
                           long scoredLeads) {
    }

    /** Deal stages in pipeline order; a funnel shows how many deals reached each. */
    static final List<String> STAGES = List.of("discovery", "demo", "proposal", "negotiation", "closed_won");

    public LeadPage leadTable(Caller caller, LeadTable t) {
        List<String> owners = leads.visibleOwners(caller);
        return QuarkusTransaction.requiringNew().call(() -> {
            try (Connection c = dataSource.getConnection()) {
                List<Object> args = new ArrayList<>();
                StringBuilder where = new StringBuilder(" where l.deleted_at is null"); // deleted in the CRM
                if (owners != null) {
                    where.append(" and l.owner_id = any(?)");
                    args.add(c.createArrayOf("text", owners.toArray()));
                }
                if (t.ownerId() != null) {
                    where.append(" and l.owner_id = ?");
                    args.add(t.ownerId());
                }
                if (t.status() != null) {
                    where.append(" and l.status = ?");
                    args.add(t.status());
                }
                if (t.grade() != null) {
                    where.append(" and ls.grade = ?");
                    args.add(t.grade());
                }
                if (t.q() != null) {
                    where.append(" and (l.id ilike ? or l.email ilike ? or (coalesce(l.first_name, '') || ' ' || "
                            + "coalesce(l.last_name, '')) ilike ? or a.name ilike ?)");
                    String like = "%" + t.q().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%";
                    args.add(like);
                    args.add(like);
                    args.add(like);
                    args.add(like);
                }
                // The newest two scores of each visible lead (change = newest - previous), and its last activity.
                String visible = owners == null ? "" : " where lead_id in (select id from leads where owner_id = any(?))";
                String sql = """
                        with ls as (
                            select lead_id, score, grade, scored_at, prev_score from (
                                select lead_id, score, grade, scored_at,
                                       lead(score) over w as prev_score, row_number() over w as rn
                                  from lead_scores %1$s
                                window w as (partition by lead_id order by scored_at desc, id desc)) s
                             where rn = 1),
                        la as (select lead_id, max(occurred_at) as last_at from activities %1$s group by lead_id)
                        select l.id, nullif(trim(coalesce(l.first_name, '') || ' ' || coalesce(l.last_name, '')), ''),
                               l.email, l.title, a.name, l.status, l.owner_id, u.display_name, ls.score, ls.grade,
                               ls.score - ls.prev_score, ls.scored_at, la.last_at, count(*) over ()
                          from leads l
                          left join ls on ls.lead_id = l.id
                          left join la on la.lead_id = l.id
                          left join users u on u.id = l.owner_id
                          left join accounts a on a.id = l.account_id
                        """.formatted(visible) + where + " order by " + t.orderBy() + " offset ? limit ?";
                List<LeadRow> rows = new ArrayList<>();
                long total = 0;
                try (PreparedStatement ps = c.prepareStatement(sql)) {
                    int i = 1;
                    if (owners != null) {
                        java.sql.Array array = c.createArrayOf("text", owners.toArray());
                        ps.setArray(i++, array);
                        ps.setArray(i++, array);
                    }
                    for (Object arg : args) {
                        ps.setObject(i++, arg);
                    }
                    ps.setInt(i++, t.offset());
                    ps.setInt(i, t.limit());
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            rows.add(new LeadRow(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                                    rs.getString(5), rs.getString(6), rs.getString(7), rs.getString(8),
                                    (Integer) rs.getObject(9), rs.getString(10), (Integer) rs.getObject(11),
                                    rs.getObject(12, OffsetDateTime.class), rs.getObject(13, OffsetDateTime.class)));
                            total = rs.getLong(14);
                        }
                    }
                }
                if (rows.isEmpty() && t.offset() > 0) {
                    total = -1; // past the end: the count is unknown from this page
                }
                return new LeadPage(rows, total, t.offset(), t.limit(), owners(c, owners));
            }
        });
    }

    /** The owners of the caller's visible leads, for the owner filter. */
    private List<Owner> owners(Connection c, List<String> visible) throws SQLException {
        List<Owner> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("""
                select u.id, u.display_name from users u
                 where exists (select 1 from leads l where l.owner_id = u.id)""" + (visible == null ? ""
                : " and u.id = any(?)") + " order by u.display_name, u.id")) {
            if (visible != null) {
                ps.setArray(1, c.createArrayOf("text", visible.toArray()));
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Owner(rs.getString(1), rs.getString(2)));
                }
            }
        }
        return out;
    }

    public Overview overview(Caller caller, int weeks) {
        List<String> owners = leads.visibleOwners(caller);
        return QuarkusTransaction.requiringNew().call(() -> {
            try (Connection c = dataSource.getConnection()) {
                java.sql.Array visible = owners == null ? null : c.createArrayOf("text", owners.toArray());
                String leadFilter = owners == null ? "" : " and l.owner_id = any(?)";
                List<Count> grades = counts(c, """
                        select s.grade, count(*) from (
                            select distinct on (lead_id) lead_id, grade from lead_scores
                             order by lead_id, scored_at desc, id desc) s
                          join leads l on l.id = s.lead_id
                         where l.status = 'open'""" + leadFilter + " group by s.grade order by s.grade", visible);
                List<Count> statuses = counts(c, "select l.status, count(*) from leads l where true" + leadFilter
                        + " group by l.status order by l.status", visible);
                long scored = grades.stream().mapToLong(Count::count).sum();

                Map<String, Stage> stages = new LinkedHashMap<>();
                STAGES.forEach(s -> stages.put(s, new Stage(s, 0, 0, 0)));
                String dealFilter = owners == null ? "" : " and d.owner_id = any(?)";
                try (PreparedStatement ps = c.prepareStatement("""
                        select st.to_stage, count(distinct st.deal_id)
                          from deal_stages st join deals d on d.id = st.deal_id
                         where true""" + dealFilter + " group by st.to_stage")) {
                    if (visible != null) {
                        ps.setArray(1, visible);
                    }
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            String stage = rs.getString(1);
                            long reached = rs.getLong(2);
                            stages.computeIfPresent(stage, (k, s) -> new Stage(k, reached, s.open(), s.openAmount()));
                        }
                    }
                }
                try (PreparedStatement ps = c.prepareStatement("""
                        select d.stage, count(*), coalesce(sum(d.amount), 0) from deals d
                         where d.stage not in ('closed_won', 'closed_lost')""" + dealFilter + " group by d.stage")) {
                    if (visible != null) {
                        ps.setArray(1, visible);
                    }
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            long open = rs.getLong(2);
                            double amount = rs.getDouble(3);
                            stages.computeIfPresent(rs.getString(1), (k, s) -> new Stage(k, s.reached(), open, amount));
                        }
                    }
                }
                // A deal that skipped ahead (or was created past discovery) still passed the earlier stages.
                List<Stage> funnel = new ArrayList<>(stages.values());
                for (int i = funnel.size() - 2; i >= 0; i--) {
                    Stage s = funnel.get(i);
                    funnel.set(i, new Stage(s.stage(), Math.max(s.reached(), funnel.get(i + 1).reached()), s.open(),
                            s.openAmount()));
                }

                List<Week> trend = new ArrayList<>();
                try (PreparedStatement ps = c.prepareStatement("""
                        select date_trunc('week', e.sent_at) as wk, count(*),
                               count(*) filter (where exists (select 1 from email_replies r where r.email_id = e.id))
                          from emails e join leads l on l.id = e.lead_id
                         where e.sent_at >= date_trunc('week', now()) - make_interval(weeks => ?)""" + leadFilter
                        + " group by wk order by wk")) {
                    ps.setInt(1, weeks);
                    if (visible != null) {
                        ps.setArray(2, visible);
                    }
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            trend.add(new Week(rs.getObject(1, OffsetDateTime.class), rs.getLong(2), rs.getLong(3)));
                        }
                    }
                }
                return new Overview(grades, statuses, funnel, trend, scored);
            }
        });
    }

    private static List<Count> counts(Connection c, String sql, java.sql.Array visible) throws SQLException {
        List<Count> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            if (visible != null) {
                ps.setArray(1, visible);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Count(rs.getString(1), rs.getLong(2)));
                }
            }
        }
        return out;
    }
}
