-- CRM writers (#7): a subscription can target a CRM writer (a webhook source's `writer` settings) instead of a
-- URL, so score writes to HubSpot and Salesforce go through the same deliveries, retries, attempt log, dead state
-- and replay as webhooks. Writer rows are made from the configuration at start-up; their credentials stay in the
-- configuration and are never stored here.
alter table webhook_subscriptions
    alter column url drop not null,
    alter column secret drop not null,
    add column writer text unique,
    add constraint webhook_subscriptions_target
        check ((writer is null and url is not null and secret is not null) or (writer is not null and url is null));

-- A writer's delivery names its lead, so that a write older than one already queued for the same lead is skipped
-- instead of putting a stale score back into the CRM.
alter table webhook_deliveries
    add column lead_id text,
    drop constraint webhook_deliveries_status_check,
    add constraint webhook_deliveries_status_check check (status in ('pending', 'delivered', 'dead', 'skipped'));
create index webhook_deliveries_lead_idx on webhook_deliveries (subscription_id, lead_id, id) where lead_id is not null;
