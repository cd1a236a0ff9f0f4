package dev.closer.ingest.kafka;

import dev.closer.ingest.CrmEvent;
import dev.closer.ingest.EventReader;
import dev.closer.ingest.InvalidEventException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.jboss.logging.Logger;

/**
 * At-least-once batch consumer: poll a batch, read and validate each record, hand the valid ones to the
 * {@link BatchHandler} in one call, send the invalid ones to the dead-letter topic, and only then commit the
 * offsets. A crash between the handler and the commit redelivers the batch, so the handler must be idempotent.
 *
 * <p>When the handler fails, the batch is retried record by record to find the one at fault: a record whose
 * failure is permanent goes to the dead-letter topic and the rest are stored; a retriable failure (database
 * down) rewinds to the batch's first offsets and backs off, so nothing is skipped.
 */
public final class EventConsumerLoop implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(EventConsumerLoop.class);

    /** Stores a batch of events in one transaction; idempotent by event id. */
    @FunctionalInterface
    public interface BatchHandler {
        void handle(List<CrmEvent> events) throws Exception;
    }

    private final String name;
    private final Supplier<Consumer<String, byte[]>> consumers;
    private final String topic;
    private final EventReader reader;
    private final DeadLetters deadLetters;
    private final BatchHandler handler;
    private final Duration pollTimeout;
    private final Counter handled;
    private final Counter deadLettered;
    private final Counter retries;

    private volatile Thread thread;
    private volatile Consumer<String, byte[]> consumer;
    private volatile boolean running;
    private volatile Throwable lastError;

    public EventConsumerLoop(String name, Supplier<Consumer<String, byte[]>> consumers, String topic,
                             EventReader reader, DeadLetters deadLetters, BatchHandler handler,
                             Duration pollTimeout, MeterRegistry meters) {
        this.name = name;
        this.consumers = consumers;
        this.topic = topic;
        this.reader = reader;
        this.deadLetters = deadLetters;
        this.handler = handler;
        this.pollTimeout = pollTimeout;
        this.handled = Counter.builder("closer.consumer.records").tag("consumer", name).tag("outcome", "handled")
                .description("Records handed to the sink").register(meters);
        this.deadLettered = Counter.builder("closer.consumer.records").tag("consumer", name)
                .tag("outcome", "dead_lettered").description("Records sent to the dead-letter topic")
                .register(meters);
        this.retries = Counter.builder("closer.consumer.retries").tag("consumer", name)
                .description("Batches rewound after a retriable failure").register(meters);
    }

    /** Starts polling on a thread of its own; a no-op when already running. */
    public synchronized void start() {
        if (running) {
            return;
        }
        running = true;
        thread = new Thread(this::run, "closer-consumer-" + name);
        thread.start();
    }

    /** Stops after the batch in hand, commits what was handled, and leaves the group. */
    public synchronized void stop() {
        if (!running) {
            return;
        }
        running = false;
        Consumer<String, byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
        try {
            thread.join(Duration.ofSeconds(30).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public boolean isRunning() {
        return running && thread != null && thread.isAlive();
    }

    /** The last failure the loop backed off from, or null; shown by health checks. */
    public Throwable lastError() {
        return lastError;
    }

    @Override
    public void close() {
        stop();
    }

    private void run() {
        Duration backoff = Duration.ofMillis(500);
        try (Consumer<String, byte[]> c = consumers.get()) {
            consumer = c;
            c.subscribe(List.of(topic));
            while (running) {
                ConsumerRecords<String, byte[]> batch = c.poll(pollTimeout);
                if (batch.isEmpty()) {
                    continue;
                }
                try {
                    process(batch);
                    c.commitSync(nextOffsets(batch));
                    lastError = null;
                    backoff = Duration.ofMillis(500);
                } catch (RetriableBatchException e) {
                    lastError = e.getCause();
                    retries.increment();
                    LOG.warnf("Consumer %s: %s; retrying the batch in %d ms", name, e.getMessage(), backoff.toMillis());
                    rewind(c, batch);
                    sleep(backoff);
                    backoff = backoff.multipliedBy(2).compareTo(Duration.ofSeconds(30)) > 0
                            ? Duration.ofSeconds(30) : backoff.multipliedBy(2);
                }
            }
        } catch (WakeupException e) {
            if (running) {
                LOG.errorf(e, "Consumer %s woken up unexpectedly", name);
            }
        } catch (RuntimeException e) {
            lastError = e;
            LOG.errorf(e, "Consumer %s stopped on an unexpected error", name);
        } finally {
            consumer = null;
            running = false;
        }
    }

    private void process(ConsumerRecords<String, byte[]> batch) throws RetriableBatchException {
        List<ConsumerRecord<String, byte[]>> accepted = new ArrayList<>();
        List<CrmEvent> events = new ArrayList<>();
        for (ConsumerRecord<String, byte[]> record : batch) {
            try {
                events.add(reader.read(record));
                accepted.add(record);
            } catch (InvalidEventException e) {
                deadLetter(record, "validation", e.getMessage());
            }
        }
        try {
            if (!events.isEmpty()) {
                handler.handle(events);
                handled.increment(events.size());
            }
        } catch (Exception e) {
            if (RetriableErrors.isRetriable(e) || !running) {
                // While stopping, a failure is more likely the shutdown than the records: leave them uncommitted.
                throw new RetriableBatchException("storing " + events.size() + " events failed: " + e, e);
            }
            LOG.warnf("Consumer %s: a batch of %d failed (%s); retrying one by one to find the bad record",
                    name, events.size(), e);
            List<Integer> failed = new ArrayList<>();
            List<Exception> errors = new ArrayList<>();
            for (int i = 0; i < events.size(); i++) {
                try {
                    handler.handle(List.of(events.get(i)));
                    handled.increment();
                } catch (Exception single) {
                    if (RetriableErrors.isRetriable(single) || !running) {
                        throw new RetriableBatchException("storing event " + events.get(i).id() + " failed: "
                                + single, single);
                    }
                    failed.add(i);
                    errors.add(single);
                }
            }
            if (failed.size() > 1 && failed.size() == events.size()
                    && errors.stream().map(Exception::toString).distinct().count() == 1) {
                // Every record failing alike points at the sink, not at the records.
                throw new RetriableBatchException("every event of the batch failed alike: " + errors.get(0),
                        errors.get(0));
            }
            for (int k = 0; k < failed.size(); k++) {
                deadLetter(accepted.get(failed.get(k)), "processing", errors.get(k).toString());
            }
        }
        try {
            deadLetters.awaitAcks();
        } catch (ExecutionException e) {
            throw new RetriableBatchException("the dead-letter topic did not acknowledge: " + e.getCause(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RetriableBatchException("interrupted while dead-lettering", e);
        }
    }

    private void deadLetter(ConsumerRecord<String, byte[]> record, String stage, String reason) {
        LOG.warnf("Consumer %s: %s-%d@%d to %s (%s): %s", name, record.topic(), record.partition(),
                record.offset(), deadLetters.topic(), stage, reason);
        deadLetters.send(record, stage, reason);
        deadLettered.increment();
    }

    private static Map<TopicPartition, OffsetAndMetadata> nextOffsets(ConsumerRecords<String, byte[]> batch) {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (TopicPartition partition : batch.partitions()) {
            List<ConsumerRecord<String, byte[]>> records = batch.records(partition);
            offsets.put(partition, new OffsetAndMetadata(records.get(records.size() - 1).offset() + 1));
        }
        return offsets;
    }

    private static void rewind(Consumer<String, byte[]> c, ConsumerRecords<String, byte[]> batch) {
        for (TopicPartition partition : batch.partitions()) {
            c.seek(partition, batch.records(partition).get(0).offset());
        }
    }

    private void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }

    private static final class RetriableBatchException extends Exception {
        RetriableBatchException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
