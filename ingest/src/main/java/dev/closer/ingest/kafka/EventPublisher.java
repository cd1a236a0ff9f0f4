package dev.closer.ingest.kafka;

import dev.closer.ingest.CrmEvent;
import io.cloudevents.jackson.JsonFormat;
import io.cloudevents.kafka.KafkaMessageFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
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
        List<Future<RecordMetadata>> sent = new ArrayList<>(events.size());
        try {
            for (CrmEvent event : events) {
                sent.add(producer.send(toRecord(topic, event)));
            }
            long deadline = System.nanoTime() + timeout.toNanos();
            for (Future<RecordMetadata> ack : sent) {
                ack.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            }
        } catch (TimeoutException e) {
            throw new PublishException("Kafka did not acknowledge within " + timeout.toMillis() + " ms", e);
        } catch (ExecutionException e) {
            throw new PublishException("Kafka refused the events: " + e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PublishException("interrupted while waiting for Kafka", e);
        } catch (org.apache.kafka.common.KafkaException e) {
            throw new PublishException("Kafka is unavailable: " + e.getMessage(), e);
        }
    }
}
