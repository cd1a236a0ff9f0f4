package dev.closer.ingest.data;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.time.OffsetDateTime;
import java.util.Map;

/**
 * {@code closer.activity.recorded}: something a lead did or that happened to them (an email opened, a page
 * viewed, a form filled, a meeting held). Append-only.
 *
 * @param id         the activity's own id; the event id when absent
 * @param type       lower-case, e.g. {@code email_opened}, {@code page_view}, {@code form_fill}, {@code meeting}
 * @param properties details of the activity, e.g. {@code {"url": "/pricing"}}
 */
public record ActivityData(
        @Size(max = 200) String id,
        @NotBlank @Size(max = 200) String leadId,
        @NotBlank @Pattern(regexp = "[a-z][a-z0-9_.]{0,99}", message = "must be lower-case letters, digits, '_' or '.'")
        String type,
        @NotNull OffsetDateTime occurredAt,
        Map<String, Object> properties) implements AboutLead {
}
