package dev.closer.inference.tabular;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.closer.inference.InferenceException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The activity-sequence rules of features.json, on values worked out by hand. */
class SequenceEncoderTest {

    private static final double MEAN = 2.0;
    private static final double STD = 0.5;

    private static FeatureSpec spec(int maxLength) {
        return new FeatureSpec("t", "v1", null, null, new FeatureSpec.Inputs("cat", "num"), "probability",
                List.of(), List.of(new FeatureSpec.Numeric("visits", "identity", 0, 0, 1)), null,
                new FeatureSpec.Sequence("activities", "asOf", new FeatureSpec.SequenceInputs("seq_tokens", "seq_time"),
                        maxLength, Map.of("page_view", "page"),
                        List.of("page_view:pricing", "page_view", "email_opened"),
                        new FeatureSpec.SequenceTime("log1p_hours", MEAN, STD), Map.of()), null);
    }

    private static Map<String, Object> activity(String type, String at, Map<String, Object> properties) {
        return properties == null ? Map.of("type", type, "occurredAt", at)
                : Map.of("type", type, "occurredAt", at, "properties", properties);
    }

    private static float time(double hours) {
        return (float) ((Math.log1p(hours) - MEAN) / STD);
    }

    @Test
    void shouldRightAlignTheNewestEventsWithTokensFromTypeAndDetail() {
        TabularEncoder encoder = new TabularEncoder(spec(5));
        Map<String, Object> record = Map.of("asOf", "2026-05-02T12:00:00Z", "activities", List.of(
                activity("email_opened", "2026-05-02T10:00:00Z", null),                       // 2 h
                activity("Page_View", "2026-05-01T12:00:00Z", Map.of("page", " Pricing ")),  // 24 h
                activity("page_view", "2026-05-02T12:30:00Z", Map.of("page", "pricing")),    // after asOf: dropped
                activity("page_view", "2026-05-02T13:00:00+02:00", Map.of("page", "careers")), // 1 h, unseen page
                activity("webinar", "2026-05-02T11:59:59.5Z", null)));                      // 0.5 s, unknown
        TabularEncoder.Batch batch = encoder.encode(List.of(record));
        assertEquals(5, batch.sequenceLength());
        // oldest first: page_view:pricing (24 h), email_opened (2 h), page_view careers→page_view (1 h), webinar
        assertArrayEquals(new long[] {0, 2, 4, 3, 1}, batch.tokens());
        assertArrayEquals(new float[] {0f, time(24), time(2), time(1), time(0.5 / 3600)}, batch.times(), 0f);
    }

    @Test
    void shouldKeepOnlyTheNewestMaxLengthEventsAndKeepTiesInTheirOrder() {
        TabularEncoder encoder = new TabularEncoder(spec(2));
        Map<String, Object> record = Map.of("asOf", Instant.parse("2026-05-02T00:00:00Z"), "activities", List.of(
                activity("page_view", "2026-05-01T00:00:00Z", null),
                activity("email_opened", "2026-05-01T12:00:00Z", null),
                activity("page_view", "2026-05-01T12:00:00Z", Map.of("page", "pricing"))));
        TabularEncoder.Batch batch = encoder.encode(List.of(record));
        assertArrayEquals(new long[] {4, 2}, batch.tokens());
        assertArrayEquals(new float[] {time(12), time(12)}, batch.times(), 0f);
    }

    @Test
    void shouldPadARecordWithoutActivitiesEntirely() {
        TabularEncoder encoder = new TabularEncoder(spec(3));
        TabularEncoder.Batch batch = encoder.encode(List.of(Map.of("asOf", "2026-05-02T00:00:00Z"),
                Map.of("asOf", "2026-05-02T00:00:00Z", "activities", List.of())));
        assertArrayEquals(new long[6], batch.tokens());
        assertArrayEquals(new float[6], batch.times(), 0f);
    }

    @Test
    void shouldLeaveOutOneKindOfActivityAndRepackTheRest() {
        TabularEncoder encoder = new TabularEncoder(spec(2));
        List<TabularEncoder.Event> events = encoder.events(Map.of("asOf", "2026-05-02T00:00:00Z", "activities",
                List.of(activity("email_opened", "2026-05-01T00:00:00Z", null),
                        activity("page_view", "2026-05-01T12:00:00Z", Map.of("page", "pricing")),
                        activity("page_view", "2026-05-01T18:00:00Z", Map.of("page", "pricing")))));
        long[] tokens = new long[2];
        float[] times = new float[2];
        encoder.writeSequence(events, 2, tokens, times, 0);
        assertArrayEquals(new long[] {0, 4}, tokens);
        assertArrayEquals(new float[] {0f, time(24)}, times, 0f);
    }

    @Test
    void shouldNameTheFieldWhenATimeCannotBeRead() {
        TabularEncoder encoder = new TabularEncoder(spec(2));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> encoder.encode(List.of(
                Map.of("asOf", "2026-05-02T00:00:00Z", "activities",
                        List.of(activity("page_view", "yesterday", null))))));
        assertTrue(e.getMessage().startsWith("activities.occurredAt needs an ISO-8601 time"), e.getMessage());
    }

    @Test
    void shouldRefuseASequenceWithoutTimeStatistics() {
        FeatureSpec broken = new FeatureSpec("t", "v1", null, null, new FeatureSpec.Inputs("cat", "num"), "p",
                List.of(), List.of(), null, new FeatureSpec.Sequence("activities", "asOf",
                        new FeatureSpec.SequenceInputs("seq_tokens", "seq_time"), 4, null, List.of(), null, null),
                null);
        InferenceException e = assertThrows(InferenceException.class, () -> broken.validated("test"));
        assertEquals("Invalid features.json in test: sequence time needs transform log1p_hours, a finite mean and "
                + "std > 0;", e.getMessage());
    }
}
