package dev.closer.app.webhooks;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import dev.closer.ingest.webhook.CloserSignature;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * With no Kafka broker reachable, a webhook that passed every check is answered 503 with Retry-After (so the CRM
 * sends it again later) and a problem saying nothing was accepted, instead of a 202 for events that were not kept
 * or a 500. The app runs against a port where nothing listens.
 */
@QuarkusTest
@TestProfile(KafkaDownIT.NoBroker.class)
class KafkaDownIT {

    /** Kafka at a port nothing listens on; topics are not created at start-up (there is no broker to ask). */
    public static class NoBroker implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("kafka.bootstrap.servers", "localhost:1", "closer.topics.create", "false");
        }
    }

    @Test
    void aWebhookIsRefusedWith503AndRetryAfterWhenKafkaIsAway() {
        byte[] body = """
                {"specversion":"1.0","id":"down-1","source":"zapier/test","type":"closer.lead.upserted",
                 "subject":"lead-down-1","time":"2026-03-01T10:00:00Z","data":{"id":"lead-down-1"}}"""
                .getBytes(StandardCharsets.UTF_8);
        // signed by the code under test here: WebhooksIT checks the scheme against openssl
        given().contentType("application/json")
                .header(CloserSignature.HEADER, CloserSignature.sign("whsec_test_0123456789abcdef", Instant.now(), body))
                .body(body).post("/api/v1/webhooks/test-crm").then()
                .statusCode(503).header("Retry-After", "10").contentType("application/problem+json")
                .body("status", equalTo(503)).body("detail", containsString("nothing was accepted"));
    }
}
