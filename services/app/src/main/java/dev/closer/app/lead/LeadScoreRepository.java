package dev.closer.app.lead;

import io.quarkus.hibernate.orm.panache.PanacheRepository;
import io.quarkus.panache.common.Sort;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

@ApplicationScoped
public class LeadScoreRepository implements PanacheRepository<LeadScore> {

    private static final Sort NEWEST_FIRST = Sort.by("scoredAt", Sort.Direction.Descending)
            .and("id", Sort.Direction.Descending);

    public Optional<LeadScore> latest(String leadId) {
        return find("leadId", NEWEST_FIRST, leadId).firstResultOptional();
    }

    public List<LeadScore> history(String leadId, int limit) {
        return find("leadId", NEWEST_FIRST, leadId).page(0, limit).list();
    }

    /** The newest score of each lead that has one. */
    public Map<String, LeadScore> latest(Collection<String> leadIds) {
        if (leadIds.isEmpty()) {
            return Map.of();
        }
        List<LeadScore> rows = getEntityManager().createNativeQuery("""
                select distinct on (lead_id) * from lead_scores where lead_id in (:ids)
                order by lead_id, scored_at desc, id desc""", LeadScore.class)
                .setParameter("ids", leadIds).getResultList();
        return rows.stream().collect(Collectors.toMap(s -> s.leadId, Function.identity()));
    }
}
