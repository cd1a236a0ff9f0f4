package dev.closer.ingest.kafka;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;

/**
 * Copies records that cannot be processed to a dead-letter topic: same key, value and headers, plus headers
 * saying why and where they came from. Call {@link #awaitAcks()} before committing the source offsets so that
 * a record is never dropped.
 */
public final class DeadLetters {

    public static final String REASON = "closer.dlq.reason";
    public static final String TOPIC = "closer.dlq.topic";
    public static final String PARTITION = "closer.dlq.partition";
    public static final String OFFSET = "closer.dlq.offset";
    public static final String STAGE = "closer.dlq.stage";

    private final Producer<String, byte[]> producer;
    private final String topic;
    private final List<Future<?>> pending = new ArrayList<>();

    public DeadLetters(Producer<String, byte[]> producer, String topic) {
        this.producer = producer;
        this.topic = topic;
    }

    public String topic() {
        return topic;
    }

    /**
     * @param stage  {@code validation} (the record is not a valid event) or {@code processing} (storing it failed
     *               permanently)
     * @param reason what was wrong, for a person to read
     */
    public void send(ConsumerRecord<String, byte[]> record, String stage, String reason) {
        List<Header> headers = new ArrayList<>();
        record.headers().forEach(headers::add);
        headers.add(header(REASON, reason.length() > 4000 ? reason.substring(0, 4000) : reason));
        headers.add(header(STAGE, stage));
        headers.add(header(TOPIC, record.topic()));
        headers.add(header(PARTITION, Integer.toString(record.partition())));
        headers.add(header(OFFSET, Long.toString(record.offset())));
        pending.add(producer.send(new ProducerRecord<>(topic, null, record.key(), record.value(), headers)));
    }

    /** Blocks until every record sent since the last call is acknowledged; throws if one was not. */
    public void awaitAcks() throws ExecutionException, InterruptedException {
        try {
            for (Future<?> ack : pending) {
                ack.get();
            }
        } finally {
            pending.clear();
        }
    }

    private static Header header(String key, String value) {
        return new RecordHeader(key, value.getBytes(StandardCharsets.UTF_8));
    }
}
