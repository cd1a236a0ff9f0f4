package dev.closer.app.lead;

import dev.closer.app.auth.AppUserRepository;
import dev.closer.app.auth.Caller;
import dev.closer.app.lead.rest.LeadView;
import io.quarkus.security.ForbiddenException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/** Reads leads as a caller may see them: a rep their own, a manager their team's, an admin all. */
@ApplicationScoped
@Transactional(Transactional.TxType.SUPPORTS)
public class LeadService {

    @Inject
    LeadRepository leads;
    @Inject
    LeadScoreRepository scores;
    @Inject
    AppUserRepository users;
    @Inject
    LeadTimeline timeline;

    /** Empty when there is no such lead; throws {@link ForbiddenException} when the caller may not see it. */
    public Optional<LeadView> find(Caller caller, String id) {
        return leads.findByIdOptional(id).map(lead -> {
            requireVisible(caller, lead);
            return LeadView.of(lead, scores.latest(id).orElse(null));
        });
    }

    public Optional<List<LeadView.ScoreView>> history(Caller caller, String id, int limit) {
        return leads.findByIdOptional(id).map(lead -> {
            requireVisible(caller, lead);
            return scores.history(id, limit).stream().map(LeadView.ScoreView::of).toList();
        });
    }

    /** The lead's timeline, newest first, before {@code before}; empty when there is no such lead. */
    public Optional<List<LeadTimeline.Entry>> timeline(Caller caller, String id, java.time.OffsetDateTime before,
                                                       int limit) {
        return leads.findByIdOptional(id).map(lead -> {
            requireVisible(caller, lead);
            return timeline.of(id, before, limit);
        });
    }

    public List<LeadView> page(Caller caller, String after, int limit) {
        List<Lead> page = leads.page(after, visibleOwners(caller), limit);
        Map<String, LeadScore> latest = scores.latest(page.stream().map(l -> l.id).toList());
        return page.stream().map(l -> LeadView.of(l, latest.get(l.id))).toList();
    }

    /** Owner ids whose leads the caller sees, or null for all. */
    public List<String> visibleOwners(Caller caller) {
        if (caller.isAdmin()) {
            return null;
        }
        if (caller.isManager() && caller.team() != null) {
            return users.idsInTeam(caller.team());
        }
        return List.of(caller.userId());
    }

    private void requireVisible(Caller caller, Lead lead) {
        requireVisible(caller, lead.id, lead.ownerId);
    }

    /**
     * Throws {@link ForbiddenException} unless the caller may see the lead owned by {@code ownerId} (null: nobody),
     * for what is visible through its lead (a call).
     */
    public void requireVisible(Caller caller, String leadId, String ownerId) {
        List<String> owners = visibleOwners(caller);
        if (owners != null && (ownerId == null || !owners.contains(ownerId))) {
            throw new ForbiddenException("Lead " + leadId + " is owned by " + Objects.requireNonNullElse(ownerId,
                    "nobody") + "; your key (" + caller.role() + " " + caller.userId() + ") may not read it.");
        }
    }
}
