package dev.closer.ingest.webhook;

/** Why a webhook request is refused: the HTTP status to answer, a short reason for metrics, and what was wrong. */
public final class WebhookRejection extends RuntimeException {

    private final int status;
    private final String reason;

    public WebhookRejection(int status, String reason, String message) {
        super(message);
        this.status = status;
        this.reason = reason;
    }

    public static WebhookRejection unauthorized(String reason, String message) {
        return new WebhookRejection(401, reason, message);
    }

    public int status() {
        return status;
    }

    /** A metrics tag: missing_signature, malformed_signature, stale_timestamp, bad_signature, ... */
    public String reason() {
        return reason;
    }
}
