package dev.closer.ingest.data;

import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.time.OffsetDateTime;
import java.util.Map;

/** {@code closer.email.sent}: a sales email sent to a lead, possibly a step of a sequence (A/B variant). */
public record EmailSentData(
        @NotBlank @Size(max = 200) String id,
        @NotBlank @Size(max = 200) String leadId,
        @NotBlank @Size(max = 1000) String subject,
        @NotNull @Size(max = 100_000) String body,
        @NotNull OffsetDateTime sentAt,
        @Size(max = 200) String ownerId,
        @Size(max = 200) String threadId,
        @Size(max = 200) String sequenceId,
        @Min(1) Integer sequenceStep,
        @Size(max = 50) String variant,
        Map<String, Object> attributes) implements AboutLead {
}
