-- Webhooks out (#7): subscriptions, one delivery per (subscription, event), and every attempt made.
create table webhook_subscriptions (
    id          bigserial   primary key,
    url         text        not null,
    secret      text        not null,
    events      text[]      not null,
    min_points  int         not null default 10 check (min_points >= 1),
    active      boolean     not null default true,
    description text,
    created_at  timestamptz not null default now()
);

create table webhook_deliveries (
    id               bigserial   primary key,
    subscription_id  bigint      not null references webhook_subscriptions (id) on delete cascade,
    event_id         text        not null,
    event_type       text        not null,
    payload          jsonb       not null,
    status           text        not null default 'pending' check (status in ('pending', 'delivered', 'dead')),
    attempts         int         not null default 0,
    next_attempt_at  timestamptz not null default now(),
    last_status      int,
    last_error       text,
    created_at       timestamptz not null default now(),
    delivered_at     timestamptz,
    unique (subscription_id, event_id)
);
create index webhook_deliveries_due_idx on webhook_deliveries (next_attempt_at) where status = 'pending';

create table webhook_attempts (
    id           bigserial   primary key,
    delivery_id  bigint      not null references webhook_deliveries (id) on delete cascade,
    attempt      int         not null,
    at           timestamptz not null default now(),
    status_code  int,
    error        text,
    millis       int         not null
);
create index webhook_attempts_delivery_idx on webhook_attempts (delivery_id);
