package dev.closer.app.webhooks;

import static dev.closer.app.support.Api.unique;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.closer.app.support.Db;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * HubSpot, Salesforce and Pipedrive webhooks through the app, Kafka and PostgreSQL: signed by openssl, mapped to
 * patches and deletions, applied in the order the CRM made them (not the order they arrived in), stored once when
 * the CRM retries, and refused with a problem when they are not the source's.
 */
@QuarkusTest
class CrmWebhooksIT {

    private static final String HUBSPOT_SECRET = "hubspot-client-secret-0123";
    private static final Duration WAIT = Duration.ofSeconds(30);

    @Inject
    EntityManager em;

    /** base64 HMAC-SHA256 of method + URI + body + timestamp, by openssl. */
    private static String hubspotV3(String body, String timestamp) throws Exception {
        Path file = Files.createTempFile("signed", ".bin");
        try {
            Files.writeString(file, "POST" + "https://closer.example.com/api/v1/webhooks/hubspot" + body + timestamp);
            Process p = new ProcessBuilder("openssl", "dgst", "-sha256", "-hmac", HUBSPOT_SECRET, "-binary",
                    file.toString()).start();
            byte[] mac = p.getInputStream().readAllBytes();
            assertEquals(0, p.waitFor());
            return Base64.getEncoder().encodeToString(mac);
        } finally {
            Files.deleteIfExists(file);
        }
    }

    private static io.restassured.response.ValidatableResponse hubspot(String body) throws Exception {
        String timestamp = Long.toString(Instant.now().toEpochMilli());
        return given().contentType("application/json").header("X-HubSpot-Signature-v3", hubspotV3(body, timestamp))
                .header("X-HubSpot-Request-Timestamp", timestamp).body(body.getBytes(StandardCharsets.UTF_8))
                .post("/api/v1/webhooks/hubspot").then();
    }

    private static String change(long eventId, String type, long objectId, long occurredAt, String property,
                                 String value, int attempt) {
        return """
                {"eventId":%d,"subscriptionId":1,"portalId":62515,"appId":98765,"occurredAt":%d,
                 "subscriptionType":"%s","attemptNumber":%d,"objectId":%d,"propertyName":%s,"propertyValue":%s}"""
                .formatted(eventId, occurredAt, type, attempt, objectId, property == null ? "null" : '"' + property
                        + '"', value == null ? "null" : '"' + value + '"');
    }

    private String text(String sql, Object... params) {
        return Db.text(em, sql, params);
    }

    @Test
    void hubspotPropertyChangesLandInTheOrderHubSpotMadeThemAndRetriesAreStoredOnce() throws Exception {
        long contact = Math.abs(unique("n").hashCode()) + 1_000_000L;
        String lead = "hubspot-" + contact;
        long t0 = Instant.now().toEpochMilli() - 60_000;
        String first = "[" + change(1, "contact.creation", contact, t0, null, null, 0) + ","
                + change(2, "contact.propertyChange", contact, t0 + 2000, "firstname", "Ada", 0) + ","
                + change(3, "contact.propertyChange", contact, t0 + 2000, "email", "ada@example.com", 0) + ","
                + change(4, "contact.propertyChange", contact, t0 + 2000, "favourite_colour", "teal", 0) + "]";
        hubspot(first).statusCode(202).body("accepted", equalTo(4));
        await().atMost(WAIT).until(() -> "Ada".equals(text("select first_name from leads where id = ?1", lead)));
        // an older change of firstname arrives late: it must not overwrite the newer one
        hubspot("[" + change(5, "contact.propertyChange", contact, t0 + 1000, "firstname", "Augusta", 0) + ","
                + change(6, "contact.propertyChange", contact, t0 + 3000, "lastname", "Lovelace", 0) + "]")
                .statusCode(202);
        await().atMost(WAIT).until(() -> "Lovelace".equals(text("select last_name from leads where id = ?1", lead)));
        assertEquals("Ada", text("select first_name from leads where id = ?1", lead));
        assertEquals("ada@example.com", text("select email from leads where id = ?1", lead));
        assertEquals("teal", text("select attributes->>'favourite_colour' from leads where id = ?1", lead));
        await().atMost(WAIT).until(() -> Db.count(em, "select count(*) from lead_scores where lead_id = ?1",
                lead) > 0);

        // HubSpot did not hear the 202 and retries with attemptNumber 1: nothing is applied twice
        hubspot(first.replace("\"attemptNumber\":0", "\"attemptNumber\":1")).statusCode(202)
                .body("accepted", equalTo(4));
        Thread.sleep(1500);
        assertEquals(6, Db.count(em, "select count(*) from ingested_events where subject = ?1", lead));

        hubspot("[" + change(7, "contact.deletion", contact, t0 + 5000, null, null, 0) + "]").statusCode(202);
        await().atMost(WAIT).until(() -> text("select deleted_at from leads where id = ?1", lead) != null);
        // a change made before the deletion does not bring it back; one made after (a restore) does
        hubspot("[" + change(8, "contact.propertyChange", contact, t0 + 4000, "jobtitle", "CTO", 0) + "]")
                .statusCode(202);
        hubspot("[" + change(9, "contact.restore", contact, t0 + 6000, null, null, 0) + "]").statusCode(202);
        await().atMost(WAIT).until(() -> text("select deleted_at from leads where id = ?1", lead) == null);
        assertEquals("CTO", text("select title from leads where id = ?1", lead));
    }

    @Test
    void hubspotDealsAndCompaniesAndBadSignatures() throws Exception {
        long deal = Math.abs(unique("d").hashCode()) + 2_000_000L;
        long t = Instant.now().toEpochMilli();
        hubspot("[" + change(11, "deal.propertyChange", deal, t, "amount", "125000", 0) + ","
                + change(12, "deal.propertyChange", deal, t, "dealstage", "contractsent", 0) + ","
                + change(13, "ticket.creation", 5, t, null, null, 0) + "]")
                .statusCode(202).body("accepted", equalTo(2)).body("ignored", equalTo(1));
        await().atMost(WAIT).until(() -> "negotiation".equals(text("select stage from deals where id = ?1",
                "hubspot-" + deal)));
        assertEquals("125000.0", text("select amount from deals where id = ?1", "hubspot-" + deal));
        assertEquals(1, Db.count(em, "select count(*) from deal_stages where deal_id = ?1", "hubspot-" + deal));

        String body = "[" + change(14, "company.creation", 9, t, null, null, 0) + "]";
        String timestamp = Long.toString(Instant.now().toEpochMilli());
        given().contentType("application/json").header("X-HubSpot-Signature-v3", hubspotV3(body + " ", timestamp))
                .header("X-HubSpot-Request-Timestamp", timestamp).body(body).post("/api/v1/webhooks/hubspot")
                .then().statusCode(401).contentType("application/problem+json")
                .body("detail", containsString("X-HubSpot-Signature-v3 does not match"));
        String old = Long.toString(Instant.now().minusSeconds(600).toEpochMilli());
        given().contentType("application/json").header("X-HubSpot-Signature-v3", hubspotV3(body, old))
                .header("X-HubSpot-Request-Timestamp", old).body(body).post("/api/v1/webhooks/hubspot")
                .then().statusCode(401).body("detail", containsString("replay protection"));
        hubspot("{\"not\":\"an array\"}").statusCode(400).contentType("application/problem+json");
    }

    private static final String SOAP = """
            <?xml version="1.0" encoding="UTF-8"?>
            <soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"
                xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
             <soapenv:Body>
              <notifications xmlns="http://soap.sforce.com/2005/09/outbound">
               <OrganizationId>%s</OrganizationId>
               <ActionId>04k000000000001AAA</ActionId>
               <Notification>
                <Id>%s</Id>
                <sObject xsi:type="sf:Lead" xmlns:sf="urn:sobject.enterprise.soap.sforce.com">
                 <sf:Id>%s</sf:Id>
                 <sf:Email>grace@example.com</sf:Email>
                 <sf:LastName>Hopper</sf:LastName>
                 <sf:Status>Working - Contacted</sf:Status>
                 <sf:Rating__c>Hot</sf:Rating__c>
                 <sf:LastModifiedDate>2026-03-01T10:00:00.000Z</sf:LastModifiedDate>
                </sObject>
               </Notification>
              </notifications>
             </soapenv:Body>
            </soapenv:Envelope>""";

    @Test
    void salesforceOutboundMessagesAreAcknowledgedOnlyForAllowedOrganizations() {
        String sfId = "00Q" + unique("").replaceAll("[^A-Za-z0-9]", "").substring(0, 12);
        String message = SOAP.formatted("00D000000000062EAA", "04l" + sfId, sfId);
        given().contentType("text/xml").body(message).post("/api/v1/webhooks/salesforce").then()
                .statusCode(200).contentType(containsString("xml")).body(containsString("<Ack>true</Ack>"));
        await().atMost(WAIT).until(() -> "Hopper".equals(text("select last_name from leads where id = ?1",
                "salesforce-" + sfId)));
        assertEquals("Hot", text("select attributes->>'Rating__c' from leads where id = ?1", "salesforce-" + sfId));
        given().contentType("text/xml").body(SOAP.formatted("00D000000000099EAA", "04lX", "00QX"))
                .post("/api/v1/webhooks/salesforce").then().statusCode(401)
                .contentType("application/problem+json").body("detail", containsString("allow-list"));
        given().contentType("text/xml").body("<nope/>").post("/api/v1/webhooks/salesforce").then()
                .statusCode(400).contentType("application/problem+json");
    }

    @Test
    void pipedriveMergesArriveAsADeleteAndAChange() {
        String basic = "Basic " + Base64.getEncoder().encodeToString("pd-user:pd-pass".getBytes(StandardCharsets.UTF_8));
        long keep = Math.abs(unique("p").hashCode()) + 3_000_000L;
        long gone = keep + 1;
        long ts = Instant.now().getEpochSecond() - 60;
        for (long person : List.of(keep, gone)) {
            given().contentType("application/json").header("Authorization", basic).body("""
                    {"meta":{"action":"create","entity":"person","entity_id":"%d","timestamp":%d,"attempt":1,
                             "version":"2.0"},
                     "data":{"id":%d,"first_name":"Katherine","last_name":"Johnson",
                             "emails":[{"value":"kj%d@example.com","primary":true}],
                             "custom_fields":{"a1b2c3":{"type":"varchar","value":"Orbital"}}}}"""
                    .formatted(person, ts, person, person)).post("/api/v1/webhooks/pipedrive").then()
                    .statusCode(202).body("accepted", equalTo(1));
        }
        given().contentType("application/json").header("Authorization", basic).body("""
                {"meta":{"action":"delete","entity":"person","entity_id":"%d","merged_to_id":"%d","timestamp":%d,
                         "version":"2.0"},"data":null}""".formatted(gone, keep, ts + 10))
                .post("/api/v1/webhooks/pipedrive").then().statusCode(202);
        await().atMost(WAIT).until(() -> ("pipedrive-" + keep).equals(text(
                "select merged_into from leads where id = ?1", "pipedrive-" + gone)));
        assertNotNull(text("select deleted_at from leads where id = ?1", "pipedrive-" + gone));
        assertNull(text("select deleted_at from leads where id = ?1", "pipedrive-" + keep));
        assertEquals("Orbital", text("select attributes->>'a1b2c3' from leads where id = ?1", "pipedrive-" + keep));

        given().contentType("application/json").header("Authorization", "Basic "
                        + Base64.getEncoder().encodeToString("pd-user:wrong".getBytes(StandardCharsets.UTF_8)))
                .body("{}").post("/api/v1/webhooks/pipedrive").then().statusCode(401)
                .contentType("application/problem+json");
    }
}
