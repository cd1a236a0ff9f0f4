package dev.closer.app.auth;

import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;

@ApplicationScoped
public class AppUserRepository implements PanacheRepositoryBase<AppUser, String> {

    /** Ids of the users in {@code team}: the owners whose leads the team's manager sees. */
    public List<String> idsInTeam(String team) {
        return getEntityManager().createQuery("select u.id from AppUser u where u.team = :team", String.class)
                .setParameter("team", team).getResultList();
    }
}
