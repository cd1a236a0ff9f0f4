package dev.closer.ingest;

import dev.closer.ingest.data.AccountData;
import dev.closer.ingest.data.ActivityData;
import dev.closer.ingest.data.LeadData;
import java.util.Map;

/**
 * The CloudEvent types Closer ingests, and the class each one's {@code data} must bind to. The event's
 * {@code subject} is the id of the account or lead the event is about; it is also the Kafka key, so one
 * entity's events stay in order.
 */
public final class EventTypes {

    public static final String ACCOUNT_UPSERTED = "closer.account.upserted";
    public static final String LEAD_UPSERTED = "closer.lead.upserted";
    public static final String ACTIVITY_RECORDED = "closer.activity.recorded";

    /** Event type → data class. */
    public static final Map<String, Class<? extends EventData>> DATA = Map.of(
            ACCOUNT_UPSERTED, AccountData.class,
            LEAD_UPSERTED, LeadData.class,
            ACTIVITY_RECORDED, ActivityData.class);

    private EventTypes() {
    }
}
