package dev.closer.app.lead;

import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Sort;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;

@ApplicationScoped
public class LeadRepository implements PanacheRepositoryBase<Lead, String> {

    /** One page of leads in id order, after {@code afterId} (keyset paging), visible to {@code ownerIds} or all. */
    public List<Lead> page(String afterId, List<String> ownerIds, int limit) {
        String after = afterId == null ? "" : afterId;
        if (ownerIds == null) {
            return find("id > ?1", Sort.by("id"), after).page(0, limit).list();
        }
        return find("id > ?1 and ownerId in ?2", Sort.by("id"), after, ownerIds).page(0, limit).list();
    }
}
