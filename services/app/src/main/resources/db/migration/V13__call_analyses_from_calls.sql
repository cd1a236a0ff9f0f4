-- call_analyses reads its lead and deal from the call (calls.lead_id, calls.deal_id) and the participants from
-- metrics (CallMetrics.Result, participants included), so V12's copies of them go. win_probability is p(won) from
-- ServedCallWinModel, null for a call without a deal or when no call-win model is served; warnings hold the ones
-- known at analysis time (pricing_not_discussed, single_threaded), the time-based ones are computed when deals are
-- read (DealQueries). sequence_variant_stats (V11) is also refreshed by POST /api/v1/sequences/refresh.
-- (V11 and V12 stay as they were released: Flyway refuses to start on a database whose applied scripts changed.)
alter table call_analyses
    drop column lead_id,
    drop column deal_id,
    drop column participants;
