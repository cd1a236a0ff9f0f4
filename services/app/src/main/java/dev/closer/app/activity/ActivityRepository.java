package dev.closer.app.activity;

import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Sort;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;

@ApplicationScoped
public class ActivityRepository implements PanacheRepositoryBase<Activity, String> {

    public List<Activity> recent(String leadId, int limit) {
        return find("leadId", Sort.by("occurredAt", Sort.Direction.Descending), leadId).page(0, limit).list();
    }
}
