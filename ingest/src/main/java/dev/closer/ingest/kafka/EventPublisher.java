package dev.closer.ingest.kafka;

import dev.closer.ingest.CrmEvent;
import io.cloudevents.jackson.JsonFormat;
import io.cloudevents.kafka.KafkaMessageFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * Publishes validated events to a topic in CloudEvents structured mode (JSON), keyed by subject, and waits until
 * the broker has acknowledged every one (the producer must be configured with {@code acks=all}).
 */
public final class EventPublisher {

    private final Producer<String, byte[]> producer;
    private final String topic;

    public EventPublisher(Producer<String, byte[]> producer, String topic) {
        this.producer = producer;
        this.topic = topic;
    }

    /** Kafka did not acknowledge in time, or refused; the caller should ask its client to retry later. */
    public static final class PublishException extends RuntimeException {
        public PublishException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    public static ProducerRecord<String, byte[]> toRecord(String topic, CrmEvent event) {
        return KafkaMessageFactory.createWriter(topic, event.subject())
                .writeStructured(event.cloudEvent(), JsonFormat.CONTENT_TYPE);
    }

    /** Sends all events, then blocks until each is acknowledged or {@code timeout} has passed in total. */
    public void publish(List<CrmEvent> events, Duration timeout) {
        try {
            publishAsync(events, timeout).join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof PublishException p ? p : new PublishException(e.getMessage(), e);
        }
    }

    /**
     * Sends all events; the future completes when each is acknowledged, or fails with a {@link PublishException}
     * when Kafka refuses one or {@code timeout} passes first. A caller that answers from the future (an HTTP
     * endpoint) holds no thread while the broker acknowledges.
     */
    public CompletableFuture<Void> publishAsync(List<CrmEvent> events, Duration timeout) {
        List<CompletableFuture<RecordMetadata>> acks = new ArrayList<>(events.size());
        try {
            for (CrmEvent event : events) {
                CompletableFuture<RecordMetadata> ack = new CompletableFuture<>();
                producer.send(toRecord(topic, event), (metadata, error) -> {
                    if (error != null) {
                        ack.completeExceptionally(error);
                    } else {
                        ack.complete(metadata);
                    }
                });
                acks.add(ack);
            }
        } catch (org.apache.kafka.common.KafkaException e) {
            return CompletableFuture.failedFuture(new PublishException("Kafka is unavailable: " + e.getMessage(), e));
        }
        return CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new))
                .orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
                .handle((done, error) -> {
                    if (error == null) {
                        return null;
                    }
                    Throwable cause = error instanceof CompletionException && error.getCause() != null
                            ? error.getCause() : error;
                    throw new CompletionException(cause instanceof TimeoutException
                            ? new PublishException("Kafka did not acknowledge within " + timeout.toMillis() + " ms",
                                    cause)
                            : new PublishException("Kafka refused the events: " + cause.getMessage(), cause));
                });
    }
}
