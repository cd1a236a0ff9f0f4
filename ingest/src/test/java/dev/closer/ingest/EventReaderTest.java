package dev.closer.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.closer.ingest.data.LeadData;
import dev.closer.ingest.kafka.EventPublisher;
import jakarta.validation.Validation;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.hibernate.validator.messageinterpolation.ParameterMessageInterpolator;
import org.junit.jupiter.api.Test;

class EventReaderTest {

    private final EventReader reader = new EventReader(Validation.byDefaultProvider().configure()
            .messageInterpolator(new ParameterMessageInterpolator()).buildValidatorFactory().getValidator());

    private static String lead(String id, String data) {
        return """
                {"specversion":"1.0","id":"%s","source":"crm/test","type":"closer.lead.upserted",
                 "subject":"lead-1","time":"2026-01-02T03:04:05Z","datacontenttype":"application/json",
                 "data":%s}""".formatted(id, data);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void shouldReadOneEventAndBindItsData() throws Exception {
        List<CrmEvent> events = reader.readBody(bytes(lead("e1",
                "{\"id\":\"lead-1\",\"email\":\"a@b.co\",\"websiteVisits\":3,\"doNotEmail\":true,"
                        + "\"attributes\":{\"tier\":\"gold\"}}")));
        assertEquals(1, events.size());
        LeadData data = events.get(0).data(LeadData.class);
        assertEquals(3.0, data.websiteVisits());
        assertEquals(true, data.doNotEmail());
        assertEquals("gold", data.attributes().get("tier"));
        assertEquals("lead-1", events.get(0).subject());
    }

    @Test
    void shouldReadABatchAndReportEveryBadEventByIndex() {
        String body = "[" + lead("ok", "{\"id\":\"lead-1\"}") + ","
                + lead("bad", "{\"id\":\"lead-2\",\"email\":\"nope\",\"websiteVisits\":-1}") + ","
                + "{\"specversion\":\"1.0\",\"source\":\"x\",\"type\":\"closer.lead.upserted\"}]";
        EventReader.InvalidBatchException e = assertThrows(EventReader.InvalidBatchException.class,
                () -> reader.readBody(bytes(body)));
        assertEquals(2, e.problems().size());
        EventReader.Problem bad = e.problems().get(0);
        assertEquals(1, bad.index());
        assertEquals("bad", bad.id());
        assertEquals(List.of("data.email: must be a well-formed email address",
                "data.websiteVisits: must be greater than or equal to 0",
                "subject: 'lead-1' must equal data.id 'lead-2'"), bad.errors());
        assertEquals(2, e.problems().get(1).index());
        assertEquals(1, e.problems().get(1).errors().size());
    }

    @Test
    void shouldSayWhichFieldHasTheWrongType() {
        EventReader.InvalidBatchException e = assertThrows(EventReader.InvalidBatchException.class,
                () -> reader.readBody(bytes(lead("e1", "{\"id\":\"lead-1\",\"websiteVisits\":\"many\"}"))));
        assertEquals(List.of("data.websiteVisits: expected a number"), e.problems().get(0).errors());
    }

    @Test
    void shouldRejectUnknownFieldsAndPointToAttributes() {
        EventReader.InvalidBatchException e = assertThrows(EventReader.InvalidBatchException.class,
                () -> reader.readBody(bytes(lead("e1", "{\"id\":\"lead-1\",\"webVisits\":3}"))));
        assertEquals(List.of("data.webVisits: unknown field (custom properties go under data.attributes)"),
                e.problems().get(0).errors());
    }

    @Test
    void shouldRejectUnknownTypesMissingSubjectAndTime() {
        String body = "{\"specversion\":\"1.0\",\"id\":\"e1\",\"source\":\"x\",\"type\":\"closer.nope\",\"data\":{}}";
        EventReader.InvalidBatchException e = assertThrows(EventReader.InvalidBatchException.class,
                () -> reader.readBody(bytes(body)));
        assertEquals(List.of("type: unknown event type 'closer.nope'; known: closer.account.deleted, "
                        + "closer.account.patched, closer.account.upserted, closer.activity.recorded, "
                        + "closer.call.transcribed, closer.deal.deleted, closer.deal.patched, closer.deal.upserted, "
                        + "closer.email.replied, closer.email.sent, closer.lead.deleted, closer.lead.patched, "
                        + "closer.lead.upserted, closer.user.upserted",
                "subject: required (the id of the account or lead the event is about)",
                "time: required (it orders updates of the same entity)"), e.problems().get(0).errors());
    }

    @Test
    void shouldRejectBodiesThatAreNotJsonOrEmpty() {
        assertThrows(EventReader.InvalidBatchException.class, () -> reader.readBody(bytes("{nope")));
        EventReader.InvalidBatchException empty = assertThrows(EventReader.InvalidBatchException.class,
                () -> reader.readBody(bytes("[]")));
        assertEquals(List.of("batch is empty"), empty.problems().get(0).errors());
    }

    private static ConsumerRecord<String, byte[]> record(String key, byte[] value, Headers headers) {
        return new ConsumerRecord<>("t", 0, 0L, 0L, TimestampType.CREATE_TIME, -1, -1, key, value, headers,
                Optional.empty());
    }

    @Test
    void shouldReadRecordsInStructuredModeAndHeaderlessJson() throws Exception {
        CrmEvent event = reader.readBody(bytes(lead("e1", "{\"id\":\"lead-1\"}"))).get(0);
        ProducerRecord<String, byte[]> structured = EventPublisher.toRecord("t", event);
        assertEquals("lead-1", structured.key());
        assertEquals("e1", reader.read(record("lead-1", structured.value(), structured.headers())).id());
        assertEquals("e1", reader.read(record("lead-1", bytes(lead("e1", "{\"id\":\"lead-1\"}")),
                new RecordHeaders())).id());
    }

    @Test
    void shouldSayWhyARecordIsNotACloudEvent() {
        InvalidEventException garbage = assertThrows(InvalidEventException.class,
                () -> reader.read(record("k", bytes("not json {"), new RecordHeaders())));
        assertTrue(garbage.getMessage().startsWith("not a CloudEvent: the value is not JSON"), garbage.getMessage());
        InvalidEventException empty = assertThrows(InvalidEventException.class,
                () -> reader.read(record("k", null, new RecordHeaders())));
        assertEquals("not a CloudEvent: the record has no value", empty.getMessage());
    }

    @Test
    void shouldCheckEveryUtteranceOfACall() {
        String body = """
                {"specversion":"1.0","id":"c1","source":"t","type":"closer.call.transcribed","subject":"lead-1",
                 "time":"2026-01-02T03:04:05Z","data":{"id":"call-1","leadId":"lead-1",
                 "startedAt":"2026-01-02T03:00:00Z","utterances":[
                   {"speaker":"ann","role":"rep","startMs":0,"endMs":1500,"text":"Hi there?"},
                   {"speaker":"bob","role":"buyer","startMs":1400,"endMs":900,"text":"Hello"}]}}""";
        EventReader.InvalidBatchException e = assertThrows(EventReader.InvalidBatchException.class,
                () -> reader.readBody(bytes(body)));
        assertEquals(List.of("data.utterances[1].ordered: endMs must not be before startMs",
                "data.utterances[1].role: must be rep, prospect or other"), e.problems().get(0).errors());
        String empty = body.replaceAll("(?s)\\[\\s*\\{\"speaker\".*\\]", "[]");
        EventReader.InvalidBatchException none = assertThrows(EventReader.InvalidBatchException.class,
                () -> reader.readBody(bytes(empty)));
        assertEquals(List.of("data.utterances: must hold at least one utterance"), none.problems().get(0).errors());
    }

    @Test
    void shouldNameTheSubjectFieldOfEventsAboutALead() {
        String body = """
                {"specversion":"1.0","id":"e1","source":"t","type":"closer.email.sent","subject":"lead-9",
                 "time":"2026-01-02T03:04:05Z","data":{"id":"m1","leadId":"lead-1","subject":"Hi",
                 "body":"Hello","sentAt":"2026-01-02T03:04:05Z","sequenceStep":0}}""";
        EventReader.InvalidBatchException e = assertThrows(EventReader.InvalidBatchException.class,
                () -> reader.readBody(bytes(body)));
        assertEquals(List.of("data.sequenceStep: must be greater than or equal to 1",
                "subject: 'lead-9' must equal data.leadId 'lead-1'"), e.problems().get(0).errors());
    }

    private static String patch(String type, String data) {
        return """
                {"specversion":"1.0","id":"p1","source":"crm/test","type":"%s","subject":"deal-1",
                 "time":"2026-01-02T03:04:05Z","data":%s}""".formatted(type, data);
    }

    @Test
    void shouldCheckAPatchsFieldsAsTheUpsertWouldButOnlyThoseItSets() throws Exception {
        // a deal's name and stage are required in an upsert, not in a patch of its amount
        assertEquals(1, reader.readBody(bytes(patch("closer.deal.patched",
                "{\"id\":\"deal-1\",\"fields\":{\"amount\":\"1200.5\"}}"))).size());
        EventReader.InvalidBatchException e = assertThrows(EventReader.InvalidBatchException.class,
                () -> reader.readBody(bytes(patch("closer.deal.patched", "{\"id\":\"deal-1\",\"fields\":"
                        + "{\"stage\":\"won\",\"colour\":1}}"))));
        assertEquals(List.of("data.fields.colour: unknown field (custom properties go under data.attributes)"),
                e.problems().get(0).errors());
        e = assertThrows(EventReader.InvalidBatchException.class, () -> reader.readBody(bytes(patch(
                "closer.deal.patched", "{\"id\":\"deal-1\",\"fields\":{\"stage\":\"won\"}}"))));
        assertEquals(1, e.problems().get(0).errors().size());
        assertTrue(e.problems().get(0).errors().get(0).startsWith("data.fields.stage: must be prospecting"));
        e = assertThrows(EventReader.InvalidBatchException.class, () -> reader.readBody(bytes(patch(
                "closer.deal.patched", "{\"id\":\"deal-1\"}"))));
        assertEquals(List.of("data: a patch needs fields or attributes"), e.problems().get(0).errors());
        assertEquals(java.util.Map.of("email", "data.fields.email: must be a well-formed email address"),
                reader.invalidFields("closer.lead.patched", "lead-1",
                        java.util.Map.of("email", "nope", "firstName", "Ada")));
    }
}
