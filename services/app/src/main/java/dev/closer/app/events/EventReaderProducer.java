package dev.closer.app.events;

import dev.closer.ingest.EventReader;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.validation.Validator;

/** One {@link EventReader} for the HTTP edge and the consumer, using the app's Bean Validation. */
public class EventReaderProducer {

    @Produces
    @ApplicationScoped
    EventReader eventReader(Validator validator) {
        return new EventReader(validator);
    }
}
