package dev.closer.app.auth;

import io.quarkus.hibernate.orm.panache.PanacheRepository;
import io.quarkus.panache.common.Sort;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Optional;

@ApplicationScoped
public class ApiKeyRepository implements PanacheRepository<ApiKey> {

    public Optional<ApiKey> findActiveByHash(String hash) {
        return find("keyHash = ?1 and revokedAt is null", hash).firstResultOptional();
    }

    public boolean anyActiveAdmin() {
        return count("revokedAt is null and userId in (select u.id from AppUser u where u.role = 'admin')") > 0;
    }

    public List<ApiKey> all() {
        return listAll(Sort.by("id"));
    }
}
