package dev.closer.ingest;

/** The {@code data} of a Closer CloudEvent. */
public interface EventData {

    /**
     * The id the event's {@code subject} must equal: the account's or lead's own id, or for an activity the id of
     * the lead it belongs to.
     */
    String subjectId();

    /** The name of the data field {@link #subjectId()} reads, for error messages. */
    default String subjectField() {
        return "id";
    }
}
