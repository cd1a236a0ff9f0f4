package dev.closer.app.events;

import static dev.closer.app.support.Api.leadEvent;
import static dev.closer.app.support.Api.unique;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.closer.app.config.CloserConfig;
import dev.closer.app.lead.LeadRepository;
import dev.closer.app.lead.LeadScoreRepository;
import dev.closer.ingest.kafka.DeadLetters;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.Test;

/**
 * The consumer against the real broker and database: poison records go to the dead-letter topic with their
 * reason and the consumer goes on; stopping mid-stream and starting again, or replaying the whole topic, loses
 * nothing and duplicates nothing.
 */
@QuarkusTest
class CrmEventConsumerIT {

    private static final Duration WAIT = Duration.ofSeconds(60);

    @Inject
    KafkaClients kafka;
    @Inject
    CloserConfig config;
    @Inject
    CrmEventConsumer consumer;
    @Inject
    LeadRepository leads;
    @Inject
    LeadScoreRepository scores;

    private void produce(String key, String value) throws Exception {
        kafka.producer().send(new ProducerRecord<>(config.topics().crmEvents(), key,
                value.getBytes(StandardCharsets.UTF_8))).get(10, TimeUnit.SECONDS);
    }

    private long leadsWithPrefix(String prefix) {
        return QuarkusTransaction.requiringNew().call(() -> leads.count("id like ?1", prefix + "%"));
    }

    private long scoresWithPrefix(String prefix) {
        return QuarkusTransaction.requiringNew().call(() -> scores.count("leadId like ?1", prefix + "%"));
    }

    private long queuedWithPrefix(String prefix) {
        return QuarkusTransaction.requiringNew().call(() -> ((Number) scores.getEntityManager()
                .createNativeQuery("select count(*) from lead_score_queue where lead_id like ?1")
                .setParameter(1, prefix + "%").getSingleResult()).longValue());
    }

    @Test
    void shouldDeadLetterPoisonRecordsWithTheReasonAndGoOn() throws Exception {
        String garbageKey = unique("garbage");
        String invalidKey = unique("lead");
        String afterwards = unique("lead");
        produce(garbageKey, "this is not JSON {");
        produce(invalidKey, leadEvent(unique("evt"), invalidKey, "2026-03-01T10:00:00Z", "\"email\":\"not-an-email\""));
        produce(afterwards, leadEvent(unique("evt"), afterwards, "2026-03-01T10:00:00Z", null));

        await().atMost(WAIT).until(() -> leadsWithPrefix(afterwards) == 1);
        Map<String, ConsumerRecord<String, byte[]>> dead = readDeadLetters(java.util.Set.of(garbageKey, invalidKey));
        assertEquals("validation", header(dead.get(garbageKey), DeadLetters.STAGE));
        assertTrue(header(dead.get(garbageKey), DeadLetters.REASON).startsWith("not a CloudEvent"),
                header(dead.get(garbageKey), DeadLetters.REASON));
        assertEquals("data.email: must be a well-formed email address",
                header(dead.get(invalidKey), DeadLetters.REASON));
        assertEquals(config.topics().crmEvents(), header(dead.get(invalidKey), DeadLetters.TOPIC));
        assertEquals("this is not JSON {", new String(dead.get(garbageKey).value(), StandardCharsets.UTF_8));
        assertEquals(0, leadsWithPrefix(invalidKey));
        assertTrue(consumer.isRunning());
    }

    @Test
    void shouldLoseAndDuplicateNothingWhenStoppedMidStreamAndWhenReplayed() throws Exception {
        String prefix = unique("bulk") + "-";
        int total = 600;
        consumer.stop();
        for (int i = 0; i < total; i++) {
            String id = prefix + i;
            kafka.producer().send(new ProducerRecord<>(config.topics().crmEvents(), id,
                    leadEvent("evt-" + id, id, "2026-03-01T10:00:00Z", "\"websiteVisits\":" + (i % 17))
                            .getBytes(StandardCharsets.UTF_8)));
        }
        kafka.producer().flush();

        consumer.start();
        await().pollInterval(Duration.ofMillis(5)).atMost(WAIT).until(() -> leadsWithPrefix(prefix) >= 40);
        consumer.stop();
        long midway = leadsWithPrefix(prefix);
        assertTrue(midway < total, "stopped mid-stream, after " + midway + " of " + total);

        consumer.start();
        await().atMost(WAIT).until(() -> leadsWithPrefix(prefix) == total);
        awaitNoLag();
        // Scoring follows asynchronously (debounced): each lead gets exactly one score, none twice.
        await().atMost(WAIT).until(() -> scoresWithPrefix(prefix) >= total && queuedWithPrefix(prefix) == 0);
        assertEquals(total, scoresWithPrefix(prefix), "one score per event");

        // A crash before the offset commit redelivers records; replaying the whole topic is the extreme case.
        consumer.stop();
        rewindGroupToStart();
        consumer.start();
        awaitNoLag();
        assertEquals(total, leadsWithPrefix(prefix));
        assertEquals(0, queuedWithPrefix(prefix), "replayed events are skipped by the inbox: nothing to rescore");
        assertEquals(total, scoresWithPrefix(prefix), "replayed events are skipped by the inbox");
    }

    private void awaitNoLag() {
        await().atMost(WAIT).pollInterval(Duration.ofMillis(200)).until(() -> lag() == 0);
    }

    private long lag() throws Exception {
        try (Admin admin = kafka.admin()) {
            Map<TopicPartition, OffsetAndMetadata> committed = admin
                    .listConsumerGroupOffsets(config.consumer().groupId()).partitionsToOffsetAndMetadata()
                    .get(10, TimeUnit.SECONDS);
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            for (int p = 0; p < config.topics().partitions(); p++) {
                latest.put(new TopicPartition(config.topics().crmEvents(), p), OffsetSpec.latest());
            }
            Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends = admin.listOffsets(latest).all()
                    .get(10, TimeUnit.SECONDS);
            long lag = 0;
            for (var end : ends.entrySet()) {
                OffsetAndMetadata c = committed.get(end.getKey());
                lag += end.getValue().offset() - (c == null ? 0 : c.offset());
            }
            return lag;
        }
    }

    private void rewindGroupToStart() throws Exception {
        try (Admin admin = kafka.admin()) {
            Map<TopicPartition, OffsetAndMetadata> start = new HashMap<>();
            for (int p = 0; p < config.topics().partitions(); p++) {
                start.put(new TopicPartition(config.topics().crmEvents(), p), new OffsetAndMetadata(0));
            }
            // The group is empty while the consumer is stopped; wait for the broker to see it so.
            await().atMost(WAIT).ignoreExceptions().until(() -> {
                admin.alterConsumerGroupOffsets(config.consumer().groupId(), start).all().get(10, TimeUnit.SECONDS);
                return true;
            });
        }
    }

    private Map<String, ConsumerRecord<String, byte[]>> readDeadLetters(java.util.Set<String> keys) {
        Map<String, ConsumerRecord<String, byte[]>> found = new HashMap<>();
        try (Consumer<String, byte[]> reader = kafka.consumer(unique("dlq-reader"), 500)) {
            reader.subscribe(List.of(config.topics().crmEventsDlq()));
            await().atMost(WAIT).until(() -> {
                for (ConsumerRecord<String, byte[]> r : reader.poll(Duration.ofMillis(200))) {
                    if (keys.contains(r.key())) {
                        found.put(r.key(), r);
                    }
                }
                return found.keySet().containsAll(keys);
            });
        }
        return found;
    }

    private static String header(ConsumerRecord<String, byte[]> record, String name) {
        List<String> values = new ArrayList<>();
        for (Header h : record.headers().headers(name)) {
            values.add(new String(h.value(), StandardCharsets.UTF_8));
        }
        return values.stream().collect(Collectors.joining(","));
    }
}
