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
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

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

    private final List<EventConsumerLoop> loops = new ArrayList<>();

    void onStart(@Observes @Priority(20) StartupEvent start) {
        CloserConfig.Consumer c = config.consumer();
        for (int i = 0; i < c.threads(); i++) {
            loops.add(new EventConsumerLoop("crm-events-" + i, () -> kafka.consumer(c.groupId(), c.maxPollRecords()),
                    config.topics().crmEvents(), reader,
                    new DeadLetters(kafka.producer(), config.topics().crmEventsDlq()), sink, c.pollTimeout(),
                    meters));
        }
        if (c.enabled()) {
            start();
        }
    }

    /** First of the shutdown observers: stop consuming while the model, producer and database still work. */
    void onStop(@Observes @Priority(1) ShutdownEvent stop) {
        stop();
    }

    /** Starts consuming (no-op for loops already running). */
    public void start() {
        loops.forEach(EventConsumerLoop::start);
    }

    /** Stops after the batches in hand and commits what was stored. */
    public void stop() {
        loops.parallelStream().forEach(EventConsumerLoop::stop);
    }

    /** True when every consumer thread runs. */
    public boolean isRunning() {
        return !loops.isEmpty() && loops.stream().allMatch(EventConsumerLoop::isRunning);
    }

    public boolean isEnabled() {
        return config.consumer().enabled();
    }

    public String topic() {
        return config.topics().crmEvents();
    }

    /** The last failure a consumer backed off from, or null. */
    public Throwable lastError() {
        return loops.stream().map(EventConsumerLoop::lastError).filter(Objects::nonNull).findFirst().orElse(null);
    }
}
