package dev.closer.ingest.kafka;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.closer.ingest.CrmEvent;
import dev.closer.ingest.EventReader;
import jakarta.validation.Validation;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.hibernate.validator.messageinterpolation.ParameterMessageInterpolator;
import org.junit.jupiter.api.Test;

class EventPublisherTest {

    @Test
    void shouldFailFastWithAPublishExceptionWhenNoBrokerAnswers() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        EventReader reader = new EventReader(Validation.byDefaultProvider().configure()
                .messageInterpolator(new ParameterMessageInterpolator()).buildValidatorFactory().getValidator());
        CrmEvent event = reader.readBody(("{\"specversion\":\"1.0\",\"id\":\"e1\",\"source\":\"t\","
                + "\"type\":\"closer.lead.upserted\",\"subject\":\"l1\",\"time\":\"2026-01-01T00:00:00Z\","
                + "\"data\":{\"id\":\"l1\"}}").getBytes(StandardCharsets.UTF_8)).get(0);
        Map<String, Object> config = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:" + closedPort,
                ProducerConfig.MAX_BLOCK_MS_CONFIG, 500, ProducerConfig.ACKS_CONFIG, "all");
        try (var producer = new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer())) {
            EventPublisher publisher = new EventPublisher(producer, "closer.crm-events");
            long start = System.nanoTime();
            EventPublisher.PublishException e = assertThrows(EventPublisher.PublishException.class,
                    () -> publisher.publish(List.of(event), Duration.ofSeconds(2)));
            assertTrue(Duration.ofNanos(System.nanoTime() - start).toSeconds() < 10, "failed fast");
            assertTrue(e.getMessage().startsWith("Kafka"), e.getMessage());
        }
    }
}
