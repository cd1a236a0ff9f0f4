-- upserted_at is now written by every full upsert, insert included (V6 left it null on insert, and the event sink
-- read event_time in its place; a deletion moves event_time, so that stand-in was wrong after one). Rows that no
-- patch has touched were last written whole at event_time.
update leads set upserted_at = event_time where upserted_at is null and field_times is null and deleted_at is null;
update accounts set upserted_at = event_time where upserted_at is null and field_times is null and deleted_at is null;
update deals set upserted_at = event_time where upserted_at is null and field_times is null and deleted_at is null;
