package dev.closer.app.scoring.batch;

import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Map;

/**
 * The per-day figures the dashboards read ({@code daily_lead_stats}): leads created, converted and disqualified,
 * leads open at the end of the day, activities, emails and replies, and the grade mix of the open leads' latest
 * scores at the end of the day. Recomputed (upserted) for the last few days by each nightly run; days are the
 * database session's calendar days.
 */
@ApplicationScoped
public class DailyStats {

    /** Recomputes the {@code days} days ending today; returns what it did, for the run's summary. */
    public Map<String, Object> refresh(Connection c, int days) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                insert into daily_lead_stats as d (day, leads_created, leads_converted, leads_disqualified, open_leads,
                        activities, emails_sent, replies, scored_leads, mean_score, grade_a, grade_b, grade_c,
                        grade_d, refreshed_at)
                select day::date,
                       (select count(*) from leads l
                         where coalesce(l.crm_created_at, l.created_at) >= day
                           and coalesce(l.crm_created_at, l.created_at) < day + interval '1 day'),
                       (select count(*) from leads l where l.status = 'converted'
                           and l.status_changed_at >= day and l.status_changed_at < day + interval '1 day'),
                       (select count(*) from leads l where l.status = 'disqualified'
                           and l.status_changed_at >= day and l.status_changed_at < day + interval '1 day'),
                       (select count(*) from leads l
                         where coalesce(l.crm_created_at, l.created_at) < day + interval '1 day'
                           and (l.status = 'open' or l.status_changed_at >= day + interval '1 day')
                           and (l.deleted_at is null or l.deleted_at >= day + interval '1 day')),
                       (select count(*) from activities a
                         where a.occurred_at >= day and a.occurred_at < day + interval '1 day'),
                       (select count(*) from emails e where e.sent_at >= day and e.sent_at < day + interval '1 day'),
                       (select count(*) from email_replies r
                         where r.received_at >= day and r.received_at < day + interval '1 day'),
                       coalesce(g.scored, 0), g.mean_score, coalesce(g.a, 0), coalesce(g.b, 0), coalesce(g.c, 0),
                       coalesce(g.d, 0), now()
                  from generate_series(current_date - (? - 1), current_date, interval '1 day') as day
                  left join lateral (
                      select count(*) as scored, avg(s.score) as mean_score,
                             count(*) filter (where s.grade = 'A') as a, count(*) filter (where s.grade = 'B') as b,
                             count(*) filter (where s.grade = 'C') as c, count(*) filter (where s.grade = 'D') as d
                        from leads l
                        cross join lateral (select s.score, s.grade from lead_scores s
                                             where s.lead_id = l.id and s.scored_at < day + interval '1 day'
                                             order by s.scored_at desc, s.id desc limit 1) as s
                       where coalesce(l.crm_created_at, l.created_at) < day + interval '1 day'
                         and (l.status = 'open' or l.status_changed_at >= day + interval '1 day')
                         and (l.deleted_at is null or l.deleted_at >= day + interval '1 day')) as g on true
                on conflict (day) do update set leads_created = excluded.leads_created,
                       leads_converted = excluded.leads_converted, leads_disqualified = excluded.leads_disqualified,
                       open_leads = excluded.open_leads, activities = excluded.activities,
                       emails_sent = excluded.emails_sent, replies = excluded.replies,
                       scored_leads = excluded.scored_leads, mean_score = excluded.mean_score,
                       grade_a = excluded.grade_a, grade_b = excluded.grade_b, grade_c = excluded.grade_c,
                       grade_d = excluded.grade_d, refreshed_at = excluded.refreshed_at""")) {
            ps.setInt(1, Math.max(1, days));
            return Map.of("days", ps.executeUpdate());
        }
    }
}
