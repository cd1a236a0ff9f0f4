-- Closer's first tables: the CRM entities, their scores, the model registry, the event inbox, and API keys.
-- Ids of CRM entities are the ids the events carry (the CloudEvent subject), so upserts need no lookup table.

create table accounts (
    id              text primary key,
    name            text        not null,
    domain          text,
    industry        text,
    employees       integer,
    country         text,
    annual_revenue  double precision,
    attributes      jsonb       not null default '{}'::jsonb,
    event_time      timestamptz not null,   -- time of the event that wrote this state; older events never overwrite it
    created_at      timestamptz not null default now(),
    updated_at      timestamptz not null default now()
);

create table users (
    id            text primary key,          -- the id CRM events use for owners (leads.owner_id)
    display_name  text        not null,
    role          text        not null check (role in ('admin', 'manager', 'rep')),
    team          text,
    created_at    timestamptz not null default now()
);

create table leads (
    id                    text primary key,
    account_id            text,
    email                 text,
    first_name            text,
    last_name             text,
    title                 text,
    source                text,
    origin                text,
    country               text,
    occupation            text,
    website_visits        double precision,
    website_seconds       double precision,
    page_views_per_visit  double precision,
    do_not_email          boolean,
    status                text        not null default 'open' check (status in ('open', 'converted', 'disqualified')),
    owner_id              text,
    attributes            jsonb       not null default '{}'::jsonb,
    crm_created_at        timestamptz,
    event_time            timestamptz not null,
    created_at            timestamptz not null default now(),
    updated_at            timestamptz not null default now()
);
create index leads_owner_idx on leads (owner_id);
create index leads_account_idx on leads (account_id);
create index leads_open_idx on leads (id) where status = 'open';

-- Append-only; no foreign key to leads because an activity may arrive before its lead.
create table activities (
    id           text primary key,
    lead_id      text        not null,
    type         text        not null,
    occurred_at  timestamptz not null,
    properties   jsonb       not null default '{}'::jsonb,
    event_id     text        not null,
    created_at   timestamptz not null default now()
);
create index activities_lead_time_idx on activities (lead_id, occurred_at desc);

create table models (
    id            bigserial primary key,
    name          text        not null,
    version       text        not null,
    sha256        text        not null,
    status        text        not null check (status in ('active', 'shadow', 'retired', 'registered')),
    metrics       jsonb,
    card          text,
    created_at    timestamptz not null default now(),
    activated_at  timestamptz,
    unique (name, version)
);
create unique index models_one_active_idx on models (name) where status = 'active';

-- Score history: every score ever given, with the model version that gave it.
create table lead_scores (
    id             bigserial primary key,
    lead_id        text             not null references leads (id) on delete cascade,
    model_name     text             not null,
    model_version  text             not null,
    probability    double precision not null check (probability >= 0 and probability <= 1),
    score          smallint         not null check (score between 1 and 99),
    grade          char(1)          not null check (grade in ('A', 'B', 'C', 'D')),
    factors        jsonb            not null default '[]'::jsonb,
    event_id       text,
    scored_at      timestamptz      not null default now()
);
create index lead_scores_lead_time_idx on lead_scores (lead_id, scored_at desc, id desc);

-- The inbox: one row per CloudEvent applied (source + id is unique per the CloudEvents spec). A redelivered
-- event finds its row and changes nothing.
create table ingested_events (
    source       text        not null,
    id           text        not null,
    type         text        not null,
    subject      text        not null,
    received_at  timestamptz not null default now(),
    primary key (source, id)
);

create table api_keys (
    id            bigserial primary key,
    user_id       text        not null references users (id),
    key_hash      text        not null unique,   -- hex SHA-256 of the whole key; the key itself is never stored
    label         text,
    created_at    timestamptz not null default now(),
    last_used_at  timestamptz,
    revoked_at    timestamptz
);
