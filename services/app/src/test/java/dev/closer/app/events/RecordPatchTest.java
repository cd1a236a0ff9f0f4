package dev.closer.app.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.closer.ingest.CrmEvent;
import dev.closer.ingest.EventTypes;
import dev.closer.ingest.data.PatchData;
import io.cloudevents.core.builder.CloudEventBuilder;
import java.net.URI;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The per-field rule: the newest change of each field wins, whatever order the changes arrive in. */
class RecordPatchTest {

    private static final OffsetDateTime T0 = OffsetDateTime.parse("2026-03-01T10:00:00Z");

    private static CrmEvent patch(int seconds, Map<String, Object> fields, Map<String, Object> attributes) {
        return new CrmEvent(CloudEventBuilder.v1().withId("p" + seconds).withSource(URI.create("test"))
                .withType(EventTypes.LEAD_PATCHED).withSubject("lead-1").withTime(T0.plusSeconds(seconds)).build(),
                new PatchData("lead-1", fields, attributes));
    }

    @Test
    void theNewestChangeOfEachFieldWinsWhateverTheOrder() {
        List<CrmEvent> patches = List.of(patch(3, Map.of("firstName", "Ada"), Map.of("colour", "teal")),
                patch(1, Map.of("firstName", "Augusta", "lastName", "King"), Map.of("colour", "red")),
                patch(2, Map.of("lastName", "Lovelace"), Map.of()));
        RecordPatch inOrder = new RecordPatch(Map.of("id", "lead-1"), Map.of(), Map.of(), null, null, null);
        inOrder.applyAll(patches);
        RecordPatch reversed = new RecordPatch(Map.of("id", "lead-1"), Map.of(), Map.of(), null, null, null);
        reversed.applyAll(List.of(patches.get(2), patches.get(1), patches.get(0)));
        for (RecordPatch r : List.of(inOrder, reversed)) {
            assertEquals("Ada", r.data().get("firstName"));
            assertEquals("Lovelace", r.data().get("lastName"));
            assertEquals(Map.of("colour", "teal"), r.data().get("attributes"));
            assertEquals(T0.plusSeconds(3), r.eventTime());
        }
    }

    @Test
    void aChangeOlderThanTheStoredFieldOrTheLastFullUpsertIsIgnored() {
        RecordPatch r = new RecordPatch(Map.of("id", "lead-1", "firstName", "Ada", "title", "CTO"), Map.of(),
                Map.of("firstName", T0.plusSeconds(5)), T0.plusSeconds(2), T0.plusSeconds(5), null);
        r.applyAll(List.of(patch(4, Map.of("firstName", "Augusta"), Map.of()),
                patch(1, Map.of("title", "Intern"), Map.of())));
        assertFalse(r.changed());
        assertEquals("Ada", r.data().get("firstName"));
        assertEquals("CTO", r.data().get("title"));
    }

    @Test
    void aChangeAfterTheDeletionRestoresTheRecord() {
        RecordPatch older = new RecordPatch(Map.of("id", "lead-1"), Map.of(), Map.of(), null, T0.plusSeconds(5),
                T0.plusSeconds(5));
        older.applyAll(List.of(patch(4, Map.of("title", "CTO"), Map.of())));
        assertEquals(T0.plusSeconds(5), older.deletedAt());
        RecordPatch newer = new RecordPatch(Map.of("id", "lead-1"), Map.of(), Map.of(), null, T0.plusSeconds(5),
                T0.plusSeconds(5));
        newer.applyAll(List.of(patch(6, Map.of("title", "CTO"), Map.of())));
        assertNull(newer.deletedAt());
    }
}
