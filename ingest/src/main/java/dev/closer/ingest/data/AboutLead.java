package dev.closer.ingest.data;

import dev.closer.ingest.EventData;

/** Data of an event about a lead (an activity, an email, a reply, a call): its subject is the lead's id. */
public interface AboutLead extends EventData {

    String leadId();

    @Override
    default String subjectId() {
        return leadId();
    }

    @Override
    default String subjectField() {
        return "leadId";
    }
}
