package dev.closer.app.scoring;

import static dev.closer.app.support.Api.unique;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.closer.app.auth.ApiKeyService;
import dev.closer.app.auth.Roles;
import dev.closer.app.config.CloserConfig;
import dev.closer.app.events.KafkaClients;
import dev.closer.app.support.Api;
import dev.closer.app.support.Db;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/** Every new history row reaches the scores topic through the outbox, with the score it replaced. */
@QuarkusTest
class ScorePublisherIT {

    @Inject
    ApiKeyService keys;
    @Inject
    KafkaClients kafka;
    @Inject
    CloserConfig config;
    @Inject
    EntityManager em;
    @Inject
    ObjectMapper json;

    @Test
    void aChangedScoreGoesOnTheScoresTopicWithThePreviousOne() throws Exception {
        String admin = Api.newKey(keys, Roles.ADMIN, null).key();
        String lead = unique("pub-lead");
        try (Consumer<String, byte[]> consumer = kafka.consumer(unique("scores-reader"), 500)) {
            // Read from where the topic ends now: a broker kept between test runs holds every earlier score.
            List<TopicPartition> partitions = consumer.partitionsFor(config.topics().leadScores()).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            end.forEach(consumer::seek);

            for (String fields : List.of("\"websiteVisits\":0,\"websiteSeconds\":0",
                    "\"websiteVisits\":40,\"websiteSeconds\":5000,\"pageViewsPerVisit\":6")) {
                long before = Db.count(em, "select count(*) from lead_scores where lead_id = ?1", lead);
                Api.as(admin).contentType("application/cloudevents+json").body("""
                        {"specversion":"1.0","id":"%s","source":"closer/test","type":"closer.lead.upserted",
                         "subject":"%s","time":"2026-03-01T10:00:00Z","data":{"id":"%s",%s}}"""
                        .formatted(unique("e"), lead, lead, fields)).post("/api/v1/events").then().statusCode(202);
                await().atMost(Duration.ofSeconds(30)).until(() -> Db.count(em,
                        "select count(*) from lead_scores where lead_id = ?1", lead) == before + 1);
            }

            List<JsonNode> messages = new ArrayList<>();
            await().atMost(Duration.ofSeconds(30)).pollInSameThread().until(() -> {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    if (lead.equals(r.key())) {
                        messages.add(json.readTree(r.value()));
                    }
                }
                return messages.size() >= 2;
            });
            assertEquals(2, messages.size());
            JsonNode first = messages.get(0);
            JsonNode second = messages.get(1);
            assertEquals("dev.closer.lead.score.changed", second.path("type").asText());
            assertEquals("event", second.path("cause").asText());
            assertTrue(first.path("previousScore").isNull(), first.toString());
            assertEquals(first.path("score").asInt(), second.path("previousScore").asInt());
            assertEquals(Db.count(em, "select score from lead_scores where lead_id = ?1 order by id desc limit 1",
                    lead), second.path("score").asLong());
            // The outbox rows go when the publisher's transaction commits, just after Kafka has acknowledged the
            // records; a fast consumer can see them a moment earlier.
            await().atMost(Duration.ofSeconds(10)).until(() -> Db.count(em,
                    "select count(*) from score_outbox where lead_id = ?1", lead) == 0);
        }
    }
}
