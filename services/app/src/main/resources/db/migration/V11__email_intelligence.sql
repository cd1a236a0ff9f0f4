-- Email intelligence (#5): the intent of each inbound reply, the opt-outs it caused, and the per-variant counts the
-- sequence A/B analytics read.

-- One row per classified reply (email_replies.id). new_text is what the classifier read (ReplyText: no quoted
-- chain, signature or HTML); stripped says what was taken away. acted: what Closer did because of it (do_not_email
-- for an unsubscribe above the model's threshold), null when nothing.
create table reply_intents (
    reply_id       text primary key references email_replies (id) on delete cascade,
    lead_id        text        not null,
    intent         text        not null,
    confidence     real        not null,
    probabilities  jsonb       not null,
    new_text       text        not null,
    stripped       jsonb       not null default '{}'::jsonb,
    acted          text,
    model          text        not null,
    tone           text,
    tone_positive  real,
    classified_at  timestamptz not null default now()
);
create index reply_intents_lead_idx on reply_intents (lead_id);
-- The classifier's queue: replies not classified yet.
alter table email_replies add column classified_at timestamptz;
create index email_replies_unclassified_idx on email_replies (received_at) where classified_at is null;
create index reply_intents_intent_idx on reply_intents (intent);

-- Closer's own opt-out of a lead, apart from the CRM's do_not_email: a CRM upsert that still says false cannot undo
-- it (the upsert keeps do_not_email true while opted_out_at is set). Cleared only by an admin, through the API.
alter table leads add column opted_out_at timestamptz;

-- The audit trail of every change Closer made to a lead's do-not-email state, and why.
create table do_not_email_changes (
    id           bigserial primary key,
    lead_id      text        not null,
    do_not_email boolean     not null,
    reason       text        not null,
    reply_id     text,
    intent       text,
    confidence   real,
    model        text,
    changed_by   text        not null,
    changed_at   timestamptz not null default now()
);
create index do_not_email_changes_lead_idx on do_not_email_changes (lead_id, changed_at);

-- Sends, replies and positive replies per sequence step and variant, refreshed (concurrently) on a schedule and
-- after each nightly run. A reply counts once per email; an out-of-office auto-reply is not a reply; a positive
-- reply is one classified interested. Replies not classified yet count as replies, not as positive.
create materialized view sequence_variant_stats as
select e.sequence_id,
       e.sequence_step,
       coalesce(e.variant, '')                                                     as variant,
       count(*)                                                                    as sent,
       count(*) filter (where r.replied)                                           as replied,
       count(*) filter (where r.positive)                                          as positive,
       min(e.sent_at)                                                              as first_sent_at,
       max(e.sent_at)                                                              as last_sent_at,
       min(e.attributes ->> 'sequence_name')                                       as sequence_name
  from emails e
  join leads l on l.id = e.lead_id and l.deleted_at is null
  left join lateral (
        select bool_or(i.intent is distinct from 'out_of_office') as replied,
               bool_or(i.intent = 'interested')                  as positive
          from email_replies er
          left join reply_intents i on i.reply_id = er.id
         where er.email_id = e.id) r on true
 where e.sequence_id is not null and e.sequence_step is not null
 group by e.sequence_id, e.sequence_step, coalesce(e.variant, '');
create unique index sequence_variant_stats_key on sequence_variant_stats (sequence_id, sequence_step, variant);

-- When each materialized view was last refreshed, by any instance.
create table view_refreshes (
    view_name     text primary key,
    refreshed_at  timestamptz not null
);
insert into view_refreshes values ('sequence_variant_stats', now());

-- p(reply) of every sent email, predicted before its reply could be known (the reply model, on the email as sent and
-- what Closer knew of the lead at the send); joined with the real replies for calibration. The emails not predicted
-- yet are the predictor's queue.
create table email_predictions (
    email_id   text primary key references emails (id) on delete cascade,
    lead_id    text        not null,
    p_reply    real        not null,
    model      text        not null,
    scored_at  timestamptz not null default now()
);
alter table emails add column predicted_at timestamptz;
create index emails_unpredicted_idx on emails (sent_at) where predicted_at is null;
