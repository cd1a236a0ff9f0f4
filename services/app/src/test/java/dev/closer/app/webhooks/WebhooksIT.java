package dev.closer.app.webhooks;

import static dev.closer.app.support.Api.unique;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.closer.app.support.Db;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * The generic signed webhook: signatures made by openssl (not by the code under test), every refusal with its
 * status and problem, and a redelivery that stores nothing twice.
 */
@QuarkusTest
class WebhooksIT {

    private static final String SECRET = "whsec_test_0123456789abcdef";
    private static final String URL = "/api/v1/webhooks/test-crm";

    @Inject
    EntityManager em;

    private static String openssl(long t, byte[] body) throws Exception {
        Path file = Files.createTempFile("signed", ".bin");
        try {
            Files.write(file, (t + ".").getBytes(StandardCharsets.US_ASCII));
            Files.write(file, body, java.nio.file.StandardOpenOption.APPEND);
            Process p = new ProcessBuilder("openssl", "dgst", "-sha256", "-hmac", SECRET, "-hex", file.toString())
                    .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            assertEquals(0, p.waitFor(), out);
            return "t=" + t + ",v1=" + out.substring(out.lastIndexOf(' ') + 1);
        } finally {
            Files.deleteIfExists(file);
        }
    }

    private static byte[] lead(String eventId, String leadId) {
        return """
                {"specversion":"1.0","id":"%s","source":"zapier/test","type":"closer.lead.upserted","subject":"%s",
                 "time":"2026-03-01T10:00:00Z","data":{"id":"%s","email":"ada@example.com","websiteVisits":3}}"""
                .formatted(eventId, leadId, leadId).getBytes(StandardCharsets.UTF_8);
    }

    private static io.restassured.response.ValidatableResponse post(String url, String signature, byte[] body) {
        var request = given().contentType("application/json").body(body);
        if (signature != null) {
            request = request.header("X-Closer-Signature", signature);
        }
        return request.post(url).then();
    }

    @Test
    void aSignedWebhookIsStoredOnceEvenWhenTheCrmRetriesIt() throws Exception {
        String leadId = unique("wh-lead");
        byte[] body = lead(unique("wh-evt"), leadId);
        String signature = openssl(Instant.now().getEpochSecond(), body);
        post(URL, signature, body).statusCode(202).body("accepted", equalTo(1));
        post(URL, signature, body).statusCode(202); // the CRM did not hear our 202 and sends it again
        await().atMost(Duration.ofSeconds(30)).until(() -> Db.count(em, "select count(*) from leads where id = ?1",
                leadId) == 1);
        await().atMost(Duration.ofSeconds(30)).until(() -> Db.count(em,
                "select count(*) from ingested_events where source = 'zapier/test' and subject = ?1", leadId) == 1);
        Thread.sleep(1500); // the redelivered copy has been consumed by now: still one event
        assertEquals(1, Db.count(em, "select count(*) from ingested_events where subject = ?1", leadId));
    }

    @Test
    void everyBadRequestGetsItsOwnStatusAndSaysWhatWasWrong() throws Exception {
        byte[] body = lead(unique("wh-evt"), unique("wh-lead"));
        long now = Instant.now().getEpochSecond();
        post(URL, null, body).statusCode(401).contentType("application/problem+json")
                .body("detail", equalTo("No X-Closer-Signature header"));
        post(URL, openssl(now, "another body".getBytes(StandardCharsets.UTF_8)), body).statusCode(401)
                .body("detail", startsWith("X-Closer-Signature does not match the body"));
        post(URL, openssl(now - 600, body), body).statusCode(401)
                .body("detail", containsString("more than 300 s either way is refused"));
        post("/api/v1/webhooks/nobody", openssl(now, body), body).statusCode(404)
                .contentType("application/problem+json").body("detail", startsWith("No webhook source 'nobody'"));
        byte[] big = new byte[70 * 1024];
        java.util.Arrays.fill(big, (byte) ' ');
        post(URL, openssl(now, big), big).statusCode(413).body("detail", containsString("at most 65536"));
        byte[] notJson = "{\"id\": ".getBytes(StandardCharsets.UTF_8);
        post(URL, openssl(now, notJson), notJson).statusCode(400).contentType("application/problem+json");
        byte[] noType = "{\"specversion\":\"1.0\",\"id\":\"x\",\"source\":\"s\"}".getBytes(StandardCharsets.UTF_8);
        post(URL, openssl(now, noType), noType).statusCode(400).body("status", equalTo(400));
    }
}
