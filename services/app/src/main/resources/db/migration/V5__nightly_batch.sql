-- The nightly batch rescores every open lead. A run is split into chunks (keyset ranges of lead ids) that any
-- instance claims with FOR UPDATE SKIP LOCKED; a chunk is scored and marked done in one transaction, and a
-- claimed chunk whose lease runs out (its instance died or hangs) is claimed again by another instance.

create table batch_runs (
    id             bigserial   primary key,
    kind           text        not null default 'rescore' check (kind in ('rescore')),
    -- The night a scheduled run covers: one scheduled run per night, whichever instance fires first.
    night          date,
    trigger        text        not null check (trigger in ('schedule', 'api')),
    requested_by   text,
    status         text        not null default 'running' check (status in ('running', 'finished', 'cancelled')),
    model_name     text        not null,
    total          integer     not null,
    chunk_size     integer     not null,
    created_at     timestamptz not null default now(),
    finished_at    timestamptz,
    -- The end-of-run summary: counts, rate, drift (see batch_drift), aggregates refreshed.
    summary        jsonb
);
create unique index batch_runs_night_idx on batch_runs (kind, night) where trigger = 'schedule';
create index batch_runs_running_idx on batch_runs (id) where status = 'running';

create table batch_chunks (
    run_id         bigint      not null references batch_runs (id) on delete cascade,
    seq            integer     not null,
    -- Lead ids from first_id to last_id, both included, in text order (leads.id's order).
    first_id       text        not null,
    last_id        text        not null,
    planned        integer     not null,
    status         text        not null default 'pending' check (status in ('pending', 'claimed', 'done')),
    owner          text,
    attempts       integer     not null default 0,
    lease_until    timestamptz,
    scored         integer     not null default 0,
    changed        integer     not null default 0,
    failed         integer     not null default 0,
    -- Per-feature histograms of what the chunk's leads fed the model (for drift), summed at the end of the run.
    histograms     jsonb,
    model_version  text,
    claimed_at     timestamptz,
    finished_at    timestamptz,
    primary key (run_id, seq)
);
create index batch_chunks_open_idx on batch_chunks (run_id, seq) where status <> 'done';

-- The run that wrote a history row (null: an event's rescore), so a run's changes can be counted.
alter table lead_scores add column run_id bigint references batch_runs (id) on delete set null;
create index lead_scores_run_idx on lead_scores (run_id) where run_id is not null;

-- The model's probability before decay: a later rescore that finds it (nearly) unchanged keeps the factors and
-- only updates decay's, instead of explaining the lead again.
alter table lead_scores add column model_probability double precision;

-- Leads a run could not score, with the reason; the run skips them and goes on.
create table batch_failures (
    run_id         bigint      not null references batch_runs (id) on delete cascade,
    lead_id        text        not null,
    reason         text        not null,
    at             timestamptz not null default now(),
    primary key (run_id, lead_id)
);

-- Score changes waiting to go onto the scores topic (the transactional outbox): written in the transaction that
-- writes the history row, published and deleted by any instance, so a change is never lost between the two.
create table score_outbox (
    id              bigserial        primary key,
    score_id        bigint           not null,
    lead_id         text             not null,
    model_name      text             not null,
    model_version   text             not null,
    probability     double precision not null,
    score           smallint         not null,
    grade           char(1)          not null,
    previous_score  smallint,
    previous_grade  char(1),
    cause           text             not null check (cause in ('event', 'batch')),
    run_id          bigint,
    scored_at       timestamptz      not null
);

-- Per-day figures the dashboards read, refreshed by the nightly run (and on demand) for the days it covers.
create table daily_lead_stats (
    day              date        primary key,
    leads_created    integer     not null,
    leads_converted  integer     not null,
    leads_disqualified integer   not null,
    open_leads       integer     not null,
    activities       integer     not null,
    emails_sent      integer     not null,
    replies          integer     not null,
    scored_leads     integer     not null,
    mean_score       double precision,
    grade_a          integer     not null,
    grade_b          integer     not null,
    grade_c          integer     not null,
    grade_d          integer     not null,
    refreshed_at     timestamptz not null default now()
);

-- The per-day counts read these by time alone.
create index activities_time_idx on activities (occurred_at);
create index emails_sent_idx on emails (sent_at);
create index email_replies_received_idx on email_replies (received_at);
create index leads_status_changed_idx on leads (status_changed_at) where status <> 'open';
