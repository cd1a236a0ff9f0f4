package dev.closer.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.closer.ingest.data.LeadData;
import jakarta.validation.Validation;
import java.nio.charset.StandardCharsets;
import java.util.List;
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
        assertEquals(List.of("type: unknown event type 'closer.nope'; known: closer.account.upserted, "
                        + "closer.activity.recorded, closer.lead.upserted",
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
}
