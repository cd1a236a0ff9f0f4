package dev.closer.app.events;

import dev.closer.ingest.EventReader;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.validation.Path;
import jakarta.validation.TraversableResolver;
import jakarta.validation.ValidatorFactory;
import java.lang.annotation.ElementType;

/**
 * One {@link EventReader} for the HTTP edge and the consumer, on the app's Bean Validation. Event data are plain
 * records, never JPA entities, so the validator skips the JPA traversable resolver, which asks Hibernate whether
 * every property is loaded and showed up in profiles of the consumer.
 */
public class EventReaderProducer {

    private static final TraversableResolver EVERYTHING = new TraversableResolver() {
        @Override
        public boolean isReachable(Object bean, Path.Node property, Class<?> root, Path path, ElementType type) {
            return true;
        }

        @Override
        public boolean isCascadable(Object bean, Path.Node property, Class<?> root, Path path, ElementType type) {
            return true;
        }
    };

    @Produces
    @ApplicationScoped
    EventReader eventReader(ValidatorFactory validators) {
        return new EventReader(validators.usingContext().traversableResolver(EVERYTHING).getValidator());
    }
}
