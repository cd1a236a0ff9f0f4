-- The model registry: versions are uploaded (or shipped in the app) with their files, validated against their
-- parity file, then activated, shadowed, retired and rolled back; every instance serves the bytes stored here.

-- registered: stored, not yet validated; validated: loads and its parity file passes; invalid: it does not;
-- shadow: scores beside the active version, results kept apart (one per name); active: serves (one per name);
-- retired: served before, may be activated again (rollback).
alter table models drop constraint models_status_check;
alter table models add constraint models_status_check
    check (status in ('registered', 'validated', 'invalid', 'shadow', 'active', 'retired'));
create unique index models_one_shadow_idx on models (name) where status = 'shadow';

alter table models add column source text not null default 'bundled' check (source in ('bundled', 'upload'));
alter table models add column registered_by text;
-- The last validation: {passed, lines, failed, maxDiff, tolerance, failures, error, device}.
alter table models add column validation jsonb;
alter table models add column validated_at timestamptz;

-- The bundle's files (model.onnx, features.json, parity.jsonl, metrics.json, card.md, ...), so that every
-- instance loads the same bytes whichever instance registered the version.
create table model_files (
    model_id  bigint not null references models (id) on delete cascade,
    name      text   not null,
    sha256    text   not null,
    size      bigint not null,
    content   bytea  not null,
    primary key (model_id, name)
);

-- Audit trail: who registered, validated, activated, rolled back or shadowed which version, and when.
create table model_events (
    id            bigserial   primary key,
    model_name    text        not null,
    version       text        not null,
    action        text        not null check (action in ('registered', 'validated', 'invalidated', 'activated',
                                                         'rolled_back', 'activation_failed', 'shadowed',
                                                         'unshadowed')),
    from_version  text,       -- the version active (or shadowed) before this one, for activations and shadows
    actor         text        not null,   -- user id of the API key, or 'system' for start-up registration
    detail        text,
    at            timestamptz not null default now()
);
create index model_events_name_idx on model_events (model_name, at desc, id desc);

-- A shadow version's score next to the active version's for the same lead at the same moment. No foreign key:
-- ad-hoc scores (POST /api/v1/score) are compared too, and a lead may be scored before it is stored.
create table shadow_scores (
    id                  bigserial        primary key,
    model_name          text             not null,
    shadow_version      text             not null,
    active_version      text             not null,
    lead_id             text,
    active_probability  double precision not null,
    shadow_probability  double precision not null,
    active_score        smallint         not null,
    shadow_score        smallint         not null,
    active_grade        char(1)          not null,
    shadow_grade        char(1)          not null,
    scored_at           timestamptz      not null default now()
);
create index shadow_scores_version_idx on shadow_scores (model_name, shadow_version, active_version);
