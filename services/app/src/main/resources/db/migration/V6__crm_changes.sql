-- CRM webhooks (#7): CRMs send what changed (a property, a new record with a few properties, a deletion), not the
-- whole record. A patch sets the fields it names, each only when it is newer than that field's last change
-- (field_times: field → time) and than the record's last full upsert (upserted_at; null on a row that only an
-- insert by a full upsert or patches have written, see CrmEventSink). Deleted records are kept and marked, and
-- come back when a newer change of them arrives.
alter table leads add column upserted_at timestamptz, add column field_times jsonb,
    add column deleted_at timestamptz, add column merged_into text;
alter table accounts add column upserted_at timestamptz, add column field_times jsonb,
    add column deleted_at timestamptz, add column merged_into text;
alter table deals add column upserted_at timestamptz, add column field_times jsonb,
    add column deleted_at timestamptz, add column merged_into text;

-- Open leads are the ones scored, nightly and on events: a deleted lead is not one.
drop index leads_open_idx;
create index leads_open_idx on leads (id) where status = 'open' and deleted_at is null;
