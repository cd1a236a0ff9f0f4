package dev.closer.app.events;

import dev.closer.ingest.CrmEvent;
import dev.closer.ingest.data.PatchData;
import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One stored record (a lead, account or deal) and the patches of it a batch holds, merged into the record's new
 * state. Pure: the event sink reads the stored state and writes the result.
 *
 * <p>A field (or a custom property, tracked as {@code attributes.<name>}) takes a patch's value when the patch is
 * not older than the field's last change and not older than the record's last full upsert. Patches are applied
 * oldest first, so the outcome does not depend on the order they arrived in.
 */
final class RecordPatch {

    /** Field-times key of a custom property. */
    static final String ATTRIBUTE_PREFIX = "attributes.";

    private final Map<String, Object> fields;
    private final Map<String, Object> attributes;
    private final Map<String, OffsetDateTime> fieldTimes;
    private final OffsetDateTime upsertedAt;
    private OffsetDateTime eventTime;
    private OffsetDateTime deletedAt;
    private boolean changed;

    /**
     * @param stored     the stored fields, by the data record's field names (empty for a record not stored yet)
     * @param attributes the stored custom properties
     * @param fieldTimes when each patched field last changed
     * @param upsertedAt the last full upsert's time; null when patches alone wrote the fields
     * @param eventTime  the newest change applied so far; null for a record not stored yet
     * @param deletedAt  when it was deleted, or null
     */
    RecordPatch(Map<String, Object> stored, Map<String, Object> attributes, Map<String, OffsetDateTime> fieldTimes,
                OffsetDateTime upsertedAt, OffsetDateTime eventTime, OffsetDateTime deletedAt) {
        this.fields = new LinkedHashMap<>(stored);
        this.attributes = attributes == null ? new LinkedHashMap<>() : new LinkedHashMap<>(attributes);
        this.fieldTimes = fieldTimes == null ? new HashMap<>() : new HashMap<>(fieldTimes);
        this.upsertedAt = upsertedAt;
        this.eventTime = eventTime;
        this.deletedAt = deletedAt;
    }

    /** Applies patches of this record, in any order. */
    void applyAll(List<CrmEvent> patches) {
        patches.stream().sorted((a, b) -> a.time().compareTo(b.time())).forEach(this::apply);
    }

    private void apply(CrmEvent event) {
        PatchData patch = event.data(PatchData.class);
        OffsetDateTime t = event.time();
        if (upsertedAt != null && t.isBefore(upsertedAt)) {
            return; // the whole record was replaced after this change was made
        }
        if (patch.fields() != null) {
            patch.fields().forEach((name, value) -> {
                if (newer(name, t)) {
                    fields.put(name, value);
                }
            });
        }
        if (patch.attributes() != null) {
            patch.attributes().forEach((name, value) -> {
                if (newer(ATTRIBUTE_PREFIX + name, t)) {
                    attributes.put(name, value);
                }
            });
        }
        if (deletedAt != null && !t.isBefore(deletedAt)) {
            deletedAt = null; // changed after its deletion: restored in the CRM
            changed = true;
        }
        if (eventTime == null || t.isAfter(eventTime)) {
            eventTime = t;
        }
    }

    private boolean newer(String key, OffsetDateTime t) {
        OffsetDateTime last = fieldTimes.get(key);
        if (last != null && t.isBefore(last)) {
            return false;
        }
        fieldTimes.put(key, t);
        changed = true;
        return true;
    }

    /** Whether any patch set something. */
    boolean changed() {
        return changed;
    }

    /** The merged fields, by the data record's field names, with {@code attributes} among them. */
    Map<String, Object> data() {
        Map<String, Object> data = new LinkedHashMap<>(fields);
        data.put("attributes", attributes);
        return data;
    }

    Map<String, OffsetDateTime> fieldTimes() {
        return fieldTimes;
    }

    OffsetDateTime upsertedAt() {
        return upsertedAt;
    }

    /** The newest change applied: the time the merged record is written with. */
    OffsetDateTime eventTime() {
        return eventTime;
    }

    OffsetDateTime deletedAt() {
        return deletedAt;
    }
}
