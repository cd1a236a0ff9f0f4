package dev.closer.ingest.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import dev.closer.ingest.CrmEvent;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Pipedrive webhooks v2: one event per request, {@code meta} ({@code action} create/change/delete, {@code entity},
 * {@code entity_id}, {@code timestamp}, {@code attempt}, {@code merged_to_id}) and the record's {@code data} with
 * its {@code custom_fields}. A merge arrives as a delete of the merged record (with {@code merged_to_id}) and a
 * change of the survivor. Pipedrive signs nothing: each subscription sends HTTP Basic credentials, which are
 * checked in constant time.
 */
public final class PipedriveWebhooks {

    private static final List<String> ATTEMPT_KEYS = List.of("attempt", "attempt_no", "retry", "next_attempt_ts");

    private PipedriveWebhooks() {
    }

    /**
     * Checks the request's {@code Authorization: Basic ...} against the source's credentials.
     *
     * @throws WebhookRejection 401 when missing or wrong
     */
    public static void verify(String authorization, String username, String password) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            throw WebhookRejection.unauthorized("missing_signature", "Pipedrive webhooks must send HTTP Basic "
                    + "credentials (http_auth_user / http_auth_password of the webhook)");
        }
        byte[] given;
        try {
            given = Base64.getDecoder().decode(authorization.substring(6).trim());
        } catch (IllegalArgumentException e) {
            throw WebhookRejection.unauthorized("malformed_signature", "Authorization: Basic is not base64");
        }
        byte[] expected = (username + ":" + password).getBytes(StandardCharsets.UTF_8);
        if (!MessageDigest.isEqual(expected, given)) {
            throw WebhookRejection.unauthorized("bad_signature", "The Basic credentials are not this source's");
        }
    }

    /**
     * Maps a request.
     *
     * @throws WebhookRejection 400 when it is not a v2 webhook
     */
    public static CrmEvents.Mapped events(byte[] body, CrmMapping mapping, CrmEvents events) {
        JsonNode root = CrmEvents.readJson(body);
        JsonNode meta = root == null ? null : root.get("meta");
        if (meta == null || !meta.isObject() || !meta.hasNonNull("action") || !meta.hasNonNull("entity")
                || !meta.hasNonNull("entity_id")) {
            throw new WebhookRejection(400, "malformed", "A Pipedrive v2 webhook needs meta.action, meta.entity and "
                    + "meta.entity_id (set version 2.0 on the webhook)");
        }
        String entityName = meta.get("entity").asText();
        var entity = mapping.entity(entityName);
        if (entity.isEmpty()) {
            return new CrmEvents.Mapped(List.of(), 1);
        }
        String id = CrmEvents.deliveryId("pipedrive", root, ATTEMPT_KEYS);
        OffsetDateTime time = time(meta, root.path("data"));
        String recordId = meta.get("entity_id").asText();
        String action = meta.get("action").asText();
        return switch (action) {
            case "delete", "deleted" -> new CrmEvents.Mapped(List.of(events.deleted(id, time, entity.get(),
                    mapping.id(recordId), meta.hasNonNull("merged_to_id")
                            ? mapping.id(meta.get("merged_to_id").asText()) : null)), 0);
            case "create", "change", "added", "updated" -> {
                JsonNode data = root.path("data");
                if (!data.isObject()) {
                    throw new WebhookRejection(400, "malformed", "A " + action + " webhook needs the record in data");
                }
                yield new CrmEvents.Mapped(List.of(events.patch(id, time,
                        mapping.map(entityName, recordId, properties(entityName, data)))), 0);
            }
            default -> throw new WebhookRejection(400, "malformed", "meta.action must be create, change or "
                    + "delete, got '" + action + "'");
        };
    }

    /**
     * The record's properties, flattened: the primary email, custom fields by their key (their {@code value}
     * when Pipedrive wraps them), and a won or lost deal's stage from its status.
     */
    private static Map<String, Object> properties(String entity, JsonNode data) {
        Map<String, Object> properties = new LinkedHashMap<>();
        data.fields().forEachRemaining(field -> {
            switch (field.getKey()) {
                case "custom_fields" -> field.getValue().fields().forEachRemaining(custom -> {
                    JsonNode v = custom.getValue();
                    properties.put(custom.getKey(), scalar(v != null && v.isObject() && v.has("value")
                            ? v.get("value") : v));
                });
                case "emails" -> {
                    for (JsonNode email : field.getValue()) {
                        if (email.path("primary").asBoolean(false) || !properties.containsKey("email")) {
                            properties.put("email", email.path("value").asText(null));
                        }
                    }
                }
                case "phones", "im" -> {
                }
                default -> properties.put(field.getKey(), scalar(field.getValue()));
            }
        });
        if (entity.equals("deal")) {
            String status = data.path("status").asText("");
            if (status.equals("won") || status.equals("lost")) {
                properties.remove("stage_id");
                properties.put("closer_stage", "closed_" + status);
            }
        }
        return properties;
    }

    private static Object scalar(JsonNode v) {
        if (v == null || v.isNull()) {
            return null;
        }
        if (v.isNumber()) {
            return v.numberValue();
        }
        if (v.isBoolean()) {
            return v.booleanValue();
        }
        return v.isValueNode() ? v.asText() : v.toString();
    }

    private static OffsetDateTime time(JsonNode meta, JsonNode data) {
        JsonNode t = meta.get("timestamp");
        if (t != null && t.isNumber()) {
            return CrmMapping.epoch(t.asLong()).atOffset(ZoneOffset.UTC);
        }
        String text = t != null && t.isTextual() ? t.asText() : data.path("update_time").asText(null);
        if (text == null) {
            throw new WebhookRejection(400, "malformed", "meta.timestamp is required (it orders changes)");
        }
        try {
            return OffsetDateTime.parse(CrmMapping.isoTime(text));
        } catch (RuntimeException e) {
            throw new WebhookRejection(400, "malformed", "meta.timestamp '" + text + "' is neither epoch seconds or "
                    + "milliseconds nor an ISO-8601 date-time");
        }
    }
}
