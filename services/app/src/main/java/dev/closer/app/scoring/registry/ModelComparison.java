package dev.closer.app.scoring.registry;

import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/** How a shadow version's scores compare with the active version's on the same leads ({@code shadow_scores}). */
@ApplicationScoped
public class ModelComparison {

    /** Score buckets of the histograms: 1–9, 10–19, …, 90–99. */
    public static final List<String> BUCKETS = List.of("1-9", "10-19", "20-29", "30-39", "40-49", "50-59",
            "60-69", "70-79", "80-89", "90-99");

    @Inject
    EntityManager em;

    /**
     * @param activeVersions        the active versions the shadow was compared with
     * @param count                 leads scored by both
     * @param meanAbsoluteDifference mean |shadow score − active score| in score points (1–99)
     * @param spearman              Spearman rank correlation of the two probabilities (ties get their mean rank);
     *                              null with fewer than two distinct values
     * @param gradeAgreement        share of leads given the same grade by both
     * @param histogram             how many leads fell in each score bucket, for each version
     * @param first                 the first and last comparison
     */
    public record Result(String name, String version, List<String> activeVersions, long count,
                         Double meanAbsoluteDifference, Double spearman, Double gradeAgreement, Histogram histogram,
                         OffsetDateTime first, OffsetDateTime last) {
    }

    public record Histogram(List<String> buckets, long[] active, long[] shadow) {
    }

    /**
     * @param against only compare with this active version; null for every active version the shadow ran beside
     */
    public Result compare(String name, String version, String against) {
        String only = against == null ? "" : against;
        String where = "model_name = ?1 and shadow_version = ?2 and (?3 = '' or active_version = ?3)";
        return QuarkusTransaction.requiringNew().call(() -> {
            Object[] stats = (Object[]) em.createNativeQuery("""
                            with s as (select active_probability a, shadow_probability b, active_score sa,
                                              shadow_score sb, active_grade ga, shadow_grade gb, scored_at
                                       from shadow_scores where %s),
                                 r as (select *, rank() over (order by a) + (count(*) over (partition by a) - 1) / 2.0 ra,
                                                 rank() over (order by b) + (count(*) over (partition by b) - 1) / 2.0 rb
                                       from s)
                            select count(*), avg(abs(sa - sb))::float8, corr(ra, rb)::float8,
                                   avg(case when ga = gb then 1.0 else 0.0 end)::float8, min(scored_at), max(scored_at)
                            from r""".formatted(where))
                    .setParameter(1, name).setParameter(2, version).setParameter(3, only).getSingleResult();
            long[] active = new long[BUCKETS.size()];
            long[] shadow = new long[BUCKETS.size()];
            for (Object o : em.createNativeQuery("""
                            select 'active', least(active_score / 10, 9), count(*) from shadow_scores where %1$s group by 2
                            union all
                            select 'shadow', least(shadow_score / 10, 9), count(*) from shadow_scores where %1$s group by 2
                            """.formatted(where))
                    .setParameter(1, name).setParameter(2, version).setParameter(3, only).getResultList()) {
                Object[] row = (Object[]) o;
                long[] into = "active".equals(row[0]) ? active : shadow;
                into[((Number) row[1]).intValue()] = ((Number) row[2]).longValue();
            }
            List<String> versions = new ArrayList<>();
            for (Object v : em.createNativeQuery("select distinct active_version from shadow_scores where " + where
                            + " order by 1")
                    .setParameter(1, name).setParameter(2, version).setParameter(3, only).getResultList()) {
                versions.add((String) v);
            }
            return new Result(name, version, versions, ((Number) stats[0]).longValue(), number(stats[1]),
                    number(stats[2]), number(stats[3]), new Histogram(BUCKETS, active, shadow), time(stats[4]),
                    time(stats[5]));
        });
    }

    private static Double number(Object o) {
        return o == null ? null : ((Number) o).doubleValue();
    }

    private static OffsetDateTime time(Object o) {
        if (o == null) {
            return null;
        }
        if (o instanceof OffsetDateTime t) {
            return t;
        }
        if (o instanceof Instant i) {
            return i.atOffset(ZoneOffset.UTC);
        }
        if (o instanceof Timestamp t) {
            return t.toInstant().atOffset(ZoneOffset.UTC);
        }
        return OffsetDateTime.parse(o.toString());
    }
}
