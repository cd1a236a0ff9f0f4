package dev.closer.app.outbound;

import java.net.http.HttpHeaders;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * What one delivery attempt came to, and so what happens next: delivered; retried after the backoff, or after the
 * receiver's {@code Retry-After} when it answered 429; or, for a CRM write the CRM refused for good (a property it
 * does not have, a record it does not know, credentials it does not take), dead at once, since sending the same
 * request again cannot succeed until someone changes the settings or the CRM and replays it.
 *
 * @param status     the HTTP status, when there was an answer
 * @param error      why it failed; null when delivered
 * @param permanent  fails the same way every time: dead without further attempts
 * @param retryAfter the receiver's own wait before the next attempt (a 429's Retry-After), if it gave one
 */
public record AttemptOutcome(Integer status, String error, boolean permanent, Duration retryAfter) {

    private static final int MAX_BODY_IN_ERROR = 300;

    public boolean delivered() {
        return error == null;
    }

    /** A webhook's answer: any 2xx delivers, anything else is retried (a 429 after its Retry-After). */
    public static AttemptOutcome ofWebhook(int status, HttpHeaders headers, Instant now) {
        if (status / 100 == 2) {
            return new AttemptOutcome(status, null, false, null);
        }
        return new AttemptOutcome(status, "HTTP " + status, false, status == 429 ? retryAfter(headers, now) : null);
    }

    /**
     * A CRM API's answer. 2xx delivers. 429 is a rate limit, retried after its Retry-After; 408, 423 and 5xx are
     * passing trouble, retried after the backoff, and so is Salesforce's 403 {@code REQUEST_LIMIT_EXCEEDED} (the
     * org's API requests for the day are used up). Any other 4xx is permanent: 400 (a property the CRM does not
     * have, a value it refuses), 401 (a token it does not take, after a Salesforce token was renewed once), 403,
     * 404 (a record it does not have).
     *
     * @param body the answer's body, kept (shortened) in the error: CRMs say there what they refused
     */
    public static AttemptOutcome ofCrm(int status, HttpHeaders headers, String body, Instant now) {
        if (status / 100 == 2) {
            return new AttemptOutcome(status, null, false, null);
        }
        String error = "HTTP " + status + (body == null || body.isBlank() ? "" : ": " + shorten(body));
        if (status == 429) {
            return new AttemptOutcome(status, error, false, retryAfter(headers, now));
        }
        boolean passing = status == 408 || status == 423 || status / 100 == 5
                || (status == 403 && body != null && body.contains("REQUEST_LIMIT_EXCEEDED"));
        return new AttemptOutcome(status, error, !passing, null);
    }

    /** No answer: a connection refused or reset, a timeout. Retried. */
    public static AttemptOutcome ofError(Throwable error) {
        Throwable cause = error;
        while ((cause instanceof java.util.concurrent.CompletionException
                || cause instanceof java.util.concurrent.ExecutionException) && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return new AttemptOutcome(null, cause.getClass().getSimpleName() + ": " + cause.getMessage(), false, null);
    }

    /**
     * A Retry-After header's wait (RFC 9110 §10.2.3: delay-seconds or an HTTP-date), or null when it is absent or
     * unreadable; a date in the past is no wait.
     */
    static Duration retryAfter(HttpHeaders headers, Instant now) {
        Optional<String> value = headers.firstValue("Retry-After").map(String::trim);
        if (value.isEmpty() || value.get().isEmpty()) {
            return null;
        }
        String v = value.get();
        if (v.chars().allMatch(Character::isDigit)) {
            try {
                return Duration.ofSeconds(Long.parseLong(v));
            } catch (NumberFormatException e) {
                return null; // more digits than a long: not a wait anyone means
            }
        }
        try {
            Instant at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
            return at.isAfter(now) ? Duration.between(now, at) : Duration.ZERO;
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private static String shorten(String body) {
        String oneLine = body.strip().replaceAll("\\s+", " ");
        return oneLine.length() <= MAX_BODY_IN_ERROR ? oneLine : oneLine.substring(0, MAX_BODY_IN_ERROR) + "…";
    }
}
