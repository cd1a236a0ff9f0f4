package dev.closer.ingest.webhook;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import org.junit.jupiter.api.Test;

/** CRM times: one rule for an epoch time's unit, whether it comes as a number or as digits. */
class CrmMappingTimeTest {

    private static final Instant T = Instant.parse("2026-03-01T10:00:00Z");

    @Test
    void shouldTellEpochSecondsFromMillisecondsTheSameWayForNumbersAndDigitStrings() {
        assertEquals(T, CrmMapping.epoch(1772359200L), "seconds");
        assertEquals(T, CrmMapping.epoch(1772359200000L), "milliseconds");
        assertEquals(Instant.ofEpochSecond(100_000_000_000L), CrmMapping.epoch(100_000_000_000L));
        assertEquals(Instant.ofEpochMilli(100_000_000_001L), CrmMapping.epoch(100_000_000_001L));

        assertEquals("2026-03-01T10:00Z", CrmMapping.isoTime("1772359200"), "seconds as text, not 1970's ms");
        assertEquals("2026-03-01T10:00Z", CrmMapping.isoTime("1772359200000"), "milliseconds as text");
        assertEquals("2026-03-01T00:00Z", CrmMapping.isoTime("2026-03-01"));
        assertEquals("2026-03-01T10:00:00Z", CrmMapping.isoTime("2026-03-01 10:00:00"));
    }
}
