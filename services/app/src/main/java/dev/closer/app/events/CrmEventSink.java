package dev.closer.app.events;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import dev.closer.app.config.CloserConfig;
import dev.closer.app.db.Unnest;
import dev.closer.app.lead.Lead;
import dev.closer.ingest.CrmEvent;
import dev.closer.ingest.EventData;
import dev.closer.ingest.EventTypes;
import dev.closer.ingest.data.AboutLead;
import dev.closer.ingest.data.AccountData;
import dev.closer.ingest.data.ActivityData;
import dev.closer.ingest.data.CallTranscribedData;
import dev.closer.ingest.data.DealData;
import dev.closer.ingest.data.DeletedData;
import dev.closer.ingest.data.EmailRepliedData;
import dev.closer.ingest.data.EmailSentData;
import dev.closer.ingest.data.LeadData;
import dev.closer.ingest.data.UserData;
import dev.closer.ingest.kafka.EventConsumerLoop;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import javax.sql.DataSource;

/**
 * Applies a batch of CRM events in one transaction, a few set-based statements per batch (this is the bulk
 * path: Panache serves the reads):
 * <ol>
 *   <li>claim every event in the inbox ({@code ingested_events}); a redelivered event is skipped;</li>
 *   <li>upsert users, accounts, leads and deals by id, keeping the newest state: of several upserts of one entity
 *       in a batch the newest is written, and none older than the stored {@code event_time} is;</li>
 *   <li>insert activities, emails, replies and calls (append-only, by id) and every deal stage change;</li>
 *   <li>queue every lead that an applied event is about (its upsert changed it, or it got an activity, email,
 *       reply or call) for the {@link dev.closer.app.scoring.ScoringWorker}, which scores it once its burst of
 *       events is over.</li>
 * </ol>
 */
@ApplicationScoped
public class CrmEventSink implements EventConsumerLoop.BatchHandler {

    @Inject
    DataSource dataSource;
    @Inject
    CloserConfig config;
    @Inject
    ObjectMapper json;

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
    public void handle(List<CrmEvent> events) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            List<CrmEvent> fresh = claim(c, events);
            duplicates.increment(events.size() - fresh.size());
            Map<String, List<CrmEvent>> byType = new HashMap<>();
            for (CrmEvent e : fresh) {
                byType.computeIfAbsent(e.type(), t -> new ArrayList<>()).add(e);
            }
            upsertUsers(c, byType.getOrDefault(EventTypes.USER_UPSERTED, List.of()));
            upsertAccounts(c, byType.getOrDefault(EventTypes.ACCOUNT_UPSERTED, List.of()));
            applyPatches(c, ACCOUNTS, byType.getOrDefault(EventTypes.ACCOUNT_PATCHED, List.of()), (cc, rows) -> {
                upsertAccounts(cc, rows);
                return List.of();
            });
            List<CrmEvent> leads = byType.getOrDefault(EventTypes.LEAD_UPSERTED, List.of());
            List<Lead> changed = new ArrayList<>(upsertLeads(c, leads));
            changed.addAll(applyPatches(c, LEADS, byType.getOrDefault(EventTypes.LEAD_PATCHED, List.of()),
                    this::upsertLeads));
            Map<String, String> touched = new LinkedHashMap<>();
            Set<String> changedIds = new HashSet<>();
            changed.forEach(l -> changedIds.add(l.id));
            for (CrmEvent e : fresh) {
                if (changedIds.contains(e.subject())
                        && (EventTypes.LEAD_UPSERTED.equals(e.type()) || EventTypes.LEAD_PATCHED.equals(e.type()))) {
                    touched.put(e.subject(), e.id());
                } else if (e.data() instanceof AboutLead about) {
                    touched.put(about.leadId(), e.id());
                }
            }
            upsertDeals(c, byType.getOrDefault(EventTypes.DEAL_UPSERTED, List.of()));
            applyPatches(c, DEALS, byType.getOrDefault(EventTypes.DEAL_PATCHED, List.of()), (cc, rows) -> {
                upsertDeals(cc, rows);
                return List.of();
            });
            markDeleted(c, ACCOUNTS, byType.getOrDefault(EventTypes.ACCOUNT_DELETED, List.of()));
            markDeleted(c, LEADS, byType.getOrDefault(EventTypes.LEAD_DELETED, List.of()));
            markDeleted(c, DEALS, byType.getOrDefault(EventTypes.DEAL_DELETED, List.of()));
            insertActivities(c, byType.getOrDefault(EventTypes.ACTIVITY_RECORDED, List.of()));
            insertEmails(c, byType.getOrDefault(EventTypes.EMAIL_SENT, List.of()));
            insertReplies(c, byType.getOrDefault(EventTypes.EMAIL_REPLIED, List.of()));
            insertCalls(c, byType.getOrDefault(EventTypes.CALL_TRANSCRIBED, List.of()));
            queueForScoring(c, touched);
        }
    }

    /** Inserts the inbox rows and returns the events that were not there yet, in batch order. */
    private List<CrmEvent> claim(Connection c, List<CrmEvent> events) throws SQLException {
        Set<String> inserted = new HashSet<>();
        try (PreparedStatement ps = c.prepareStatement("""
                insert into ingested_events (source, id, type, subject)
                select * from unnest(?::text[], ?::text[], ?::text[], ?::text[])
                on conflict do nothing returning source, id""")) {
            Unnest.Columns cols = new Unnest.Columns(c, ps, json);
            cols.text(events, CrmEvent::source).text(events, CrmEvent::id).text(events, CrmEvent::type)
                    .text(events, CrmEvent::subject);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    inserted.add(rs.getString(1) + '\u0000' + rs.getString(2));
                }
            }
        }
        List<CrmEvent> fresh = new ArrayList<>(inserted.size());
        for (CrmEvent e : events) {
            // remove() so that the same event twice in one batch is applied once
            if (inserted.remove(e.source() + '\u0000' + e.id())) {
                fresh.add(e);
            }
        }
        return fresh;
    }

    /** Of several upserts of one entity in a batch, the newest (the later one on a tie). */
    private static List<CrmEvent> newestPerSubject(List<CrmEvent> events) {
        Map<String, CrmEvent> newest = new LinkedHashMap<>();
        for (CrmEvent e : events) {
            newest.merge(e.subject(), e, (old, now) -> now.time().isBefore(old.time()) ? old : now);
        }
        return new ArrayList<>(newest.values());
    }

    private void upsertUsers(Connection c, List<CrmEvent> events) throws SQLException {
        List<CrmEvent> rows = newestPerSubject(events);
        Function<CrmEvent, UserData> d = e -> e.data(UserData.class);
        stale.increment(events.size() - execute(c, rows, """
                insert into users (id, display_name, email, role, team, event_time)
                select * from unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::timestamptz[])
                on conflict (id) do update set display_name = excluded.display_name, email = excluded.email,
                    role = case when users.role = 'admin' then users.role else excluded.role end,
                    team = excluded.team, event_time = excluded.event_time
                where users.event_time is null or users.event_time <= excluded.event_time""", cols -> cols
                    .text(rows, e -> d.apply(e).id()).text(rows, e -> d.apply(e).displayName())
                    .text(rows, e -> d.apply(e).email())
                    .text(rows, e -> d.apply(e).role() == null ? "rep" : d.apply(e).role())
                    .text(rows, e -> d.apply(e).team()).time(rows, CrmEvent::time)));
    }

    private void upsertAccounts(Connection c, List<CrmEvent> events) throws SQLException {
        List<CrmEvent> rows = newestPerSubject(events);
        Function<CrmEvent, AccountData> d = e -> e.data(AccountData.class);
        stale.increment(events.size() - execute(c, rows, """
                insert into accounts (id, name, domain, industry, employees, country, annual_revenue, attributes,
                                      event_time, upserted_at)
                select * from unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::int4[], ?::text[], ?::float8[],
                                     ?::jsonb[], ?::timestamptz[], ?::timestamptz[])
                on conflict (id) do update set name = excluded.name, domain = excluded.domain,
                    industry = excluded.industry, employees = excluded.employees, country = excluded.country,
                    annual_revenue = excluded.annual_revenue, attributes = excluded.attributes,
                    event_time = excluded.event_time, updated_at = now(), upserted_at = excluded.event_time,
                    field_times = null, deleted_at = null, merged_into = null
                where accounts.event_time <= excluded.event_time""", cols -> cols
                    .text(rows, e -> d.apply(e).id()).text(rows, e -> d.apply(e).name())
                    .text(rows, e -> d.apply(e).domain()).text(rows, e -> d.apply(e).industry())
                    .ints(rows, e -> d.apply(e).employees()).text(rows, e -> d.apply(e).country())
                    .doubles(rows, e -> d.apply(e).annualRevenue()).json(rows, e -> d.apply(e).attributes())
                    .time(rows, CrmEvent::time).time(rows, CrmEvent::time)));
    }

    /** Upserts leads and returns those whose stored state changed, as entities for scoring. */
    private List<Lead> upsertLeads(Connection c, List<CrmEvent> events) throws SQLException {
        List<CrmEvent> rows = newestPerSubject(events);
        if (rows.isEmpty()) {
            return List.of();
        }
        // When each lead took the status its newest upsert gives it: the first upsert of the batch's latest run
        // with that status (by time), and whether an earlier upsert of the batch had another status. Keeping only
        // the newest upsert's time would date a decision by whatever update followed it in the same batch.
        Map<String, List<CrmEvent>> byLead = new HashMap<>();
        events.forEach(e -> byLead.computeIfAbsent(e.subject(), k -> new ArrayList<>()).add(e));
        Map<String, OffsetDateTime> since = new HashMap<>();
        Set<String> changedInBatch = new HashSet<>();
        byLead.forEach((id, upserts) -> {
            List<CrmEvent> ordered = upserts.stream().sorted(Comparator.comparing(CrmEvent::time)).toList();
            String last = status(ordered.get(ordered.size() - 1));
            int i = ordered.size() - 1;
            while (i > 0 && status(ordered.get(i - 1)).equals(last)) {
                i--;
            }
            since.put(id, ordered.get(i).time());
            if (i > 0) {
                changedInBatch.add(id);
            }
        });
        Map<String, Lead> byId = new HashMap<>();
        List<Lead> leads = new ArrayList<>(rows.size());
        for (CrmEvent e : rows) {
            Lead lead = new Lead();
            lead.apply(e.data(LeadData.class), e.time());
            leads.add(lead);
            byId.put(lead.id, lead);
        }
        List<Lead> changed = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("""
                insert into leads (id, account_id, email, first_name, last_name, title, seniority, department,
                                   source, origin, country, occupation, website_visits, website_seconds,
                                   page_views_per_visit, do_not_email, status, owner_id, attributes, crm_created_at,
                                   event_time, status_changed_at, upserted_at)
                select t.id, t.account_id, t.email, t.first_name, t.last_name, t.title, t.seniority, t.department,
                       t.source, t.origin, t.country, t.occupation, t.website_visits, t.website_seconds,
                       t.page_views_per_visit, t.do_not_email, t.status, t.owner_id, t.attributes, t.crm_created_at,
                       t.event_time, t.since, t.event_time
                  from unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[],
                              ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::float8[],
                              ?::float8[], ?::float8[], ?::bool[], ?::text[], ?::text[], ?::jsonb[],
                              ?::timestamptz[], ?::timestamptz[], ?::timestamptz[])
                    as t (id, account_id, email, first_name, last_name, title, seniority, department, source, origin,
                          country, occupation, website_visits, website_seconds, page_views_per_visit, do_not_email,
                          status, owner_id, attributes, crm_created_at, event_time, since)
                on conflict (id) do update set account_id = excluded.account_id, email = excluded.email,
                    first_name = excluded.first_name, last_name = excluded.last_name, title = excluded.title,
                    seniority = excluded.seniority, department = excluded.department, source = excluded.source,
                    origin = excluded.origin, country = excluded.country, occupation = excluded.occupation,
                    website_visits = excluded.website_visits, website_seconds = excluded.website_seconds,
                    page_views_per_visit = excluded.page_views_per_visit,
                    do_not_email = excluded.do_not_email or leads.opted_out_at is not null,
                    status = excluded.status, owner_id = excluded.owner_id, attributes = excluded.attributes,
                    crm_created_at = excluded.crm_created_at, event_time = excluded.event_time, updated_at = now(),
                    upserted_at = excluded.event_time, field_times = null, deleted_at = null, merged_into = null,
                    status_changed_at = case when leads.status = excluded.status then leads.status_changed_at
                                             else excluded.status_changed_at end
                where leads.event_time <= excluded.event_time
                returning id""")) {
            new Unnest.Columns(c, ps, json).text(leads, l -> l.id).text(leads, l -> l.accountId)
                    .text(leads, l -> l.email)
                    .text(leads, l -> l.firstName).text(leads, l -> l.lastName).text(leads, l -> l.title)
                    .text(leads, l -> l.seniority).text(leads, l -> l.department).text(leads, l -> l.source)
                    .text(leads, l -> l.origin).text(leads, l -> l.country).text(leads, l -> l.occupation)
                    .doubles(leads, l -> l.websiteVisits).doubles(leads, l -> l.websiteSeconds)
                    .doubles(leads, l -> l.pageViewsPerVisit).bools(leads, l -> l.doNotEmail)
                    .text(leads, l -> l.status).text(leads, l -> l.ownerId).json(leads, l -> l.attributes)
                    .time(leads, l -> l.crmCreatedAt).time(leads, l -> l.eventTime).time(leads, l -> since.get(l.id));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    changed.add(byId.get(rs.getString(1)));
                }
            }
        }
        // A status that changed and changed back within the batch (open → converted, stored converted) is not seen
        // by the upsert's comparison with the stored status: date it from the batch.
        List<Lead> within = changed.stream().filter(l -> changedInBatch.contains(l.id)).toList();
        execute(c, within, """
                update leads set status_changed_at = t.since
                  from unnest(?::text[], ?::timestamptz[]) as t (id, since)
                 where leads.id = t.id""", cols -> cols.text(within, l -> l.id).time(within, l -> since.get(l.id)));
        stale.increment(events.size() - changed.size());
        return changed;
    }

    private static String status(CrmEvent leadUpsert) {
        String status = leadUpsert.data(LeadData.class).status();
        return status == null ? "open" : status;
    }

    private record StageChange(String dealId, String from, String to, OffsetDateTime at, String eventId) {
    }

    private void upsertDeals(Connection c, List<CrmEvent> events) throws SQLException {
        if (events.isEmpty()) {
            return;
        }
        // The stored stage and time of each deal, to record every stage the batch moves it through.
        Map<String, String> stage = new HashMap<>();
        Map<String, OffsetDateTime> at = new HashMap<>();
        List<String> ids = events.stream().map(CrmEvent::subject).distinct().toList();
        try (PreparedStatement ps = c.prepareStatement(
                "select id, stage, event_time from deals where id = any(?::text[])")) {
            ps.setArray(1, c.createArrayOf("text", ids.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    stage.put(rs.getString(1), rs.getString(2));
                    at.put(rs.getString(1), rs.getObject(3, OffsetDateTime.class));
                }
            }
        }
        // In arrival order, as if applied one by one: an upsert older than the deal's state so far is stale,
        // whether that state was stored by an earlier batch or set by an earlier event of this one.
        List<StageChange> changes = new ArrayList<>();
        for (CrmEvent e : events) {
            DealData deal = e.data(DealData.class);
            OffsetDateTime stored = at.get(deal.id());
            if (stored != null && e.time().isBefore(stored)) {
                continue;
            }
            if (!deal.stage().equals(stage.get(deal.id()))) {
                changes.add(new StageChange(deal.id(), stage.get(deal.id()), deal.stage(), e.time(), e.id()));
            }
            stage.put(deal.id(), deal.stage());
            at.put(deal.id(), e.time());
        }
        List<CrmEvent> rows = newestPerSubject(events);
        Function<CrmEvent, DealData> d = e -> e.data(DealData.class);
        stale.increment(rows.size() - execute(c, rows, """
                insert into deals (id, name, account_id, lead_id, amount, currency, stage, owner_id, attributes,
                                   crm_created_at, closed_at, event_time, upserted_at)
                select * from unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::float8[], ?::text[], ?::text[],
                                     ?::text[], ?::jsonb[], ?::timestamptz[], ?::timestamptz[], ?::timestamptz[],
                                     ?::timestamptz[])
                on conflict (id) do update set name = excluded.name, account_id = excluded.account_id,
                    lead_id = excluded.lead_id, amount = excluded.amount, currency = excluded.currency,
                    stage = excluded.stage, owner_id = excluded.owner_id, attributes = excluded.attributes,
                    crm_created_at = excluded.crm_created_at, closed_at = excluded.closed_at,
                    event_time = excluded.event_time, updated_at = now(), upserted_at = excluded.event_time,
                    field_times = null, deleted_at = null, merged_into = null
                where deals.event_time <= excluded.event_time""", cols -> cols
                    .text(rows, e -> d.apply(e).id()).text(rows, e -> d.apply(e).name())
                    .text(rows, e -> d.apply(e).accountId()).text(rows, e -> d.apply(e).leadId())
                    .doubles(rows, e -> d.apply(e).amount()).text(rows, e -> d.apply(e).currency())
                    .text(rows, e -> d.apply(e).stage()).text(rows, e -> d.apply(e).ownerId())
                    .json(rows, e -> d.apply(e).attributes()).time(rows, e -> d.apply(e).createdAt())
                    .time(rows, e -> d.apply(e).closedAt()).time(rows, CrmEvent::time).time(rows, CrmEvent::time)));
        execute(c, changes, """
                insert into deal_stages (deal_id, from_stage, to_stage, changed_at, event_id)
                select * from unnest(?::text[], ?::text[], ?::text[], ?::timestamptz[], ?::text[])
                on conflict (event_id) do nothing""", cols -> cols
                    .text(changes, StageChange::dealId).text(changes, StageChange::from)
                    .text(changes, StageChange::to).time(changes, StageChange::at)
                    .text(changes, StageChange::eventId));
    }

    /** A table whose records CRMs patch and delete, and the upsert its patches are applied as. */
    private record PatchTarget(String table, String upsertType, Class<? extends EventData> data) {

        private static final PropertyNamingStrategies.SnakeCaseStrategy SNAKE =
                new PropertyNamingStrategies.SnakeCaseStrategy();

        /** The column of a data field: snake case, and the CRM's creation time is {@code crm_created_at}. */
        String column(String field) {
            return field.equals("createdAt") ? "crm_created_at" : SNAKE.translate(field);
        }
    }

    private static final PatchTarget ACCOUNTS = new PatchTarget("accounts", EventTypes.ACCOUNT_UPSERTED,
            AccountData.class);
    private static final PatchTarget LEADS = new PatchTarget("leads", EventTypes.LEAD_UPSERTED, LeadData.class);
    private static final PatchTarget DEALS = new PatchTarget("deals", EventTypes.DEAL_UPSERTED, DealData.class);

    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {
    };

    /** A table's upsert. */
    @FunctionalInterface
    private interface Upsert<T> {
        List<T> write(Connection c, List<CrmEvent> rows) throws SQLException;
    }

    /**
     * Merges the patches with the stored records (locked), writes each merged record through the table's upsert
     * like any other, then records which fields the patches set and when (the upsert resets that, as a full upsert
     * must). Returns what the upsert returned.
     */
    private <T> List<T> applyPatches(Connection c, PatchTarget target, List<CrmEvent> patches, Upsert<T> upsert)
            throws SQLException {
        if (patches.isEmpty()) {
            return List.of();
        }
        Map<String, List<CrmEvent>> bySubject = new LinkedHashMap<>();
        patches.forEach(p -> bySubject.computeIfAbsent(p.subject(), k -> new ArrayList<>()).add(p));
        Map<String, RecordPatch> merged = new LinkedHashMap<>();
        try (PreparedStatement ps = c.prepareStatement("select id, to_jsonb(t), upserted_at, field_times, event_time, "
                + "deleted_at from " + target.table() + " t where id = any(?::text[]) for update")) {
            ps.setArray(1, c.createArrayOf("text", bySubject.keySet().toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Map<String, Object> row = readJson(rs.getString(2));
                    Map<String, Object> stored = new LinkedHashMap<>();
                    for (var component : target.data().getRecordComponents()) {
                        if (!component.getName().equals("attributes")) {
                            stored.put(component.getName(), row.get(target.column(component.getName())));
                        }
                    }
                    @SuppressWarnings("unchecked")
                    Map<String, Object> attributes = (Map<String, Object>) row.get("attributes");
                    Map<String, OffsetDateTime> times = new HashMap<>();
                    if (rs.getString(4) != null) {
                        readJson(rs.getString(4)).forEach((k, v) -> times.put(k, OffsetDateTime.parse((String) v)));
                    }
                    OffsetDateTime eventTime = rs.getObject(5, OffsetDateTime.class);
                    merged.put(rs.getString(1), new RecordPatch(stored, attributes, times,
                            rs.getObject(3, OffsetDateTime.class), eventTime,
                            rs.getObject(6, OffsetDateTime.class)));
                }
            }
        }
        List<CrmEvent> upserts = new ArrayList<>();
        List<Map.Entry<String, RecordPatch>> written = new ArrayList<>();
        for (var entry : bySubject.entrySet()) {
            RecordPatch record = merged.computeIfAbsent(entry.getKey(),
                    id -> new RecordPatch(Map.of("id", id), Map.of(), Map.of(), null, null, null));
            record.applyAll(entry.getValue());
            if (!record.changed()) {
                stale.increment(entry.getValue().size());
                continue;
            }
            Map<String, Object> data = record.data();
            data.put("id", entry.getKey());
            if (target == DEALS) { // a deal first seen through a patch of other fields
                if (data.get("name") == null) {
                    data.put("name", entry.getKey());
                }
                if (data.get("stage") == null) {
                    data.put("stage", "prospecting");
                }
            }
            CrmEvent last = entry.getValue().get(entry.getValue().size() - 1);
            CloudEvent whole = CloudEventBuilder.v1(last.cloudEvent()).withType(target.upsertType())
                    .withTime(record.eventTime()).build();
            upserts.add(new CrmEvent(whole, json.convertValue(data, target.data())));
            written.add(Map.entry(entry.getKey(), record));
        }
        List<T> result = upsert.write(c, upserts);
        execute(c, written, "update " + target.table() + """
                 set upserted_at = t.upserted_at, field_times = t.field_times, deleted_at = t.deleted_at,
                     merged_into = case when t.deleted_at is null then null else merged_into end
                from unnest(?::text[], ?::timestamptz[], ?::jsonb[], ?::timestamptz[])
                  as t (id, upserted_at, field_times, deleted_at)
               where %s.id = t.id""".formatted(target.table()), cols -> cols
                .text(written, Map.Entry::getKey).time(written, e -> e.getValue().upsertedAt())
                .json(written, e -> e.getValue().fieldTimes()).time(written, e -> e.getValue().deletedAt()));
        return result;
    }

    /**
     * Marks records deleted (or merged into another) when the deletion is not older than their last change. A
     * record that is not stored is left alone.
     */
    private void markDeleted(Connection c, PatchTarget target, List<CrmEvent> deletions) throws SQLException {
        List<CrmEvent> rows = newestPerSubject(deletions);
        stale.increment(rows.size() - execute(c, rows, "update " + target.table() + """
                 set deleted_at = t.at, merged_into = t.merged_into, event_time = t.at, updated_at = now()
                from unnest(?::text[], ?::timestamptz[], ?::text[]) as t (id, at, merged_into)
               where %s.id = t.id and %s.event_time <= t.at""".formatted(target.table(), target.table()), cols -> cols
                .text(rows, CrmEvent::subject).time(rows, CrmEvent::time)
                .text(rows, e -> e.data(DeletedData.class).mergedInto())));
    }

    private Map<String, Object> readJson(String text) throws SQLException {
        try {
            return json.readValue(text, MAP);
        } catch (java.io.IOException e) {
            throw new SQLException("stored JSON could not be read: " + e.getMessage(), e);
        }
    }

    private void insertActivities(Connection c, List<CrmEvent> rows) throws SQLException {
        Function<CrmEvent, ActivityData> d = e -> e.data(ActivityData.class);
        execute(c, rows, """
                insert into activities (id, lead_id, type, occurred_at, properties, event_id)
                select * from unnest(?::text[], ?::text[], ?::text[], ?::timestamptz[], ?::jsonb[], ?::text[])
                on conflict (id) do nothing""", cols -> cols
                    .text(rows, e -> d.apply(e).id() == null ? e.id() : d.apply(e).id())
                    .text(rows, e -> d.apply(e).leadId()).text(rows, e -> d.apply(e).type())
                    .time(rows, e -> d.apply(e).occurredAt()).json(rows, e -> d.apply(e).properties())
                    .text(rows, CrmEvent::id));
    }

    private void insertEmails(Connection c, List<CrmEvent> rows) throws SQLException {
        Function<CrmEvent, EmailSentData> d = e -> e.data(EmailSentData.class);
        execute(c, rows, """
                insert into emails (id, lead_id, owner_id, thread_id, subject, body, sent_at, sequence_id,
                                    sequence_step, variant, attributes, event_id)
                select * from unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[],
                                     ?::timestamptz[], ?::text[], ?::int4[], ?::text[], ?::jsonb[], ?::text[])
                on conflict (id) do nothing""", cols -> cols
                    .text(rows, e -> d.apply(e).id()).text(rows, e -> d.apply(e).leadId())
                    .text(rows, e -> d.apply(e).ownerId()).text(rows, e -> d.apply(e).threadId())
                    .text(rows, e -> d.apply(e).subject()).text(rows, e -> d.apply(e).body())
                    .time(rows, e -> d.apply(e).sentAt()).text(rows, e -> d.apply(e).sequenceId())
                    .ints(rows, e -> d.apply(e).sequenceStep()).text(rows, e -> d.apply(e).variant())
                    .json(rows, e -> d.apply(e).attributes()).text(rows, CrmEvent::id));
    }

    private void insertReplies(Connection c, List<CrmEvent> rows) throws SQLException {
        Function<CrmEvent, EmailRepliedData> d = e -> e.data(EmailRepliedData.class);
        execute(c, rows, """
                insert into email_replies (id, lead_id, email_id, thread_id, subject, body, received_at, attributes,
                                           event_id)
                select * from unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[],
                                     ?::timestamptz[], ?::jsonb[], ?::text[])
                on conflict (id) do nothing""", cols -> cols
                    .text(rows, e -> d.apply(e).id()).text(rows, e -> d.apply(e).leadId())
                    .text(rows, e -> d.apply(e).emailId()).text(rows, e -> d.apply(e).threadId())
                    .text(rows, e -> d.apply(e).subject()).text(rows, e -> d.apply(e).body())
                    .time(rows, e -> d.apply(e).receivedAt()).json(rows, e -> d.apply(e).attributes())
                    .text(rows, CrmEvent::id));
    }

    private void insertCalls(Connection c, List<CrmEvent> rows) throws SQLException {
        Function<CrmEvent, CallTranscribedData> d = e -> e.data(CallTranscribedData.class);
        execute(c, rows, """
                insert into calls (id, lead_id, deal_id, owner_id, title, started_at, duration_ms, participants,
                                   utterances, attributes, event_id)
                select * from unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::timestamptz[],
                                     ?::int8[], ?::jsonb[], ?::jsonb[], ?::jsonb[], ?::text[])
                on conflict (id) do nothing""", cols -> cols
                    .text(rows, e -> d.apply(e).id()).text(rows, e -> d.apply(e).leadId())
                    .text(rows, e -> d.apply(e).dealId()).text(rows, e -> d.apply(e).ownerId())
                    .text(rows, e -> d.apply(e).title()).time(rows, e -> d.apply(e).startedAt())
                    .longs(rows, e -> d.apply(e).utterances().stream()
                            .mapToLong(CallTranscribedData.Utterance::endMs).max().orElse(0))
                    .json(rows, e -> d.apply(e).participants() == null ? List.of() : d.apply(e).participants())
                    .json(rows, e -> d.apply(e).utterances()).json(rows, e -> d.apply(e).attributes())
                    .text(rows, CrmEvent::id));
    }

    /**
     * Queues leads for scoring, due after the debounce time; a lead already queued moves its due time later, but
     * never past its first queueing plus the longest wait.
     */
    private void queueForScoring(Connection c, Map<String, String> eventByLead) throws SQLException {
        List<Map.Entry<String, String>> rows = new ArrayList<>(eventByLead.entrySet());
        CloserConfig.Scoring scoring = config.scoring();
        execute(c, rows, """
                insert into lead_score_queue (lead_id, due_at, event_id)
                select t.lead_id, now() + make_interval(secs => ?), t.event_id
                  from unnest(?::text[], ?::text[]) as t (lead_id, event_id)
                on conflict (lead_id) do update set event_id = excluded.event_id,
                    due_at = least(excluded.due_at, lead_score_queue.first_queued_at + make_interval(secs => ?))""",
                cols -> cols.seconds(scoring.debounce()).text(rows, Map.Entry::getKey)
                        .text(rows, Map.Entry::getValue).seconds(scoring.maxWait()));
    }

    private int execute(Connection c, List<?> rows, String sql, Unnest.Binder binder) throws SQLException {
        return Unnest.execute(c, json, rows, sql, binder);
    }
}
