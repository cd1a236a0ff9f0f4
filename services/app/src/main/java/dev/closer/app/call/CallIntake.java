package dev.closer.app.call;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.closer.ingest.CrmEvent;
import dev.closer.ingest.EventReader;
import dev.closer.ingest.EventTypes;
import dev.closer.ingest.InvalidEventException;
import dev.closer.ingest.call.CallTranscripts;
import dev.closer.ingest.call.InvalidTranscriptException;
import dev.closer.ingest.call.TranscriptFormats;
import dev.closer.ingest.call.WebVttTranscripts;
import dev.closer.ingest.data.CallTranscribedData.Utterance;
import io.cloudevents.core.builder.CloudEventBuilder;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.BadRequestException;
import java.net.URI;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A transcript posted to {@code POST /api/v1/calls}, in any of the shapes Closer reads, checked and turned into the
 * {@code closer.call.transcribed} event that goes through Kafka like every other event:
 *
 * <ul>
 *   <li>{@code application/json} with {@code utterances}: Closer's own shape, {@code {"leadId", "utterances":
 *       [{"speaker", "role", "startMs", "endMs", "text"}], "id"?, "dealId"?, "ownerId"?, "title"?, "startedAt"?,
 *       "participants"?}};</li>
 *   <li>{@code application/json} with {@code segments} (or a bare array): diarised speech-to-text segments in seconds
 *       ({@link TranscriptFormats#parseSegments});</li>
 *   <li>{@code text/vtt}: meeting-tool WebVTT with {@code <v Name>} voice tags.</li>
 * </ul>
 * For the last two the call's fields come from query parameters ({@code leadId, callId, dealId, ownerId, title,
 * startedAt}) and the speakers' roles from {@code roles} (query) or the {@code X-Closer-Speaker-Roles} header: either
 * {@code Name:role,Name:role} or a JSON object {@code {"Name": "role"}}; {@code defaultRole} gives unnamed speakers a
 * role.
 */
@ApplicationScoped
public class CallIntake {

    public static final String ROLES_HEADER = "X-Closer-Speaker-Roles";
    private static final URI SOURCE = URI.create("closer/api/calls");

    @Inject
    ObjectMapper json;
    @Inject
    EventReader reader;

    /** The call's fields outside its transcript (from the JSON body or from query parameters). */
    public record Meta(String callId, String leadId, String dealId, String ownerId, String title, String startedAt) {
    }

    /**
     * The event for a body.
     *
     * @throws InvalidTranscriptException naming each utterance, segment or line that is wrong (a 400 problem with
     *                                    errors, ProblemMappers)
     * @throws BadRequestException         for anything else wrong
     */
    public CrmEvent event(String mediaType, String body, Meta query, String roles, String defaultRole)
            throws InvalidTranscriptException {
        try {
            Map<String, Object> data = new LinkedHashMap<>();
            List<Utterance> utterances;
            Meta meta = query;
            if (mediaType != null && (mediaType.startsWith("text/vtt") || mediaType.startsWith("text/plain"))) {
                utterances = WebVttTranscripts.parse(body, roles(roles), defaultRole);
            } else {
                JsonNode root = readJson(body);
                if (root.isObject() && root.has("utterances")) {
                    utterances = utterances(root.get("utterances"));
                    meta = new Meta(text(root, "id", query.callId()), text(root, "leadId", query.leadId()),
                            text(root, "dealId", query.dealId()), text(root, "ownerId", query.ownerId()),
                            text(root, "title", query.title()), text(root, "startedAt", query.startedAt()));
                    if (root.hasNonNull("participants")) {
                        data.put("participants", root.get("participants"));
                    }
                } else {
                    utterances = TranscriptFormats.parseSegments(root, roles(roles), defaultRole);
                }
            }
            List<Utterance> sorted = CallTranscripts.validate(utterances);
            if (meta.leadId() == null || meta.leadId().isBlank()) {
                throw new BadRequestException("leadId is required (in the JSON body, or as a query parameter for "
                        + "WebVTT and segment JSON)");
            }
            String callId = meta.callId() == null || meta.callId().isBlank() ? "call-" + UUID.randomUUID()
                    : meta.callId();
            OffsetDateTime startedAt = startedAt(meta.startedAt());
            data.put("id", callId);
            data.put("leadId", meta.leadId());
            data.put("startedAt", startedAt.toString());
            data.put("utterances", sorted);
            data.put("dealId", meta.dealId());
            data.put("ownerId", meta.ownerId());
            data.put("title", meta.title());
            data.values().removeIf(java.util.Objects::isNull);
            return reader.read(CloudEventBuilder.v1().withId("call-transcribed-" + UUID.randomUUID())
                    .withSource(SOURCE).withType(EventTypes.CALL_TRANSCRIBED).withSubject(meta.leadId())
                    .withTime(startedAt).withDataContentType("application/json")
                    .withData(json.writeValueAsBytes(data)).build());
        } catch (InvalidEventException e) {
            throw new BadRequestException("Invalid call: " + String.join("; ", e.errors()));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private JsonNode readJson(String body) {
        try {
            JsonNode root = json.readTree(body);
            if (root == null) {
                throw new BadRequestException("The body is empty: send a transcript");
            }
            return root;
        } catch (JsonProcessingException e) {
            throw new BadRequestException("Not valid JSON at line " + e.getLocation().getLineNr() + ", column "
                    + e.getLocation().getColumnNr() + ": " + e.getOriginalMessage());
        }
    }

    private List<Utterance> utterances(JsonNode node) {
        if (!node.isArray()) {
            throw new BadRequestException("utterances must be an array");
        }
        for (int i = 0; i < node.size(); i++) {
            JsonNode u = node.get(i);
            for (String f : List.of("startMs", "endMs")) {
                if (u.hasNonNull(f) && !u.get(f).isIntegralNumber()) {
                    throw new BadRequestException("Invalid transcript: utterance " + i + ": " + f
                            + " must be a whole number of milliseconds, not " + u.get(f));
                }
            }
        }
        try {
            return json.convertValue(node, new TypeReference<List<Utterance>>() {
            });
        } catch (IllegalArgumentException e) {
            throw new BadRequestException("Invalid transcript: utterances: " + e.getMessage());
        }
    }

    /** {@code Name:role,Name:role} or a JSON object; null for none. */
    Map<String, String> roles(String spec) {
        if (spec == null || spec.isBlank()) {
            return null;
        }
        String s = spec.strip();
        if (s.startsWith("{")) {
            try {
                return json.readValue(s, new TypeReference<Map<String, String>>() {
                });
            } catch (JsonProcessingException e) {
                throw new BadRequestException("roles: not a JSON object of speaker to role: " + e.getOriginalMessage());
            }
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (String pair : s.split(",")) {
            int colon = pair.lastIndexOf(':');
            if (colon <= 0) {
                throw new BadRequestException("roles: \"" + pair.strip() + "\" is not Name:role");
            }
            out.put(pair.substring(0, colon).strip(), pair.substring(colon + 1).strip());
        }
        return out;
    }

    private static String text(JsonNode root, String field, String fallback) {
        JsonNode v = root.get(field);
        return v == null || v.isNull() ? fallback : v.asText();
    }

    private static OffsetDateTime startedAt(String s) {
        OffsetDateTime t = time("startedAt", s);
        return t == null ? OffsetDateTime.now(ZoneOffset.UTC) : t;
    }

    /** A request's ISO 8601 time with an offset; null when absent or blank; a 400 naming the parameter otherwise. */
    public static OffsetDateTime time(String parameter, String s) {
        if (s == null || s.isBlank()) {
            return null;
        }
        try {
            return OffsetDateTime.parse(s.strip());
        } catch (DateTimeParseException e) {
            throw new BadRequestException(parameter + " must be an ISO 8601 time with an offset, e.g. "
                    + "2026-03-02T15:00:00Z; got \"" + s + "\"");
        }
    }
}
