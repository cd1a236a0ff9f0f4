package dev.closer.app.events;

import dev.closer.app.config.CloserConfig;
import dev.closer.ingest.EventReader;
import dev.closer.ingest.kafka.DeadLetters;
import dev.closer.ingest.kafka.EventConsumerLoop;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

/**
 * Runs the CRM-events consumer in this instance when {@code closer.consumer.enabled}; instances in the same
 * group share the topic's partitions.
 */
@ApplicationScoped
public class CrmEventConsumer {

    @Inject
    CloserConfig config;
    @Inject
    KafkaClients kafka;
    @Inject
    EventReader reader;
    @Inject
    CrmEventSink sink;
    @Inject
    MeterRegistry meters;

    private EventConsumerLoop loop;

    void onStart(@Observes @Priority(20) StartupEvent start) {
        CloserConfig.Consumer c = config.consumer();
        loop = new EventConsumerLoop("crm-events", () -> kafka.consumer(c.groupId(), c.maxPollRecords()),
                config.topics().crmEvents(), reader,
                new DeadLetters(kafka.producer(), config.topics().crmEventsDlq()), sink, c.pollTimeout(), meters);
        if (c.enabled()) {
            loop.start();
        }
    }

    void onStop(@Observes ShutdownEvent stop) {
        if (loop != null) {
            loop.stop();
        }
    }

    /** Starts consuming (no-op when running). */
    public void start() {
        loop.start();
    }

    /** Stops after the batch in hand and commits what was stored. */
    public void stop() {
        loop.stop();
    }

    public boolean isRunning() {
        return loop != null && loop.isRunning();
    }

    public boolean isEnabled() {
        return config.consumer().enabled();
    }

    public String topic() {
        return config.topics().crmEvents();
    }

    /** The last failure the loop backed off from, or null. */
    public Throwable lastError() {
        return loop == null ? null : loop.lastError();
    }
}
