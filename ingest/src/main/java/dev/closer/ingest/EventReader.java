package dev.closer.ingest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.closer.ingest.data.PatchData;
import io.cloudevents.CloudEvent;
import io.cloudevents.CloudEventData;
import io.cloudevents.jackson.JsonCloudEventData;
import io.cloudevents.jackson.JsonFormat;
import io.cloudevents.kafka.KafkaMessageFactory;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validator;
import java.io.IOException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Reads Closer CloudEvents from an HTTP body (one event or a JSON array of them) or from a Kafka record
 * (structured or binary mode), and checks them: the CloudEvents attributes Closer relies on, a known type, and
 * {@code data} that binds to the type's record and passes its constraints. The same checks run at the HTTP edge
 * and in the consumer, so a record that another producer put on the topic is held to the same rules.
 */
public final class EventReader {

    private final ObjectMapper json;
    private final Validator validator;

    public EventReader(Validator validator) {
        this.validator = validator;
        this.json = new ObjectMapper()
                .registerModule(JsonFormat.getCloudEventJacksonModule())
                .registerModule(new JavaTimeModule())
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .disable(DeserializationFeature.ADJUST_DATES_TO_CONTEXT_TIME_ZONE);
    }

    /** What was wrong with one event of a batch. */
    public record Problem(int index, String id, List<String> errors) {
    }

    /** At least one event of a body was invalid; nothing of the body should be accepted. */
    public static final class InvalidBatchException extends Exception {
        private final transient List<Problem> problems;

        public InvalidBatchException(List<Problem> problems) {
            super(problems.size() + " invalid event(s)");
            this.problems = List.copyOf(problems);
        }

        public List<Problem> problems() {
            return problems;
        }
    }

    /** Reads a body holding one CloudEvent (JSON object) or a batch (JSON array). */
    public List<CrmEvent> readBody(byte[] body) throws InvalidBatchException {
        JsonNode root;
        try {
            root = json.readTree(body);
        } catch (JsonProcessingException e) {
            throw new InvalidBatchException(List.of(new Problem(0, null,
                    List.of("not valid JSON: " + e.getOriginalMessage()))));
        } catch (IOException e) {
            throw new InvalidBatchException(List.of(new Problem(0, null,
                    List.of("body could not be read: " + e.getMessage()))));
        }
        if (root == null || !(root.isObject() || root.isArray())) {
            throw new InvalidBatchException(List.of(new Problem(0, null,
                    List.of("body must be a CloudEvent (JSON object) or a batch of them (JSON array)"))));
        }
        List<JsonNode> nodes = new ArrayList<>();
        root.forEach(nodes::add);
        if (root.isObject()) {
            nodes = List.of(root);
        } else if (nodes.isEmpty()) {
            throw new InvalidBatchException(List.of(new Problem(0, null, List.of("batch is empty"))));
        }
        List<CrmEvent> events = new ArrayList<>(nodes.size());
        List<Problem> problems = new ArrayList<>();
        for (int i = 0; i < nodes.size(); i++) {
            JsonNode node = nodes.get(i);
            String id = node.path("id").isTextual() ? node.path("id").asText() : null;
            try {
                events.add(read(toCloudEvent(node)));
            } catch (InvalidEventException e) {
                problems.add(new Problem(i, id, e.errors()));
            }
        }
        if (!problems.isEmpty()) {
            throw new InvalidBatchException(problems);
        }
        return events;
    }

    /**
     * Reads a Kafka record in CloudEvents binary mode ({@code ce_*} headers), structured mode ({@code content-type:
     * application/cloudevents+json}), or, from producers that set no headers at all, a JSON CloudEvent value.
     */
    public CrmEvent read(ConsumerRecord<String, byte[]> record) throws InvalidEventException {
        if (record.value() == null) {
            throw new InvalidEventException(List.of("not a CloudEvent: the record has no value"));
        }
        if (record.headers().lastHeader("content-type") == null && record.headers().lastHeader("ce_specversion") == null) {
            JsonNode node;
            try {
                node = json.readTree(record.value());
            } catch (IOException e) {
                throw new InvalidEventException(List.of("not a CloudEvent: the value is not JSON (" + rootMessage(e) + ")"));
            }
            if (node == null || !node.isObject()) {
                throw new InvalidEventException(List.of("not a CloudEvent: the value is not a JSON object"));
            }
            return read(toCloudEvent(node));
        }
        CloudEvent event;
        try {
            event = KafkaMessageFactory.createReader(record).toEvent();
        } catch (RuntimeException e) {
            throw new InvalidEventException(List.of("not a CloudEvent: " + rootMessage(e)));
        }
        return read(event);
    }

    private CloudEvent toCloudEvent(JsonNode node) throws InvalidEventException {
        try {
            return json.treeToValue(node, CloudEvent.class);
        } catch (IOException | RuntimeException e) {
            throw new InvalidEventException(List.of("not a CloudEvent: " + rootMessage(e)));
        }
    }

    /** Checks a parsed CloudEvent and binds its data. */
    public CrmEvent read(CloudEvent event) throws InvalidEventException {
        List<String> errors = new ArrayList<>();
        Class<? extends EventData> dataType = EventTypes.DATA.get(event.getType());
        if (dataType == null) {
            errors.add("type: unknown event type '" + event.getType() + "'; known: "
                    + EventTypes.DATA.keySet().stream().sorted().collect(Collectors.joining(", ")));
        }
        if (event.getSubject() == null || event.getSubject().isBlank()) {
            errors.add("subject: required (the id of the account or lead the event is about)");
        }
        if (event.getTime() == null) {
            errors.add("time: required (it orders updates of the same entity)");
        }
        String contentType = event.getDataContentType();
        if (contentType != null && !contentType.startsWith("application/json") && !contentType.endsWith("+json")) {
            errors.add("datacontenttype: must be application/json, got '" + contentType + "'");
        }
        if (event.getData() == null) {
            errors.add("data: required");
        }
        if (!errors.isEmpty()) {
            throw new InvalidEventException(errors);
        }
        EventData data = bind(event.getData(), dataType);
        for (ConstraintViolation<EventData> violation : validator.validate(data)) {
            errors.add("data." + violation.getPropertyPath() + ": " + violation.getMessage());
        }
        if (data instanceof PatchData patch) {
            errors.addAll(patchErrors(patch, EventTypes.DATA.get(EventTypes.PATCHES.get(event.getType()))));
        }
        if (data.subjectId() != null && !data.subjectId().equals(event.getSubject())) {
            errors.add("subject: '" + event.getSubject() + "' must equal data." + data.subjectField()
                    + " '" + data.subjectId() + "'");
        }
        if (!errors.isEmpty()) {
            errors.sort(null);
            throw new InvalidEventException(errors);
        }
        return new CrmEvent(event, data);
    }

    private EventData bind(CloudEventData data, Class<? extends EventData> type) throws InvalidEventException {
        try {
            JsonNode node = data instanceof JsonCloudEventData jsonData ? jsonData.getNode() : json.readTree(data.toBytes());
            if (node == null || !node.isObject()) {
                throw new InvalidEventException(List.of("data: must be a JSON object"));
            }
            return json.treeToValue(node, type);
        } catch (UnrecognizedPropertyException e) {
            throw new InvalidEventException(List.of("data." + path(e) + ": unknown field"
                    + " (custom properties go under data.attributes)"));
        } catch (JsonMappingException e) {
            throw new InvalidEventException(List.of("data." + path(e) + ": expected " + describe(e.getPath())));
        } catch (IOException e) {
            throw new InvalidEventException(List.of("data: not valid JSON: " + rootMessage(e)));
        }
    }

    /**
     * A patch's fields are checked as the upsert's data would be, but only the fields it sets: a patch of a deal's
     * amount need not carry the deal's name.
     */
    private List<String> patchErrors(PatchData patch, Class<? extends EventData> target) {
        if (patch.fields() == null || patch.fields().isEmpty()) {
            return patch.attributes() == null || patch.attributes().isEmpty()
                    ? List.of("data: a patch needs fields or attributes") : List.of();
        }
        List<String> errors = new ArrayList<>();
        for (String reserved : List.of("id", "attributes")) {
            if (patch.fields().containsKey(reserved)) {
                errors.add("data.fields." + reserved + ": not a patchable field (the id is data.id; custom "
                        + "properties go under data.attributes)");
            }
        }
        if (!errors.isEmpty()) {
            return errors;
        }
        ObjectNode node = json.valueToTree(patch.fields());
        node.put("id", patch.id());
        EventData bound;
        try {
            bound = json.treeToValue(node, target);
        } catch (UnrecognizedPropertyException e) {
            return List.of("data.fields." + path(e) + ": unknown field (custom properties go under data.attributes)");
        } catch (JsonMappingException e) {
            return List.of("data.fields." + path(e) + ": expected " + describe(e.getPath()));
        } catch (IOException e) {
            return List.of("data.fields: " + rootMessage(e));
        }
        for (ConstraintViolation<EventData> violation : validator.validate(bound)) {
            String field = violation.getPropertyPath().toString();
            if (patch.fields().containsKey(field)) {
                errors.add("data.fields." + field + ": " + violation.getMessage());
            }
        }
        return errors;
    }

    /**
     * The fields of a would-be patch that are invalid each on its own, with why: a CRM adapter keeps such a value
     * as a custom property instead of refusing the whole webhook for one bad property.
     *
     * @param patchType one of {@link EventTypes#PATCHES}' keys
     */
    public Map<String, String> invalidFields(String patchType, String id, Map<String, Object> fields) {
        Class<? extends EventData> target = EventTypes.DATA.get(EventTypes.PATCHES.get(patchType));
        Map<String, String> invalid = new java.util.LinkedHashMap<>();
        fields.forEach((name, value) -> {
            java.util.HashMap<String, Object> one = new java.util.HashMap<>();
            one.put(name, value);
            List<String> errors = patchErrors(new PatchData(id, one, null), target);
            if (!errors.isEmpty()) {
                invalid.put(name, String.join("; ", errors));
            }
        });
        return invalid;
    }

    private static String path(JsonMappingException e) {
        return e.getPath().stream()
                .map(ref -> ref.getFieldName() != null ? ref.getFieldName() : "[" + ref.getIndex() + "]")
                .collect(Collectors.joining("."));
    }

    private static String describe(List<JsonMappingException.Reference> path) {
        if (path.isEmpty() || !(path.get(path.size() - 1).getFrom() instanceof Class<?> owner)
                || !owner.isRecord()) {
            return "a value of the right type";
        }
        String field = path.get(path.size() - 1).getFieldName();
        for (var component : owner.getRecordComponents()) {
            if (component.getName().equals(field)) {
                Class<?> t = component.getType();
                if (Number.class.isAssignableFrom(t)) {
                    return "a number";
                } else if (t == Boolean.class) {
                    return "true or false";
                } else if (t == OffsetDateTime.class) {
                    return "an ISO-8601 date-time with offset, e.g. 2026-01-31T09:00:00Z";
                } else if (t == Map.class) {
                    return "a JSON object";
                } else if (t == String.class) {
                    return "a string";
                }
            }
        }
        return "a value of the right type";
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    }
}
