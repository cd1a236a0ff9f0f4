package dev.closer.ingest.webhook;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.closer.ingest.CrmEvent;
import dev.closer.ingest.EventReader;
import dev.closer.ingest.EventTypes;
import dev.closer.ingest.data.DeletedData;
import dev.closer.ingest.data.PatchData;
import jakarta.validation.Validation;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.hibernate.validator.messageinterpolation.ParameterMessageInterpolator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * HubSpot, Salesforce and Pipedrive webhooks: signatures against vectors openssl computes (not the code under
 * test), the payload shapes of each CRM's documentation mapped to Closer's patches and deletions, and ids that stay
 * the same when the CRM retries.
 */
class CrmWebhooksTest {

    private static final String SECRET = "hubspot-client-secret-0123";
    private static final Duration TOLERANCE = Duration.ofMinutes(5);

    private final EventReader reader = new EventReader(Validation.byDefaultProvider().configure()
            .messageInterpolator(new ParameterMessageInterpolator()).buildValidatorFactory().getValidator());

    @TempDir
    Path dir;

    /** openssl over the given bytes: {@code args} after "dgst -sha256"; returns stdout. */
    private byte[] openssl(byte[] input, String... args) throws IOException, InterruptedException {
        Path file = dir.resolve("in");
        Files.write(file, input);
        List<String> command = new java.util.ArrayList<>(List.of("openssl", "dgst", "-sha256"));
        command.addAll(List.of(args));
        command.add(file.toString());
        Process p = new ProcessBuilder(command).start();
        byte[] out = p.getInputStream().readAllBytes();
        assertEquals(0, p.waitFor(), new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
        return out;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static final String URI = "https://closer.example.com/api/v1/webhooks/hubspot";
    private static final String EVENTS = """
            [{"eventId":100,"subscriptionId":1234,"portalId":62515,"appId":98765,"occurredAt":1790000000000,
              "subscriptionType":"contact.propertyChange","attemptNumber":0,"objectId":123,
              "propertyName":"firstname","propertyValue":"Ada","changeSource":"CRM"},
             {"eventId":101,"subscriptionId":1235,"portalId":62515,"appId":98765,"occurredAt":1790000001000,
              "subscriptionType":"contact.propertyChange","attemptNumber":0,"objectId":123,
              "propertyName":"favourite_colour","propertyValue":"teal","changeSource":"CRM"},
             {"eventId":102,"subscriptionId":1236,"portalId":62515,"appId":98765,"occurredAt":1790000002000,
              "subscriptionType":"deal.propertyChange","attemptNumber":0,"objectId":77,
              "propertyName":"dealstage","propertyValue":"closedwon","changeSource":"CRM"},
             {"eventId":103,"subscriptionId":1237,"portalId":62515,"appId":98765,"occurredAt":1790000003000,
              "subscriptionType":"company.deletion","attemptNumber":0,"objectId":9},
             {"eventId":104,"subscriptionId":1238,"portalId":62515,"appId":98765,"occurredAt":1790000004000,
              "subscriptionType":"contact.merge","attemptNumber":0,"objectId":123,"primaryObjectId":123,
              "mergedObjectIds":[456],"newObjectId":123},
             {"eventId":105,"subscriptionId":1239,"portalId":62515,"appId":98765,"occurredAt":1790000005000,
              "subscriptionType":"ticket.creation","attemptNumber":0,"objectId":5},
             {"eventId":106,"subscriptionId":1240,"portalId":62515,"appId":98765,"occurredAt":1790000006000,
              "subscriptionType":"contact.associationChange","attemptNumber":0,"objectId":123}]""";

    @Test
    void hubspotV3IsBase64HmacOfMethodUriBodyAndTimestamp() throws Exception {
        byte[] body = bytes(EVENTS);
        String timestamp = "1790000000000";
        String signed = "POST" + URI + EVENTS + timestamp;
        String v3 = Base64.getEncoder().encodeToString(openssl(bytes(signed), "-hmac", SECRET, "-binary"));
        Instant now = Instant.ofEpochMilli(1_790_000_060_000L);
        assertDoesNotThrow(() -> HubSpotWebhooks.verify(SECRET, new HubSpotWebhooks.Signed("POST", URI, body, v3,
                timestamp, null, null), now, TOLERANCE, false));
        WebhookRejection bad = assertThrows(WebhookRejection.class, () -> HubSpotWebhooks.verify(SECRET,
                new HubSpotWebhooks.Signed("POST", URI + "?x=1", body, v3, timestamp, null, null), now, TOLERANCE,
                false));
        assertEquals("bad_signature", bad.reason());
        assertEquals(401, bad.status());
        assertEquals("stale_timestamp", assertThrows(WebhookRejection.class, () -> HubSpotWebhooks.verify(SECRET,
                new HubSpotWebhooks.Signed("POST", URI, body, v3, timestamp, null, null),
                now.plus(Duration.ofMinutes(6)), TOLERANCE, false)).reason());
        assertEquals("malformed_signature", assertThrows(WebhookRejection.class, () -> HubSpotWebhooks.verify(SECRET,
                new HubSpotWebhooks.Signed("POST", URI, body, v3, "yesterday", null, null), now, TOLERANCE,
                false)).reason());
    }

    @Test
    void hubspotV1AndV2AreHexSha256OfSecretAndRequest() throws Exception {
        byte[] body = bytes(EVENTS);
        String v1 = new String(openssl(bytes(SECRET + EVENTS), "-hex", "-r"), StandardCharsets.US_ASCII)
                .split(" ")[0];
        String v2 = new String(openssl(bytes(SECRET + "POST" + URI + EVENTS), "-hex", "-r"),
                StandardCharsets.US_ASCII).split(" ")[0];
        Instant now = Instant.now();
        assertDoesNotThrow(() -> HubSpotWebhooks.verify(SECRET, new HubSpotWebhooks.Signed("POST", URI, body, null,
                null, v1, "v1"), now, TOLERANCE, true));
        assertDoesNotThrow(() -> HubSpotWebhooks.verify(SECRET, new HubSpotWebhooks.Signed("POST", URI, body, null,
                null, v2, "v2"), now, TOLERANCE, true));
        assertEquals("bad_signature", assertThrows(WebhookRejection.class, () -> HubSpotWebhooks.verify(SECRET,
                new HubSpotWebhooks.Signed("POST", URI, body, null, null, v1, "v2"), now, TOLERANCE, true)).reason());
        assertEquals("legacy_signature", assertThrows(WebhookRejection.class, () -> HubSpotWebhooks.verify(SECRET,
                new HubSpotWebhooks.Signed("POST", URI, body, null, null, v1, "v1"), now, TOLERANCE, false))
                .reason());
        assertEquals("missing_signature", assertThrows(WebhookRejection.class, () -> HubSpotWebhooks.verify(SECRET,
                new HubSpotWebhooks.Signed("POST", URI, body, null, null, null, null), now, TOLERANCE, true))
                .reason());
    }

    @Test
    void hubspotEventsBecomePatchesAndDeletions() {
        CrmMapping mapping = CrmMapping.of("hubspot", "hs-", Map.of(), Map.of());
        CrmEvents events = new CrmEvents(reader, "hubspot");
        CrmEvents.Mapped mapped = HubSpotWebhooks.events(bytes(EVENTS), mapping, events);
        assertEquals(2, mapped.ignored(), "a ticket and an association change");
        List<CrmEvent> out = mapped.events();
        assertEquals(6, out.size());

        assertEquals(EventTypes.LEAD_PATCHED, out.get(0).type());
        assertEquals("hs-123", out.get(0).subject());
        assertEquals(Map.of("firstName", "Ada"), out.get(0).data(PatchData.class).fields());
        assertEquals("2026-09-21T14:13:20Z", out.get(0).time().toInstant().toString());
        assertEquals(Map.of("favourite_colour", "teal"), out.get(1).data(PatchData.class).attributes(),
                "a custom property is kept under its own name");
        assertEquals(EventTypes.DEAL_PATCHED, out.get(2).type());
        assertEquals(Map.of("stage", "closed_won"), out.get(2).data(PatchData.class).fields());
        assertEquals(EventTypes.ACCOUNT_DELETED, out.get(3).type());
        assertEquals("hs-9", out.get(3).data(DeletedData.class).id());
        assertEquals(EventTypes.LEAD_DELETED, out.get(4).type());
        assertEquals("hs-456", out.get(4).subject());
        assertEquals("hs-123", out.get(4).data(DeletedData.class).mergedInto());
        assertEquals(EventTypes.LEAD_PATCHED, out.get(5).type());
        assertEquals("hs-123", out.get(5).subject());

        // HubSpot retries with a higher attemptNumber: the same event ids
        List<CrmEvent> retried = HubSpotWebhooks.events(bytes(EVENTS.replace("\"attemptNumber\":0",
                "\"attemptNumber\":3")), mapping, events).events();
        assertEquals(out.stream().map(CrmEvent::id).toList(), retried.stream().map(CrmEvent::id).toList());
        assertEquals(out.size(), out.stream().map(CrmEvent::id).distinct().count());
    }

    @Test
    void aValueCloserCannotTakeIsKeptAsACustomPropertyAndBadBodiesAre400() {
        CrmMapping mapping = CrmMapping.of("hubspot", "hs-", Map.of(), Map.of());
        CrmEvents events = new CrmEvents(reader, "hubspot");
        CrmEvent e = HubSpotWebhooks.events(bytes("""
                [{"eventId":1,"portalId":1,"occurredAt":1790000000000,"subscriptionType":"contact.propertyChange",
                  "objectId":5,"propertyName":"email","propertyValue":"not an email"},
                 {"eventId":2,"portalId":1,"occurredAt":1790000000000,"subscriptionType":"deal.propertyChange",
                  "objectId":6,"propertyName":"dealstage","propertyValue":"custom-stage-17"}]"""), mapping, events)
                .events().get(0);
        assertEquals(Map.of(), e.data(PatchData.class).fields());
        assertEquals(Map.of("email", "not an email"), e.data(PatchData.class).attributes());
        for (String body : List.of("{}", "[]", "nope", "[{\"subscriptionType\":\"contact.creation\"}]")) {
            WebhookRejection r = assertThrows(WebhookRejection.class,
                    () -> HubSpotWebhooks.events(bytes(body), mapping, events), body);
            assertEquals(400, r.status());
        }
    }

    @Test
    void mappingOverridesDropsAndTranslates() {
        CrmMapping mapping = CrmMapping.of("hubspot", "hs-",
                Map.of("contact", Map.of("jobtitle", "-", "seniority_level", "seniority")),
                Map.of("seniority", Map.of("Vice President", "vp")));
        CrmMapping.Change change = mapping.map("contact", "1", Map.of("jobtitle", "CTO", "seniority_level",
                "Vice President", "associatedcompanyid", "42", "createdate", "1790000000000", "lastname", ""));
        assertEquals("vp", change.fields().get("seniority"));
        assertEquals("hs-42", change.fields().get("accountId"), "references get the id prefix");
        assertEquals("2026-09-21T14:13:20Z", change.fields().get("createdAt"));
        assertTrue(change.fields().containsKey("lastName"));
        assertNull(change.fields().get("lastName"), "an emptied property clears the field");
        assertTrue(!change.fields().containsKey("title") && !change.attributes().containsKey("jobtitle"));
        assertThrows(IllegalArgumentException.class, () -> CrmMapping.of("hubspot", "", Map.of("ticket",
                Map.of("a", "b")), Map.of()));
    }

    private static final String SOAP = """
            <?xml version="1.0" encoding="UTF-8"?>
            <soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"
                xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
             <soapenv:Body>
              <notifications xmlns="http://soap.sforce.com/2005/09/outbound">
               <OrganizationId>00D000000000062EAA</OrganizationId>
               <ActionId>04k000000000001AAA</ActionId>
               <SessionId xsi:nil="true"/>
               <EnterpriseUrl>https://example.my.salesforce.com/services/Soap/c/60.0/00D000000000062</EnterpriseUrl>
               <PartnerUrl>https://example.my.salesforce.com/services/Soap/u/60.0/00D000000000062</PartnerUrl>
               <Notification>
                <Id>04l000000000001AAA</Id>
                <sObject xsi:type="sf:Lead" xmlns:sf="urn:sobject.enterprise.soap.sforce.com">
                 <sf:Id>00Q000000000001AAA</sf:Id>
                 <sf:Email>grace@example.com</sf:Email>
                 <sf:LastName>Hopper</sf:LastName>
                 <sf:Status>Closed - Converted</sf:Status>
                 <sf:Title xsi:nil="true"/>
                 <sf:Rating__c>Hot</sf:Rating__c>
                 <sf:LastModifiedDate>2026-03-01T10:00:00.000Z</sf:LastModifiedDate>
                </sObject>
               </Notification>
               <Notification>
                <Id>04l000000000002AAA</Id>
                <sObject xsi:type="sf:Opportunity" xmlns:sf="urn:sobject.enterprise.soap.sforce.com">
                 <sf:Id>006000000000001AAA</sf:Id>
                 <sf:Name>Big deal</sf:Name>
                 <sf:StageName>Negotiation/Review</sf:StageName>
                 <sf:Amount>125000.0</sf:Amount>
                 <sf:AccountId>001000000000001AAA</sf:AccountId>
                 <sf:CloseDate>2026-04-30</sf:CloseDate>
                </sObject>
               </Notification>
               <Notification>
                <Id>04l000000000003AAA</Id>
                <sObject xsi:type="sf:Case" xmlns:sf="urn:sobject.enterprise.soap.sforce.com">
                 <sf:Id>500000000000001AAA</sf:Id>
                </sObject>
               </Notification>
              </notifications>
             </soapenv:Body>
            </soapenv:Envelope>""";

    @Test
    void salesforceNotificationsBecomePatchesFromAllowedOrganizationsOnly() {
        SalesforceOutboundMessages.Message message = SalesforceOutboundMessages.parse(bytes(SOAP));
        assertEquals("00D000000000062EAA", message.organizationId());
        assertEquals(3, message.notifications().size());
        assertDoesNotThrow(() -> SalesforceOutboundMessages.checkOrganization(message, Set.of("00D000000000062")));
        assertEquals("unknown_organization", assertThrows(WebhookRejection.class,
                () -> SalesforceOutboundMessages.checkOrganization(message, Set.of("00D000000000099"))).reason());

        CrmMapping mapping = CrmMapping.of("salesforce", "sf-", Map.of(), Map.of());
        CrmEvents.Mapped mapped = SalesforceOutboundMessages.events(message, mapping,
                new CrmEvents(reader, "salesforce"));
        assertEquals(1, mapped.ignored(), "a Case");
        CrmEvent lead = mapped.events().get(0);
        assertEquals("sf-00Q000000000001AAA", lead.subject());
        assertEquals("salesforce:00D000000000062EAA:04l000000000001AAA", lead.id());
        PatchData leadPatch = lead.data(PatchData.class);
        assertEquals("grace@example.com", leadPatch.fields().get("email"));
        assertEquals("converted", leadPatch.fields().get("status"));
        assertTrue(leadPatch.fields().containsKey("title") && leadPatch.fields().get("title") == null,
                "xsi:nil clears the field");
        assertEquals(Map.of("Rating__c", "Hot"), leadPatch.attributes());
        assertEquals("2026-03-01T10:00Z", lead.time().toString());
        PatchData deal = mapped.events().get(1).data(PatchData.class);
        assertEquals("negotiation", deal.fields().get("stage"));
        assertEquals("sf-001000000000001AAA", deal.fields().get("accountId"));
        assertEquals("2026-04-30T00:00Z", deal.fields().get("closedAt"));
    }

    @Test
    void salesforceRefusesExternalEntitiesAndNonMessages() {
        String xxe = """
                <?xml version="1.0"?>
                <!DOCTYPE foo [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
                <notifications><OrganizationId>&xxe;</OrganizationId></notifications>""";
        assertEquals(400, assertThrows(WebhookRejection.class,
                () -> SalesforceOutboundMessages.parse(bytes(xxe))).status());
        assertEquals(400, assertThrows(WebhookRejection.class,
                () -> SalesforceOutboundMessages.parse(bytes("<a/>"))).status());
        assertEquals(400, assertThrows(WebhookRejection.class,
                () -> SalesforceOutboundMessages.parse(bytes("{\"json\":true}"))).status());
    }

    private static final String PIPEDRIVE_CHANGE = """
            {"meta":{"action":"change","entity":"person","entity_id":"3","id":"7f1c","version":"2.0",
                     "company_id":"12882925","user_id":"18487521","timestamp":"2026-03-01T10:00:00.000Z",
                     "attempt":1,"webhook_id":"99","host":"company.pipedrive.com","change_source":"app"},
             "data":{"id":3,"first_name":"Katherine","last_name":"Johnson","org_id":2,"owner_id":18487521,
                     "emails":[{"label":"work","value":"kj@example.com","primary":true},
                               {"label":"home","value":"kj@home.example","primary":false}],
                     "add_time":"2026-02-01T09:00:00Z",
                     "custom_fields":{"a1b2c3":{"type":"varchar","value":"Orbital"},"d4e5":null}},
             "previous":{"first_name":"Kate"}}""";

    @Test
    void pipedriveChangesDeletesAndMergesWithBasicCredentials() {
        String basic = "Basic " + Base64.getEncoder().encodeToString(bytes("pd-user:pd-pass"));
        assertDoesNotThrow(() -> PipedriveWebhooks.verify(basic, "pd-user", "pd-pass"));
        assertEquals("bad_signature", assertThrows(WebhookRejection.class,
                () -> PipedriveWebhooks.verify(basic, "pd-user", "other")).reason());
        assertEquals("missing_signature", assertThrows(WebhookRejection.class,
                () -> PipedriveWebhooks.verify(null, "pd-user", "pd-pass")).reason());

        CrmMapping mapping = CrmMapping.of("pipedrive", "pd-", Map.of(), Map.of());
        CrmEvents events = new CrmEvents(reader, "pipedrive");
        CrmEvent change = PipedriveWebhooks.events(bytes(PIPEDRIVE_CHANGE), mapping, events).events().get(0);
        assertEquals(EventTypes.LEAD_PATCHED, change.type());
        PatchData patch = change.data(PatchData.class);
        assertEquals("pd-3", patch.id());
        assertEquals("kj@example.com", patch.fields().get("email"), "the primary email");
        assertEquals("pd-2", patch.fields().get("accountId"));
        assertEquals("Orbital", patch.attributes().get("a1b2c3"), "custom fields are kept");
        String retry = PIPEDRIVE_CHANGE.replace("\"attempt\":1", "\"attempt\":2");
        assertEquals(change.id(), PipedriveWebhooks.events(bytes(retry), mapping, events).events().get(0).id());
        assertNotEquals(change.id(), PipedriveWebhooks.events(bytes(PIPEDRIVE_CHANGE.replace("Katherine", "Kat")),
                mapping, events).events().get(0).id());

        CrmEvent deleted = PipedriveWebhooks.events(bytes("""
                {"meta":{"action":"delete","entity":"person","entity_id":"4","merged_to_id":"3",
                         "timestamp":1790000000,"version":"2.0"},"data":null,"previous":{"id":4}}"""),
                mapping, events).events().get(0);
        assertEquals(EventTypes.LEAD_DELETED, deleted.type());
        assertEquals("pd-3", deleted.data(DeletedData.class).mergedInto());

        CrmEvent won = PipedriveWebhooks.events(bytes("""
                {"meta":{"action":"change","entity":"deal","entity_id":"1","timestamp":1790000000},
                 "data":{"id":1,"title":"test deal","value":2,"currency":"USD","status":"won","stage_id":5,
                         "person_id":3,"org_id":2,"owner_id":18487521}}"""), mapping, events).events().get(0);
        PatchData deal = won.data(PatchData.class);
        assertEquals("closed_won", deal.fields().get("stage"));
        assertEquals("pd-3", deal.fields().get("leadId"));
        assertEquals("test deal", deal.fields().get("name"));

        assertEquals(1, PipedriveWebhooks.events(bytes("""
                {"meta":{"action":"create","entity":"project","entity_id":"8","timestamp":1790000000},
                 "data":{"id":8}}"""), mapping, events).ignored());
        assertEquals(400, assertThrows(WebhookRejection.class, () -> PipedriveWebhooks.events(bytes(
                "{\"v\":1,\"current\":{}}"), mapping, events)).status(), "a v1 webhook");
    }
}
