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
import java.sql.Statement;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/**
 * The read models of the dashboards, in plain set-based SQL over the caller's visible leads: the lead table with
 * score, grade, change and last activity, and the overview's aggregates. A rep's figures cover their own leads, a
 * manager's their team's, an admin's everything, as {@link LeadService#visibleOwners} decides. Leads and deals
 * deleted in the CRM are left out everywhere.
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

    public record Stage(String stage, long reached, long open) {
    }

    public record Week(OffsetDateTime week, long sent, long replied) {
    }

    public record Overview(List<Count> grades, List<Count> statuses, List<Stage> funnel, List<Week> replyTrend,
                           long scoredLeads) {
    }

    /** A day of daily_lead_stats (refreshed by the nightly run, scoring.batch.DailyStats). */
    public record Day(LocalDate day, int leadsCreated, int leadsConverted, int leadsDisqualified, int openLeads,
                      int activities, int emailsSent, int replies, int scoredLeads, Double meanScore, int gradeA,
                      int gradeB, int gradeC, int gradeD) {
    }

    /** The last {@code days} days of per-day figures, oldest first. */
    public List<Day> daily(int days) {
        return QuarkusTransaction.requiringNew().call(() -> {
            List<Day> out = new ArrayList<>();
            try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement("""
                    select day, leads_created, leads_converted, leads_disqualified, open_leads, activities, emails_sent,
                           replies, scored_leads, mean_score, grade_a, grade_b, grade_c, grade_d
                      from daily_lead_stats where day > current_date - ? order by day""")) {
                ps.setInt(1, days);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(new Day(rs.getObject(1, LocalDate.class), rs.getInt(2), rs.getInt(3), rs.getInt(4),
                                rs.getInt(5), rs.getInt(6), rs.getInt(7), rs.getInt(8), rs.getInt(9),
                                (Double) rs.getObject(10), rs.getInt(11), rs.getInt(12), rs.getInt(13),
                                rs.getInt(14)));
                    }
                }
            }
            return out;
        });
    }

    /** Deal stages in pipeline order; a funnel shows how many deals reached each. */
    static final List<String> STAGES = List.of("discovery", "demo", "proposal", "negotiation", "closed_won");

    public LeadPage leadTable(Caller caller, LeadTable t) {
        List<String> owners = leads.visibleOwners(caller);
        return QuarkusTransaction.requiringNew().call(() -> {
            try (Connection c = dataSource.getConnection()) {
                noJit(c);
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
                // Per lead: its newest score with the one before (change = newest - previous), by index
                // (lead_scores_lead_time_idx), for every visible lead, since the score columns sort and filter. Its
                // last activity (activities' lead index) only for the page's rows, outside, unless the table sorts by
                // it (then sort_key reads it for every lead): with 150k leads and 6.1M activities, reading it for
                // every lead took two thirds of the time (3.4 s against 1.1 s). The page keeps its order through
                // sort_key; a window numbering the rows would sort every lead, with all its columns, on disk.
                String sql = """
                        select p.id, p.name, p.email, p.title, p.account, p.status, p.owner_id, p.owner, p.score,
                               p.grade, p.change, p.scored_at, la.last_at, p.total
                          from (
                            select l.id, nullif(trim(coalesce(l.first_name, '') || ' ' || coalesce(l.last_name, '')),
                                                '') as name,
                                   l.email, l.title, a.name as account, l.status, l.owner_id, u.display_name as owner,
                                   ls.score, ls.grade, ls.score - ls.prev_score as change, ls.scored_at,
                                   %s as sort_key, count(*) over () as total
                              from leads l
                              left join lateral (
                                  select s.score, s.grade, s.scored_at,
                                         lead(s.score) over (order by s.scored_at desc, s.id desc) as prev_score
                                    from lead_scores s where s.lead_id = l.id
                                   order by s.scored_at desc, s.id desc limit 1) ls on true
                              left join users u on u.id = l.owner_id
                              left join accounts a on a.id = l.account_id
                        """.formatted(t.sortExpression())
                        + where + " order by " + t.orderBy("sort_key", "l.id") + " offset ? limit ?) p" + """

                          left join lateral (select max(x.occurred_at) as last_at from activities x
                                              where x.lead_id = p.id) la on true
                         order by\s""" + t.orderBy("p.sort_key", "p.id");
                List<LeadRow> rows = new ArrayList<>();
                long total = 0;
                total = page(c, sql, args, t.offset(), t.limit(), rows);
                if (rows.isEmpty() && t.offset() > 0) { // past the end: the first row carries the count
                    total = page(c, sql, args, 0, 1, new ArrayList<>());
                }
                return new LeadPage(rows, total, t.offset(), t.limit(), owners(c, owners));
            }
        });
    }

    /**
     * Turns PostgreSQL's JIT off for the rest of the transaction. On a large table the planner's cost estimates for
     * the dashboard's queries pass JIT's thresholds, and compiling took longer than it saved (docs/benchmarks.md,
     * "Dashboards on a large database").
     */
    private static void noJit(Connection c) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute("set local jit = off");
        }
    }

    /** Reads one page of the lead table into {@code rows}; returns the number of matching leads (0 for none). */
    private static long page(Connection c, String sql, List<Object> args, int offset, int limit, List<LeadRow> rows)
            throws SQLException {
        long total = 0;
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            int i = 1;
            for (Object arg : args) {
                ps.setObject(i++, arg);
            }
            ps.setInt(i++, offset);
            ps.setInt(i, limit);
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
        return total;
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
                noJit(c);
                java.sql.Array visible = owners == null ? null : c.createArrayOf("text", owners.toArray());
                String leadFilter = owners == null ? "" : " and l.owner_id = any(?)";
                List<Count> grades = counts(c, """
                        select s.grade, count(*) from leads l
                         cross join lateral (select grade from lead_scores where lead_id = l.id
                                              order by scored_at desc, id desc limit 1) s
                         where l.status = 'open' and l.deleted_at is null""" + leadFilter
                        + " group by s.grade order by s.grade", visible);
                List<Count> statuses = counts(c, "select l.status, count(*) from leads l where l.deleted_at is null"
                        + leadFilter + " group by l.status order by l.status", visible);
                long scored = grades.stream().mapToLong(Count::count).sum();
                List<Stage> funnel = funnel(c, owners == null ? null : visible);

                List<Week> trend = new ArrayList<>();
                try (PreparedStatement ps = c.prepareStatement("""
                        select date_trunc('week', e.sent_at) as wk, count(*),
                               count(*) filter (where exists (select 1 from email_replies r where r.email_id = e.id))
                          from emails e join leads l on l.id = e.lead_id
                         where e.sent_at >= date_trunc('week', now()) - make_interval(weeks => ?)
                           and l.deleted_at is null""" + leadFilter
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

    /**
     * The deal funnel: for each stage, the deals that reached it or a later one (a deal's furthest stage, from its
     * stage history and its current stage: a deal created past discovery, or that skipped a stage, passed the
     * earlier ones), and the open deals standing in it. (No amount: deals are in several currencies, and the deals
     * page sums open amounts per currency.)
     */
    private static List<Stage> funnel(Connection c, java.sql.Array visibleOwners) throws SQLException {
        java.sql.Array stages = c.createArrayOf("text", STAGES.toArray());
        List<Stage> funnel = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("""
                with furthest as (
                    select d.stage,
                           greatest(max(array_position(?::text[], st.to_stage)), array_position(?::text[], d.stage))
                               as reached
                      from deals d left join deal_stages st on st.deal_id = d.id
                     where d.deleted_at is null and (?::text[] is null or d.owner_id = any(?::text[]))
                     group by d.id, d.stage)
                select s.stage,
                       count(f.reached) filter (where f.reached >= s.i),
                       count(f.stage) filter (where f.stage = s.stage and s.stage <> 'closed_won')
                  from unnest(?::text[]) with ordinality as s (stage, i) left join furthest f on true
                 group by s.stage, s.i order by s.i""")) {
            ps.setArray(1, stages);
            ps.setArray(2, stages);
            ps.setArray(3, visibleOwners);
            ps.setArray(4, visibleOwners);
            ps.setArray(5, stages);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    funnel.add(new Stage(rs.getString(1), rs.getLong(2), rs.getLong(3)));
                }
            }
        }
        return funnel;
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
