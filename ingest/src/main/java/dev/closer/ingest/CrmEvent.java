package dev.closer.ingest;

import io.cloudevents.CloudEvent;
import java.time.OffsetDateTime;

/** A CloudEvent that passed validation, with its data bound to the type's record. */
public record CrmEvent(CloudEvent cloudEvent, EventData data) {

    public String id() {
        return cloudEvent.getId();
    }

    public String source() {
        return cloudEvent.getSource().toString();
    }

    public String type() {
        return cloudEvent.getType();
    }

    /** The account or lead id; also the Kafka key. */
    public String subject() {
        return cloudEvent.getSubject();
    }

    public OffsetDateTime time() {
        return cloudEvent.getTime();
    }

    public <T extends EventData> T data(Class<T> type) {
        return type.cast(data);
    }
}
