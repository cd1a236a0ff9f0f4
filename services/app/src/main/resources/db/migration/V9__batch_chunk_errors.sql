-- A chunk that fails keeps its last error, so that when it is given up (closer.batch.max-chunk-attempts) its
-- leads' failure reasons say why.
alter table batch_chunks add column last_error text;
