-- Lead scoring moves out of the ingest transaction: every event about a lead (its upsert, an activity, an email,
-- a reply, a call) queues the lead, and the scoring worker scores each queued lead once its burst of events is
-- over (debounced), with its recent activity as the model's sequence input.

-- When the lead's status last changed (the decision time of a converted or disqualified lead). Training exports
-- use it to cut a lead's history at the moment it was decided, so nothing after the outcome leaks into features.
alter table leads add column status_changed_at timestamptz;
update leads set status_changed_at = event_time;

-- One row per lead waiting to be scored. due_at moves later with each new event (the debounce), but never past
-- first_queued_at + the longest wait, so a lead that never stops moving is still scored.
create table lead_score_queue (
    lead_id          text        primary key,
    due_at           timestamptz not null,
    first_queued_at  timestamptz not null default now(),
    event_id         text
);
create index lead_score_queue_due_idx on lead_score_queue (due_at);
