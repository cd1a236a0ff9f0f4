package dev.closer.app.outbound;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ConnectException;
import java.net.http.HttpHeaders;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

/** Which answers deliver, which are retried (and when), and which make a delivery dead at once. */
class AttemptOutcomeTest {

    private static final Instant NOW = Instant.parse("2026-03-01T10:00:00Z");

    private static HttpHeaders headers(Map<String, String> values) {
        Map<String, List<String>> multi = new java.util.HashMap<>();
        values.forEach((k, v) -> multi.put(k, List.of(v)));
        return HttpHeaders.of(multi, (k, v) -> true);
    }

    private static final HttpHeaders NONE = headers(Map.of());

    @Test
    void shouldDeliverOnAny2xx() {
        for (int status : new int[] {200, 201, 204}) {
            AttemptOutcome o = AttemptOutcome.ofCrm(status, NONE, "", NOW);
            assertTrue(o.delivered());
            assertEquals(status, o.status());
        }
        assertTrue(AttemptOutcome.ofWebhook(202, NONE, NOW).delivered());
    }

    @Test
    void shouldRetryA429AfterItsRetryAfterInSecondsOrAsADate() {
        AttemptOutcome seconds = AttemptOutcome.ofCrm(429, headers(Map.of("Retry-After", "7")), "{}", NOW);
        assertFalse(seconds.delivered());
        assertFalse(seconds.permanent());
        assertEquals(Duration.ofSeconds(7), seconds.retryAfter());
        AttemptOutcome date = AttemptOutcome.ofCrm(429, headers(Map.of("Retry-After",
                "Sun, 01 Mar 2026 10:01:30 GMT")), null, NOW);
        assertEquals(Duration.ofSeconds(90), date.retryAfter());
        assertEquals(Duration.ZERO, AttemptOutcome.ofCrm(429, headers(Map.of("Retry-After",
                "Sun, 01 Mar 2026 09:00:00 GMT")), null, NOW).retryAfter(), "a past date is no wait");
        assertNull(AttemptOutcome.ofCrm(429, NONE, null, NOW).retryAfter(), "none given: the backoff");
        assertNull(AttemptOutcome.ofCrm(429, headers(Map.of("Retry-After", "soon")), null, NOW).retryAfter());
        assertEquals(Duration.ofSeconds(3),
                AttemptOutcome.ofWebhook(429, headers(Map.of("Retry-After", "3")), NOW).retryAfter());
        assertNull(AttemptOutcome.ofWebhook(503, headers(Map.of("Retry-After", "3")), NOW).retryAfter(),
                "only a 429's wait is taken");
    }

    @Test
    void shouldRetryPassingTroubleAfterTheBackoff() {
        for (int status : new int[] {408, 423, 500, 502, 503, 504}) {
            AttemptOutcome o = AttemptOutcome.ofCrm(status, NONE, "", NOW);
            assertFalse(o.delivered(), "" + status);
            assertFalse(o.permanent(), "" + status);
            assertNull(o.retryAfter());
        }
        AttemptOutcome limit = AttemptOutcome.ofCrm(403, NONE,
                "[{\"message\":\"TotalRequests Limit exceeded.\",\"errorCode\":\"REQUEST_LIMIT_EXCEEDED\"}]", NOW);
        assertFalse(limit.permanent(), "Salesforce's daily API limit passes");
        AttemptOutcome io = AttemptOutcome.ofError(new CompletionException(new ConnectException("refused")));
        assertNull(io.status());
        assertFalse(io.permanent());
        assertEquals("ConnectException: refused", io.error());
    }

    @Test
    void shouldMakeACrmsRefusalPermanentWithWhatItSaid() {
        for (int status : new int[] {400, 401, 403, 404, 405, 409, 422}) {
            assertTrue(AttemptOutcome.ofCrm(status, NONE, "", NOW).permanent(), "" + status);
        }
        AttemptOutcome bad = AttemptOutcome.ofCrm(400, NONE, "{\"status\":\"error\",\n  \"message\":"
                + "\"Property values were not valid\"}", NOW);
        assertEquals("HTTP 400: {\"status\":\"error\", \"message\":\"Property values were not valid\"}", bad.error());
        assertTrue(AttemptOutcome.ofCrm(404, NONE, "x".repeat(1000), NOW).error().length() < 320, "shortened");
        assertFalse(AttemptOutcome.ofWebhook(404, NONE, NOW).permanent(), "a webhook's 4xx is retried as before");
    }
}
