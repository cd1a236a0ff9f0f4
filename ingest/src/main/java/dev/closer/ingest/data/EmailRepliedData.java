package dev.closer.ingest.data;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.time.OffsetDateTime;
import java.util.Map;

/** {@code closer.email.replied}: a lead's reply, as received (quotes and signature included). */
public record EmailRepliedData(
        @NotBlank @Size(max = 200) String id,
        @NotBlank @Size(max = 200) String leadId,
        @NotNull @Size(max = 100_000) String body,
        @NotNull OffsetDateTime receivedAt,
        @Size(max = 200) String emailId,
        @Size(max = 200) String threadId,
        @Size(max = 1000) String subject,
        Map<String, Object> attributes) implements AboutLead {
}
