package dev.closer.app.events;

import dev.closer.app.config.CloserConfig;
import dev.closer.ingest.kafka.EventPublisher;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.common.annotation.Identifier;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.jboss.logging.Logger;

/**
 * Kafka clients built from the {@code kafka.*} properties (bootstrap servers, security) plus what Closer needs:
 * one shared producer with {@code acks=all} and idempotence, consumers that never auto-commit, and the topics
 * created at start-up.
 */
@ApplicationScoped
public class KafkaClients {

    private static final Logger LOG = Logger.getLogger(KafkaClients.class);

    @Inject
    @Identifier("default-kafka-broker")
    Map<String, Object> kafka;
    @Inject
    CloserConfig config;

    private volatile Producer<String, byte[]> producer;
    private volatile EventPublisher crmEvents;

    void onStart(@Observes @Priority(5) StartupEvent start) {
        if (config.topics().create()) {
            createTopics();
        }
    }

    void onStop(@Observes @Priority(100) ShutdownEvent stop) {
        if (producer != null) {
            producer.close();
        }
    }

    private Map<String, Object> common() {
        Map<String, Object> props = new HashMap<>();
        kafka.forEach((key, value) -> {
            if (!key.startsWith("health") && !key.startsWith("snappy") && !key.startsWith("devservices")) {
                props.put(key, value);
            }
        });
        return props;
    }

    /** The shared producer (thread-safe). */
    public synchronized Producer<String, byte[]> producer() {
        if (producer == null) {
            Map<String, Object> props = common();
            props.put(ProducerConfig.ACKS_CONFIG, "all");
            props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
            props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
            // Fail fast when the broker is away, so HTTP callers get a 503 they can retry instead of a hang.
            props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 5_000);
            props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
            props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 15_000);
            props.put(ProducerConfig.CLIENT_ID_CONFIG, "closer-producer");
            producer = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
        }
        return producer;
    }

    /** Publishes CRM events to {@code closer.topics.crm-events} over the shared producer (the HTTP ways in). */
    public synchronized EventPublisher crmEvents() {
        if (crmEvents == null) {
            crmEvents = new EventPublisher(producer(), config.topics().crmEvents());
        }
        return crmEvents;
    }

    /** A new consumer in {@code groupId} that commits only when told to, and starts a new group at the start. */
    public Consumer<String, byte[]> consumer(String groupId, int maxPollRecords) {
        return consumer(groupId, maxPollRecords, "earliest");
    }

    /** A new consumer in {@code groupId} that commits only when told to; {@code reset}: where a new group starts. */
    public Consumer<String, byte[]> consumer(String groupId, int maxPollRecords, String reset) {
        Map<String, Object> props = common();
        props.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, reset);
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, maxPollRecords);
        return new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
    }

    public Admin admin() {
        return Admin.create(common());
    }

    private void createTopics() {
        CloserConfig.Topics topics = config.topics();
        try (Admin admin = admin()) {
            for (String name : List.of(topics.crmEvents(), topics.crmEventsDlq(), topics.leadScores())) {
                try {
                    admin.createTopics(List.of(new NewTopic(name, topics.partitions(), topics.replicationFactor())))
                            .all().get(15, TimeUnit.SECONDS);
                    LOG.infof("Created topic %s (%d partitions)", name, topics.partitions());
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        LOG.warnf("Could not create topic %s: %s", name, e.getCause().getMessage());
                    }
                }
            }
        } catch (TimeoutException e) {
            LOG.warnf("Kafka did not answer within 15 s; topics not created now (readiness shows the broker state)");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
