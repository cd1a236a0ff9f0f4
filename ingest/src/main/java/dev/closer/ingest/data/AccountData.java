package dev.closer.ingest.data;

import dev.closer.ingest.EventData;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.PositiveOrZero;
import jakarta.validation.constraints.Size;
import java.util.Map;

/** {@code closer.account.upserted}: the current state of a company that leads belong to. */
public record AccountData(
        @NotBlank @Size(max = 200) String id,
        @NotBlank @Size(max = 300) String name,
        @Size(max = 300) String domain,
        @Size(max = 200) String industry,
        @PositiveOrZero Integer employees,
        @Size(max = 100) String country,
        @PositiveOrZero Double annualRevenue,
        Map<String, Object> attributes) implements EventData {

    @Override
    public String subjectId() {
        return id;
    }
}
