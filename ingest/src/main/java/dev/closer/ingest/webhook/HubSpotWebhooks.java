package dev.closer.ingest.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import dev.closer.ingest.CrmEvent;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;
import org.apache.commons.codec.digest.DigestUtils;
import org.apache.commons.codec.digest.HmacAlgorithms;
import org.apache.commons.codec.digest.HmacUtils;

/**
 * HubSpot's webhooks: the request signature and the event array.
 *
 * <p>Signatures, checked over the raw bytes and compared in constant time:
 * <ul>
 *   <li>v3 ({@code X-HubSpot-Signature-v3}): base64 HMAC-SHA256, keyed with the app's client secret, of method +
 *       URI + body + {@code X-HubSpot-Request-Timestamp} (epoch ms); a timestamp more than the tolerance from now
 *       is refused.</li>
 *   <li>v1 and v2 ({@code X-HubSpot-Signature} with {@code X-HubSpot-Signature-Version}): hex SHA-256 of secret +
 *       body (v1) or secret + method + URI + body (v2). They carry no time, so they cannot stop a replay (the event
 *       ids still make a replay a no-op); a source can refuse them.</li>
 * </ul>
 *
 * <p>Events ({@code contact|company|deal} or {@code object} with {@code objectTypeId} 0-1/0-2/0-3):
 * {@code creation}, {@code restore} and {@code propertyChange} become patches, {@code deletion} and
 * {@code privacyDeletion} deletions, {@code merge} a deletion of each merged record pointing at the survivor plus a
 * patch of the survivor. Other events (associations, other objects) are counted as ignored.
 */
public final class HubSpotWebhooks {

    public static final String SIGNATURE_V3 = "X-HubSpot-Signature-v3";
    public static final String TIMESTAMP = "X-HubSpot-Request-Timestamp";
    public static final String SIGNATURE = "X-HubSpot-Signature";
    public static final String SIGNATURE_VERSION = "X-HubSpot-Signature-Version";

    private static final Map<String, String> OBJECT_TYPE_IDS = Map.of("0-1", "contact", "0-2", "company",
            "0-3", "deal");

    /** What a request carries for the signature check. */
    public record Signed(String method, String uri, byte[] body, String v3, String timestamp, String legacy,
                         String legacyVersion) {
    }

    private HubSpotWebhooks() {
    }

    /**
     * Checks the request's signature: v3 when it has one, else v1/v2 when {@code allowLegacy}.
     *
     * @throws WebhookRejection 401 saying what was wrong
     */
    public static void verify(String secret, Signed request, Instant now, Duration tolerance, boolean allowLegacy) {
        if (request.v3() != null && !request.v3().isBlank()) {
            long t;
            try {
                t = Long.parseLong(request.timestamp() == null ? "" : request.timestamp().trim());
            } catch (NumberFormatException e) {
                throw WebhookRejection.unauthorized("malformed_signature", TIMESTAMP
                        + " must be the request time in epoch milliseconds");
            }
            long age = now.toEpochMilli() - t;
            if (Math.abs(age) > tolerance.toMillis()) {
                throw WebhookRejection.unauthorized("stale_timestamp", TIMESTAMP + " is " + age / 1000
                        + " s from now; more than " + tolerance.toSeconds() + " s is refused (replay protection)");
            }
            Mac mac = HmacUtils.getInitializedMac(HmacAlgorithms.HMAC_SHA_256, secret.getBytes(StandardCharsets.UTF_8));
            mac.update(utf8(request.method() + request.uri()));
            mac.update(request.body());
            byte[] expected = mac.doFinal(utf8(request.timestamp().trim()));
            byte[] given;
            try {
                given = Base64.getDecoder().decode(request.v3().trim());
            } catch (IllegalArgumentException e) {
                throw WebhookRejection.unauthorized("malformed_signature", SIGNATURE_V3 + " is not base64");
            }
            if (!MessageDigest.isEqual(expected, given)) {
                throw WebhookRejection.unauthorized("bad_signature", SIGNATURE_V3 + " does not match: HMAC-SHA256 "
                        + "of method + URI + body + timestamp with the app's client secret; check that "
                        + "closer.webhooks.public-url is the URL HubSpot calls");
            }
            return;
        }
        if (request.legacy() == null || request.legacy().isBlank()) {
            throw WebhookRejection.unauthorized("missing_signature", "No " + SIGNATURE_V3 + " (or " + SIGNATURE
                    + ") header");
        }
        if (!allowLegacy) {
            throw WebhookRejection.unauthorized("legacy_signature", SIGNATURE + " v1/v2 is turned off for this "
                    + "source (legacy-signatures=false): send " + SIGNATURE_V3);
        }
        String version = request.legacyVersion() == null ? "v1" : request.legacyVersion().trim();
        MessageDigest sha256 = DigestUtils.getSha256Digest();
        switch (version) {
            case "v1" -> sha256.update(utf8(secret));
            case "v2" -> sha256.update(utf8(secret + request.method() + request.uri()));
            default -> throw WebhookRejection.unauthorized("malformed_signature", SIGNATURE_VERSION
                    + " must be v1 or v2, got '" + version + "'");
        }
        byte[] given;
        try {
            given = HexFormat.of().parseHex(request.legacy().trim().toLowerCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw WebhookRejection.unauthorized("malformed_signature", SIGNATURE + " is not hex");
        }
        if (!MessageDigest.isEqual(sha256.digest(request.body()), given)) {
            throw WebhookRejection.unauthorized("bad_signature", SIGNATURE + " (" + version + ") does not match: "
                    + "SHA-256 of the client secret + " + (version.equals("v2") ? "method + URI + " : "") + "body");
        }
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Maps a request's event array.
     *
     * @throws WebhookRejection 400 when the body is not a HubSpot event array
     */
    public static CrmEvents.Mapped events(byte[] body, CrmMapping mapping, CrmEvents events) {
        JsonNode root = CrmEvents.readJson(body);
        if (root == null || !root.isArray() || root.isEmpty()) {
            throw new WebhookRejection(400, "malformed", "A HubSpot webhook is a non-empty JSON array of events");
        }
        List<CrmEvent> out = new ArrayList<>();
        int ignored = 0;
        for (int i = 0; i < root.size(); i++) {
            JsonNode e = root.get(i);
            String type = e.path("subscriptionType").asText("");
            long occurredAt = e.path("occurredAt").asLong(-1);
            if (!type.contains(".") || occurredAt < 0 || !e.hasNonNull("objectId")) {
                throw new WebhookRejection(400, "malformed", "event [" + i + "]: subscriptionType, objectId and "
                        + "occurredAt (epoch ms) are required");
            }
            String object = type.substring(0, type.indexOf('.'));
            String action = type.substring(type.indexOf('.') + 1);
            if (object.equals("object")) {
                object = OBJECT_TYPE_IDS.getOrDefault(e.path("objectTypeId").asText(), "object");
            }
            var entity = mapping.entity(object);
            if (entity.isEmpty()) {
                ignored++;
                continue;
            }
            OffsetDateTime time = Instant.ofEpochMilli(occurredAt).atOffset(ZoneOffset.UTC);
            String id = CrmEvents.deliveryId("hubspot", e, List.of("attemptNumber"));
            String objectId = e.get("objectId").asText();
            switch (action) {
                case "creation", "restore" -> out.add(events.patch(id, time, mapping.map(object, objectId, Map.of())));
                case "propertyChange" -> {
                    String property = e.path("propertyName").asText(null);
                    if (property == null) {
                        throw new WebhookRejection(400, "malformed", "event [" + i + "]: a propertyChange needs "
                                + "propertyName");
                    }
                    JsonNode value = e.get("propertyValue");
                    Map<String, Object> change = new java.util.HashMap<>();
                    change.put(property, value == null || value.isNull() ? null : value.asText());
                    out.add(events.patch(id, time, mapping.map(object, objectId, change)));
                }
                case "deletion", "privacyDeletion" ->
                        out.add(events.deleted(id, time, entity.get(), mapping.id(objectId), null));
                case "merge" -> {
                    String survivor = mapping.id(e.hasNonNull("newObjectId") ? e.get("newObjectId").asText()
                            : e.path("primaryObjectId").asText(objectId));
                    for (JsonNode merged : e.path("mergedObjectIds")) {
                        String mergedId = mapping.id(merged.asText());
                        if (!mergedId.equals(survivor)) {
                            out.add(events.deleted(id + ":" + merged.asText(), time, entity.get(), mergedId,
                                    survivor));
                        }
                    }
                    out.add(events.patch(id, time, new CrmMapping.Change(entity.get(), survivor, Map.of(),
                            Map.of())));
                }
                default -> ignored++;
            }
        }
        return new CrmEvents.Mapped(out, ignored);
    }
}
