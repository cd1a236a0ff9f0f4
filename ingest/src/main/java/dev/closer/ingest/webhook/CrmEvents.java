package dev.closer.ingest.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.closer.ingest.CrmEvent;
import dev.closer.ingest.EventReader;
import dev.closer.ingest.InvalidEventException;
import io.cloudevents.core.builder.CloudEventBuilder;
import java.net.URI;
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.codec.digest.DigestUtils;

/**
 * Builds the CloudEvents a CRM webhook becomes, checked as every event is: {@code closer.*.patched} with the
 * mapped fields and {@code closer.*.deleted}. Event ids come from the CRM's delivery, so a redelivered webhook
 * republishes the same ids and the event sink's inbox applies them once.
 */
public final class CrmEvents {

    /** Sorted keys: the same JSON content always hashes the same. */
    private static final ObjectMapper CANONICAL = JsonMapper.builder()
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS).build();
    private static final ObjectMapper JSON = JsonMapper.builder().addModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS).build();

    /** What a CRM request became: the events to publish, and how many of its items Closer does not keep. */
    public record Mapped(List<CrmEvent> events, int ignored) {
    }

    private final EventReader reader;
    private final URI source;

    /** @param sourceName the configured source, e.g. {@code hubspot}: events carry {@code closer/webhooks/<name>} */
    public CrmEvents(EventReader reader, String sourceName) {
        this.reader = reader;
        this.source = URI.create("closer/webhooks/" + sourceName);
    }

    /**
     * A stable id for one CRM delivery: a hash of its JSON without the fields that change between attempts (retry
     * counters), so each retry of a delivery gets the same id.
     *
     * @param prefix      names the CRM, e.g. {@code hubspot}
     * @param delivery    the delivery's JSON (not modified)
     * @param attemptKeys the keys to leave out, at the top level and in {@code meta}
     */
    public static String deliveryId(String prefix, JsonNode delivery, List<String> attemptKeys) {
        JsonNode copy = delivery.deepCopy();
        if (copy instanceof ObjectNode object) {
            object.remove(attemptKeys);
            if (object.get("meta") instanceof ObjectNode meta) {
                meta.remove(attemptKeys);
            }
        }
        try {
            Object tree = CANONICAL.treeToValue(copy, Object.class); // maps, so keys are sorted when written
            return prefix + ":" + DigestUtils.sha256Hex(CANONICAL.writeValueAsBytes(tree)).substring(0, 40);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A JSON body, or a 400 rejection saying why it is not JSON. */
    static JsonNode readJson(byte[] body) {
        try {
            return JSON.readTree(body);
        } catch (java.io.IOException e) {
            throw new WebhookRejection(400, "malformed", "Not valid JSON: " + e.getMessage());
        }
    }

    /**
     * A {@code closer.*.patched} event. A field whose value Closer cannot take (an email that is not one, a stage
     * with no mapping) is kept as a custom property under the field's name rather than refusing the webhook.
     */
    public CrmEvent patch(String id, OffsetDateTime time, CrmMapping.Change change) {
        Map<String, Object> fields = new LinkedHashMap<>(change.fields());
        Map<String, Object> attributes = new LinkedHashMap<>(change.attributes());
        if (fields.isEmpty() && attributes.isEmpty()) {
            attributes.put("crmId", change.id()); // a record created with no properties yet: it exists
        }
        String type = change.entity().patchType();
        try {
            return read(id, type, change.id(), time, patchData(change.id(), fields, attributes));
        } catch (InvalidEventException e) {
            // Rare: only now find the fields at fault, each on its own, and keep their values as custom properties.
            reader.invalidFields(type, change.id(), fields).keySet()
                    .forEach(name -> attributes.put(name, fields.remove(name)));
            return event(id, type, change.id(), time, patchData(change.id(), fields, attributes));
        }
    }

    private static Map<String, Object> patchData(String id, Map<String, Object> fields,
                                                 Map<String, Object> attributes) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("id", id);
        data.put("fields", fields);
        data.put("attributes", attributes);
        return data;
    }

    /** A {@code closer.*.deleted} event; {@code mergedInto} is the surviving record's id, or null. */
    public CrmEvent deleted(String id, OffsetDateTime time, CrmMapping.Entity entity, String recordId,
                            String mergedInto) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("id", recordId);
        data.put("mergedInto", mergedInto);
        return event(id, entity.deleteType(), recordId, time, data);
    }

    /** The event, checked as every event is; a 400 rejection when it does not pass. */
    private CrmEvent event(String id, String type, String subject, OffsetDateTime time, Map<String, Object> data) {
        try {
            return read(id, type, subject, time, data);
        } catch (InvalidEventException e) {
            throw new WebhookRejection(400, "malformed", "The webhook's " + subject + " could not be mapped: "
                    + String.join("; ", e.errors()));
        }
    }

    private CrmEvent read(String id, String type, String subject, OffsetDateTime time, Map<String, Object> data)
            throws InvalidEventException {
        try {
            return reader.read(CloudEventBuilder.v1().withId(id).withSource(source).withType(type)
                    .withSubject(subject).withTime(time).withDataContentType("application/json")
                    .withData(JSON.writeValueAsBytes(data)).build());
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
