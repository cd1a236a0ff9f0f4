package dev.closer.ingest.data;

import dev.closer.ingest.EventData;
import jakarta.validation.constraints.Email;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.PositiveOrZero;
import jakarta.validation.constraints.Size;
import java.time.OffsetDateTime;
import java.util.Map;

/**
 * {@code closer.lead.upserted}: the full current state of a lead (a person who may buy). Fields that are absent
 * are stored as unknown. Properties Closer has no field for go under {@code attributes} and are kept.
 *
 * @param websiteVisits     visits to the company website
 * @param websiteSeconds    total time on the website, in seconds
 * @param pageViewsPerVisit average pages viewed per visit
 * @param status            {@code open} (default), {@code converted} or {@code disqualified}
 * @param ownerId           the rep who owns the lead (a Closer user id)
 */
public record LeadData(
        @NotBlank @Size(max = 200) String id,
        @Size(max = 200) String accountId,
        @Email @Size(max = 320) String email,
        @Size(max = 200) String firstName,
        @Size(max = 200) String lastName,
        @Size(max = 200) String title,
        @Pattern(regexp = "ic|manager|director|vp|c_level", message = "must be ic, manager, director, vp or c_level")
        String seniority,
        @Size(max = 100) String department,
        @Size(max = 200) String source,
        @Size(max = 200) String origin,
        @Size(max = 100) String country,
        @Size(max = 100) String occupation,
        @PositiveOrZero Double websiteVisits,
        @PositiveOrZero Double websiteSeconds,
        @PositiveOrZero Double pageViewsPerVisit,
        Boolean doNotEmail,
        @Pattern(regexp = "open|converted|disqualified", message = "must be open, converted or disqualified")
        String status,
        @Size(max = 200) String ownerId,
        OffsetDateTime createdAt,
        Map<String, Object> attributes) implements EventData {

    @Override
    public String subjectId() {
        return id;
    }
}
