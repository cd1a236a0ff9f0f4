package dev.closer.app.scoring;

import io.quarkus.hibernate.orm.panache.PanacheRepository;
import io.quarkus.panache.common.Sort;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Optional;

@ApplicationScoped
public class ModelRepository implements PanacheRepository<Model> {

    public Optional<Model> findVersion(String name, String version) {
        return find("name = ?1 and version = ?2", name, version).firstResultOptional();
    }

    public Optional<Model> active(String name) {
        return find("name = ?1 and status = 'active'", name).firstResultOptional();
    }

    public Optional<Model> shadow(String name) {
        return find("name = ?1 and status = 'shadow'", name).firstResultOptional();
    }

    public List<Model> all() {
        return listAll(Sort.by("name").and("createdAt", Sort.Direction.Descending)
                .and("id", Sort.Direction.Descending));
    }
}
