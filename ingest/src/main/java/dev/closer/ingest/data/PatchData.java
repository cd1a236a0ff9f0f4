package dev.closer.ingest.data;

import dev.closer.ingest.EventData;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;
import java.util.Map;

/**
 * {@code closer.lead.patched}, {@code closer.account.patched}, {@code closer.deal.patched}: some fields of a record
 * changed, the others are as stored. This is what CRM webhooks carry (a property changed, a record was created with
 * a few properties), unlike an {@code .upserted} event, which is the record's whole state.
 *
 * <p>Each field is applied when the event is newer than that field's last change and than the record's last full
 * upsert, so property changes that arrive out of order end in the newest value. A patch of a record that is not
 * stored yet creates it from the fields given.
 *
 * @param id         the record's id
 * @param fields     Closer field name (as in the type's {@code .upserted} data, e.g. {@code firstName}) → new value;
 *                   {@code null} clears the field
 * @param attributes custom properties → new value, merged into the stored attributes
 */
public record PatchData(
        @NotBlank @Size(max = 200) String id,
        Map<String, Object> fields,
        Map<String, Object> attributes) implements EventData {

    @Override
    public String subjectId() {
        return id;
    }
}
