package dev.closer.app.events;

import dev.closer.ingest.CrmEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;

/**
 * The inbox of applied events. Claiming an event inserts its (source, id) row; a redelivered event finds the row
 * already there and is skipped, so the consumer's at-least-once delivery has exactly-once effects.
 */
@ApplicationScoped
public class IngestedEventRepository {

    @Inject
    EntityManager em;

    /** @return true when the event is new and should be applied, false when it was applied before */
    public boolean claim(CrmEvent event) {
        return em.createNativeQuery("""
                insert into ingested_events (source, id, type, subject) values (?1, ?2, ?3, ?4)
                on conflict do nothing""")
                .setParameter(1, event.source())
                .setParameter(2, event.id())
                .setParameter(3, event.type())
                .setParameter(4, event.subject())
                .executeUpdate() == 1;
    }

    public long count() {
        return ((Number) em.createNativeQuery("select count(*) from ingested_events").getSingleResult()).longValue();
    }
}
