-- Call analysis (#6): per call, the conversation metrics (ingest's CallMetrics), the tone of every utterance, the
-- trackers that fired and the deal's warnings; the trackers themselves; and the analyser's queue.

-- One row per analysed call. metrics: CallMetrics.Result as JSON; participants: its per-participant list (kept
-- apart for the speaker view). tone: {"utterances": [{index, startMs, speaker, role, label, positive}],
-- "prospect": [{startMs, endMs, positive, utterances}], "rep": [...]} with ~20 smoothed points per side.
-- prospect_tone_trend: least-squares slope of the prospect's p(positive) per minute of call. tracker_hits:
-- [{tracker, kind, index, startMs, speaker, text, similarity}]. warnings: [{code, message, evidence}] about the
-- call's deal. win_probability: null until a call-win model is served (see CallAnalysis.winProbability).
-- The flat columns (talk_ratio ...) repeat values from metrics so the aggregates read no JSON.
create table call_analyses (
    call_id               text primary key references calls (id) on delete cascade,
    lead_id               text        not null,
    deal_id               text,
    owner_id              text,
    metrics               jsonb       not null,
    participants          jsonb       not null,
    tone                  jsonb       not null,
    prospect_tone_trend   real,
    tracker_hits          jsonb       not null default '[]'::jsonb,
    win_probability       real,
    warnings              jsonb       not null default '[]'::jsonb,
    models                text        not null,
    duration_ms           bigint      not null,
    talk_ratio            real,
    longest_monologue_ms  bigint,
    questions             integer     not null default 0,
    patience_ms           real,
    analysed_at           timestamptz not null default now()
);
create index call_analyses_lead_idx on call_analyses (lead_id);
create index call_analyses_deal_idx on call_analyses (deal_id);
create index call_analyses_owner_idx on call_analyses (owner_id, analysed_at);

-- The analyser's queue: calls not analysed yet (as emails.predicted_at is the email predictor's).
-- A call whose stored transcript cannot be analysed (it passed the event's checks but not CallTranscripts', e.g. one
-- speaker with two roles) leaves the queue with the reason in analysis_error and no call_analyses row.
alter table calls add column analysed_at timestamptz;
alter table calls add column analysis_error text;
create index calls_unanalysed_idx on calls (started_at) where analysed_at is null;

-- What to listen for. keyword: any of phrases, case-insensitive, as whole words. semantic: an utterance whose
-- sentence vector has cosine similarity >= threshold to any of examples. built_in: seeded here (an admin may edit
-- or deactivate them, not delete them).
create table call_trackers (
    id         bigserial primary key,
    name       text        not null,
    kind       text        not null check (kind in ('keyword', 'semantic')),
    phrases    text[]      not null default '{}',
    examples   text[]      not null default '{}',
    threshold  real        not null default 0.70 check (threshold > 0 and threshold <= 1),
    built_in   boolean     not null default false,
    active     boolean     not null default true,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    unique (name, kind),
    check (kind <> 'keyword' or cardinality(phrases) > 0),
    check (kind <> 'semantic' or cardinality(examples) > 0)
);

-- The defaults: each topic as a keyword tracker and as a semantic one. The semantic threshold (0.70) was chosen on
-- services/app/src/test/resources/call/tracker-calibration.tsv; see docs/call-metrics.md.
insert into call_trackers (name, kind, phrases, built_in) values
    ('pricing', 'keyword', '{price,pricing,cost,costs,discount,per seat,per user,license fee,quote}', true),
    ('competitors', 'keyword', '{competitor,competitors,alternative,alternatives,other vendor,other vendors,switch from}', true),
    ('next steps', 'keyword', '{next step,next steps,follow up,follow-up,send over,schedule,calendar invite}', true),
    ('objections', 'keyword', '{concern,concerns,not sure,too expensive,worried,hesitant,not a priority}', true),
    ('budget', 'keyword', '{budget,budgeted,funding,spend,fiscal year}', true),
    ('timeline', 'keyword', '{timeline,deadline,by the end of,this quarter,next quarter,go live,go-live,rollout}', true),
    ('decision makers', 'keyword', '{decision maker,decision makers,sign off,sign-off,approve,approval,my boss,procurement,legal team}', true);

insert into call_trackers (name, kind, examples, threshold, built_in) values
    ('pricing', 'semantic', '{"How much does this cost?","What would the price be for our team?","Can you walk me through your pricing tiers?","Is there a discount if we sign for two years?"}', 0.70, true),
    ('competitors', 'semantic', '{"We are also evaluating another vendor.","How are you different from your main competitor?","We currently use a different tool for this.","Another company offered us something similar."}', 0.70, true),
    ('next steps', 'semantic', '{"Let us schedule a follow-up meeting next week.","I will send you the proposal after this call.","What are the next steps from here?","Can we book a demo with my team?"}', 0.70, true),
    ('objections', 'semantic', '{"I am not sure this is the right fit for us.","That seems too expensive for what it does.","We are worried about the implementation effort.","This is not a priority for us right now."}', 0.70, true),
    ('budget', 'semantic', '{"Do you have budget set aside for this?","Our budget for this year is already allocated.","We need to find the money for this project.","How much are you planning to spend on this?"}', 0.70, true),
    ('timeline', 'semantic', '{"When do you need this to be live?","We want to roll this out by the end of the quarter.","What is your timeline for making a decision?","We have a hard deadline in March."}', 0.70, true),
    ('decision makers', 'semantic', '{"Who else is involved in making this decision?","My manager has to approve the purchase.","Procurement and legal will need to review the contract.","The final sign-off is with our CFO."}', 0.70, true);
