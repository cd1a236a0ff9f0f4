package dev.closer.app.events;

import dev.closer.app.account.Account;
import dev.closer.app.account.AccountRepository;
import dev.closer.app.activity.Activity;
import dev.closer.app.activity.ActivityRepository;
import dev.closer.app.lead.Lead;
import dev.closer.app.lead.LeadRepository;
import dev.closer.app.lead.LeadScore;
import dev.closer.app.lead.LeadScoreRepository;
import dev.closer.app.scoring.LeadScorer;
import dev.closer.ingest.CrmEvent;
import dev.closer.ingest.EventTypes;
import dev.closer.ingest.data.AccountData;
import dev.closer.ingest.data.ActivityData;
import dev.closer.ingest.data.LeadData;
import dev.closer.ingest.kafka.EventConsumerLoop;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Applies a batch of CRM events in one transaction: each event is claimed in the inbox (a redelivered one is
 * skipped), entities are upserted by id (an event older than the stored state changes nothing), and every lead
 * whose state changed is scored, all leads of the batch in one model run.
 */
@ApplicationScoped
public class CrmEventSink implements EventConsumerLoop.BatchHandler {

    @Inject
    IngestedEventRepository inbox;
    @Inject
    AccountRepository accounts;
    @Inject
    LeadRepository leads;
    @Inject
    ActivityRepository activities;
    @Inject
    LeadScoreRepository scores;
    @Inject
    LeadScorer scorer;

    private final Counter duplicates;
    private final Counter stale;

    @Inject
    public CrmEventSink(MeterRegistry meters) {
        duplicates = Counter.builder("closer.events.skipped").tag("reason", "duplicate")
                .description("Events already applied (redeliveries)").register(meters);
        stale = Counter.builder("closer.events.skipped").tag("reason", "stale")
                .description("Upserts older than the stored state").register(meters);
    }

    @Override
    @Transactional
    public void handle(List<CrmEvent> events) {
        Map<String, Lead> changed = new LinkedHashMap<>();
        Map<String, String> changedBy = new HashMap<>();
        for (CrmEvent event : events) {
            if (!inbox.claim(event)) {
                duplicates.increment();
                continue;
            }
            switch (event.type()) {
                case EventTypes.LEAD_UPSERTED -> {
                    Lead lead = upsertLead(event.data(LeadData.class), event.time());
                    if (lead != null) {
                        changed.put(lead.id, lead);
                        changedBy.put(lead.id, event.id());
                    }
                }
                case EventTypes.ACCOUNT_UPSERTED -> upsertAccount(event.data(AccountData.class), event.time());
                case EventTypes.ACTIVITY_RECORDED -> record(event.data(ActivityData.class), event.id());
                default -> throw new IllegalArgumentException("no handler for event type " + event.type());
            }
        }
        if (!changed.isEmpty()) {
            score(new ArrayList<>(changed.values()), changedBy);
        }
    }

    private Lead upsertLead(LeadData data, OffsetDateTime time) {
        Lead lead = leads.findById(data.id());
        if (lead != null && lead.eventTime.isAfter(time)) {
            stale.increment();
            return null;
        }
        if (lead == null) {
            lead = new Lead();
            lead.apply(data, time);
            leads.persist(lead);
        } else {
            lead.apply(data, time);
        }
        return lead;
    }

    private void upsertAccount(AccountData data, OffsetDateTime time) {
        Account account = accounts.findById(data.id());
        if (account != null && account.eventTime.isAfter(time)) {
            stale.increment();
            return;
        }
        if (account == null) {
            account = new Account();
            account.apply(data, time);
            accounts.persist(account);
        } else {
            account.apply(data, time);
        }
    }

    private void record(ActivityData data, String eventId) {
        String id = data.id() == null ? eventId : data.id();
        if (activities.findById(id) != null) {
            return;
        }
        Activity activity = new Activity();
        activity.id = id;
        activity.leadId = data.leadId();
        activity.type = data.type();
        activity.occurredAt = data.occurredAt();
        activity.properties = data.properties() == null ? new HashMap<>() : new HashMap<>(data.properties());
        activity.eventId = eventId;
        activities.persist(activity);
    }

    private void score(List<Lead> batch, Map<String, String> changedBy) {
        List<LeadScorer.Result> results = scorer.score(batch);
        OffsetDateTime now = OffsetDateTime.now();
        List<LeadScore> rows = new ArrayList<>(batch.size());
        for (int i = 0; i < batch.size(); i++) {
            LeadScorer.Result result = results.get(i);
            LeadScore row = new LeadScore();
            row.leadId = batch.get(i).id;
            row.modelName = scorer.modelName();
            row.modelVersion = scorer.modelVersion();
            row.probability = result.probability();
            row.score = (short) result.score();
            row.grade = result.grade();
            row.eventId = changedBy.get(row.leadId);
            row.scoredAt = now;
            rows.add(row);
        }
        scores.persist(rows);
    }
}
