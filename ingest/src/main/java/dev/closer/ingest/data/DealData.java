package dev.closer.ingest.data;

import dev.closer.ingest.EventData;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.PositiveOrZero;
import jakarta.validation.constraints.Size;
import java.time.OffsetDateTime;
import java.util.Map;

/**
 * {@code closer.deal.upserted}: the current state of an opportunity. A stage change is an upsert with the new
 * stage; the platform keeps the history of stages.
 */
public record DealData(
        @NotBlank @Size(max = 200) String id,
        @NotBlank @Size(max = 300) String name,
        @Size(max = 200) String accountId,
        @Size(max = 200) String leadId,
        @PositiveOrZero Double amount,
        @Pattern(regexp = "[A-Z]{3}", message = "must be an ISO 4217 code such as USD") String currency,
        @NotBlank @Pattern(regexp = "prospecting|discovery|demo|proposal|negotiation|closed_won|closed_lost",
                message = "must be prospecting, discovery, demo, proposal, negotiation, closed_won or closed_lost")
        String stage,
        @Size(max = 200) String ownerId,
        OffsetDateTime createdAt,
        OffsetDateTime closedAt,
        Map<String, Object> attributes) implements EventData {

    @Override
    public String subjectId() {
        return id;
    }
}
