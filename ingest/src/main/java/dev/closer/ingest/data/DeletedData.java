package dev.closer.ingest.data;

import dev.closer.ingest.EventData;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;

/**
 * {@code closer.lead.deleted}, {@code closer.account.deleted}, {@code closer.deal.deleted}: the record was deleted
 * in the CRM, or merged into another one. It is kept, marked deleted (a lead leaves scoring), and comes back if a
 * newer upsert or patch of it arrives (CRMs can restore deleted records).
 *
 * @param mergedInto the id of the record it was merged into, when a merge deleted it
 */
public record DeletedData(
        @NotBlank @Size(max = 200) String id,
        @Size(max = 200) String mergedInto) implements EventData {

    @Override
    public String subjectId() {
        return id;
    }
}
