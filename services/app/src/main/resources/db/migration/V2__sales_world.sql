-- The rest of a sales organisation's events: CRM owners, deals with their stage history, sales emails and
-- replies, and call transcripts.

alter table users add column email text;
alter table users add column event_time timestamptz;

alter table leads add column seniority text;
alter table leads add column department text;

create table deals (
    id              text primary key,
    name            text             not null,
    account_id      text,
    lead_id         text,
    amount          double precision,
    currency        text,
    stage           text             not null,
    owner_id        text,
    attributes      jsonb            not null default '{}'::jsonb,
    crm_created_at  timestamptz,
    closed_at       timestamptz,
    event_time      timestamptz      not null,
    created_at      timestamptz      not null default now(),
    updated_at      timestamptz      not null default now()
);
create index deals_account_idx on deals (account_id);
create index deals_owner_idx on deals (owner_id);
create index deals_open_idx on deals (stage) where stage not in ('closed_won', 'closed_lost');

-- Every stage a deal entered, when, and from which stage (null for its first).
create table deal_stages (
    id          bigserial   primary key,
    deal_id     text        not null,
    from_stage  text,
    to_stage    text        not null,
    changed_at  timestamptz not null,
    event_id    text        not null unique
);
create index deal_stages_deal_idx on deal_stages (deal_id, changed_at);

create table emails (
    id             text primary key,
    lead_id        text        not null,
    owner_id       text,
    thread_id      text,
    subject        text        not null,
    body           text        not null,
    sent_at        timestamptz not null,
    sequence_id    text,
    sequence_step  integer,
    variant        text,
    attributes     jsonb       not null default '{}'::jsonb,
    event_id       text        not null
);
create index emails_lead_idx on emails (lead_id, sent_at);
create index emails_sequence_idx on emails (sequence_id, sequence_step, variant);

create table email_replies (
    id           text primary key,
    lead_id      text        not null,
    email_id     text,
    thread_id    text,
    subject      text,
    body         text        not null,
    received_at  timestamptz not null,
    attributes   jsonb       not null default '{}'::jsonb,
    event_id     text        not null
);
create index email_replies_lead_idx on email_replies (lead_id, received_at);
create index email_replies_email_idx on email_replies (email_id);

create table calls (
    id            text primary key,
    lead_id       text        not null,
    deal_id       text,
    owner_id      text,
    title         text,
    started_at    timestamptz not null,
    duration_ms   bigint      not null,
    participants  jsonb       not null default '[]'::jsonb,
    utterances    jsonb       not null,
    attributes    jsonb       not null default '{}'::jsonb,
    event_id      text        not null
);
create index calls_lead_idx on calls (lead_id, started_at);
create index calls_deal_idx on calls (deal_id, started_at);
