package dev.closer.ingest;

import dev.closer.ingest.data.AccountData;
import dev.closer.ingest.data.ActivityData;
import dev.closer.ingest.data.CallTranscribedData;
import dev.closer.ingest.data.DealData;
import dev.closer.ingest.data.EmailRepliedData;
import dev.closer.ingest.data.EmailSentData;
import dev.closer.ingest.data.LeadData;
import dev.closer.ingest.data.UserData;
import java.util.Map;

/**
 * The CloudEvent types Closer ingests, and the class each one's {@code data} must bind to. The event's
 * {@code subject} is the id of the entity the event is about ({@link EventData#subjectId()}: a lead's emails,
 * calls and activities are about the lead); it is also the Kafka key, so one entity's events stay in order.
 */
public final class EventTypes {

    public static final String ACCOUNT_UPSERTED = "closer.account.upserted";
    public static final String LEAD_UPSERTED = "closer.lead.upserted";
    public static final String ACTIVITY_RECORDED = "closer.activity.recorded";
    public static final String USER_UPSERTED = "closer.user.upserted";
    public static final String DEAL_UPSERTED = "closer.deal.upserted";
    public static final String EMAIL_SENT = "closer.email.sent";
    public static final String EMAIL_REPLIED = "closer.email.replied";
    public static final String CALL_TRANSCRIBED = "closer.call.transcribed";

    /** Event type → data class. */
    public static final Map<String, Class<? extends EventData>> DATA = Map.of(
            ACCOUNT_UPSERTED, AccountData.class,
            LEAD_UPSERTED, LeadData.class,
            ACTIVITY_RECORDED, ActivityData.class,
            USER_UPSERTED, UserData.class,
            DEAL_UPSERTED, DealData.class,
            EMAIL_SENT, EmailSentData.class,
            EMAIL_REPLIED, EmailRepliedData.class,
            CALL_TRANSCRIBED, CallTranscribedData.class);

    private EventTypes() {
    }
}
