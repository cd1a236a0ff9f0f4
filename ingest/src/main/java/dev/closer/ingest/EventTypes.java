package dev.closer.ingest;

import dev.closer.ingest.data.AccountData;
import dev.closer.ingest.data.ActivityData;
import dev.closer.ingest.data.CallTranscribedData;
import dev.closer.ingest.data.DealData;
import dev.closer.ingest.data.DeletedData;
import dev.closer.ingest.data.EmailRepliedData;
import dev.closer.ingest.data.EmailSentData;
import dev.closer.ingest.data.LeadData;
import dev.closer.ingest.data.PatchData;
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
    public static final String LEAD_PATCHED = "closer.lead.patched";
    public static final String ACCOUNT_PATCHED = "closer.account.patched";
    public static final String DEAL_PATCHED = "closer.deal.patched";
    public static final String LEAD_DELETED = "closer.lead.deleted";
    public static final String ACCOUNT_DELETED = "closer.account.deleted";
    public static final String DEAL_DELETED = "closer.deal.deleted";

    /** Event type → data class. */
    public static final Map<String, Class<? extends EventData>> DATA = Map.ofEntries(
            Map.entry(ACCOUNT_UPSERTED, AccountData.class),
            Map.entry(LEAD_UPSERTED, LeadData.class),
            Map.entry(ACTIVITY_RECORDED, ActivityData.class),
            Map.entry(USER_UPSERTED, UserData.class),
            Map.entry(DEAL_UPSERTED, DealData.class),
            Map.entry(EMAIL_SENT, EmailSentData.class),
            Map.entry(EMAIL_REPLIED, EmailRepliedData.class),
            Map.entry(CALL_TRANSCRIBED, CallTranscribedData.class),
            Map.entry(LEAD_PATCHED, PatchData.class),
            Map.entry(ACCOUNT_PATCHED, PatchData.class),
            Map.entry(DEAL_PATCHED, PatchData.class),
            Map.entry(LEAD_DELETED, DeletedData.class),
            Map.entry(ACCOUNT_DELETED, DeletedData.class),
            Map.entry(DEAL_DELETED, DeletedData.class));

    /**
     * A patch type → the upsert type of the same record, whose data class names the fields a patch may set. A
     * patch is applied as that upsert with the stored record's other fields.
     */
    public static final Map<String, String> PATCHES = Map.of(
            LEAD_PATCHED, LEAD_UPSERTED, ACCOUNT_PATCHED, ACCOUNT_UPSERTED, DEAL_PATCHED, DEAL_UPSERTED);


    private EventTypes() {
    }
}
