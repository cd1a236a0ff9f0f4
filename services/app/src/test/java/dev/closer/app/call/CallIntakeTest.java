package dev.closer.app.call;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.ws.rs.BadRequestException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The speaker-role map of WebVTT and segment uploads, and the tracker input checks. */
class CallIntakeTest {

    private final CallIntake intake = new CallIntake();

    {
        intake.json = new ObjectMapper();
    }

    @Test
    void shouldReadRolesAsPairsOrAsAJsonObject() {
        assertEquals(Map.of("Sam Reed", "rep", "Dana W.", "prospect"),
                intake.roles(" Sam Reed:rep , Dana W.:prospect"));
        assertEquals(Map.of("Ops: Lee", "other"), intake.roles("Ops: Lee:other"), "the last colon splits");
        assertEquals(Map.of("Sam, Jr.", "rep"), intake.roles("{\"Sam, Jr.\": \"rep\"}"));
        assertNull(intake.roles(" "));
        BadRequestException e = assertThrows(BadRequestException.class, () -> intake.roles("Sam"));
        assertTrue(e.getMessage().contains("\"Sam\" is not Name:role"), e.getMessage());
        assertThrows(BadRequestException.class, () -> intake.roles("{\"Sam\": "));
    }

    @Test
    void shouldCheckTrackersBeforeStoringThem() {
        CallTrackers.Input ok = CallTrackers.check(new CallTrackers.Input(" security ", "semantic", null,
                List.of("Do you have SOC 2?", " ", "Do you have SOC 2?"), null, null));
        assertEquals("security", ok.name());
        assertEquals(List.of("Do you have SOC 2?"), ok.examples());
        assertEquals(0.70, ok.threshold(), 1e-9);
        assertTrue(ok.active());
        BadRequestException e = assertThrows(BadRequestException.class, () -> CallTrackers.check(
                new CallTrackers.Input("", "regex", List.of("x"), null, 1.5, true)));
        assertTrue(e.getMessage().contains("name is required"), e.getMessage());
        assertTrue(e.getMessage().contains("kind must be keyword or semantic"), e.getMessage());
        assertTrue(e.getMessage().contains("threshold must be in (0, 1]"), e.getMessage());
        assertThrows(BadRequestException.class, () -> CallTrackers.check(
                new CallTrackers.Input("pricing", "keyword", List.of(" "), null, null, null)));
    }
}
