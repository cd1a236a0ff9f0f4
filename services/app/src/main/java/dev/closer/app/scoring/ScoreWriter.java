package dev.closer.app.scoring;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.closer.app.db.Unnest;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.IntStream;

/**
 * Writes new scores: a history row in {@code lead_scores} for each lead whose score, grade or model differs from
 * its latest, and in the same statement a row in {@code score_outbox}, which {@link ScorePublisher} puts on the
 * scores topic. Both the event-driven worker and the nightly batch write through here.
 */
@ApplicationScoped
public class ScoreWriter {

    /** Why a lead was scored, as the outbox and the scores topic carry it. */
    public enum Cause {
        EVENT, BATCH;

        String sql() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /**
     * A lead's latest stored score.
     *
     * @param modelProbability the model's probability before decay (null for scores stored before it was kept)
     * @param factors          its factors, parsed when asked for
     */
    public record Stored(int score, String grade, String modelVersion, Double modelProbability,
                         Supplier<List<Map<String, Object>>> factors) {

        public boolean sameAs(LeadScorer.Result result) {
            return score == result.score() && grade.equals(result.grade())
                    && modelVersion.equals(result.modelVersion());
        }
    }

    @Inject
    ObjectMapper json;

    /** The latest score of each of the leads that has one. */
    public Map<String, Stored> latest(Connection c, List<String> leadIds) throws SQLException {
        Map<String, Stored> latest = new HashMap<>();
        if (leadIds.isEmpty()) {
            return latest;
        }
        try (PreparedStatement ps = c.prepareStatement("""
                select l.id, s.score, s.grade, s.model_version, s.model_probability, s.factors::text
                  from unnest(?::text[]) as l (id)
                cross join lateral (select s.score, s.grade, s.model_version, s.model_probability, s.factors
                                      from lead_scores s
                                     where s.lead_id = l.id and s.model_name = ?
                                     order by s.scored_at desc, s.id desc limit 1) as s""")) {
            ps.setArray(1, c.createArrayOf("text", leadIds.toArray()));
            ps.setString(2, LeadScorer.MODEL_NAME);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String factors = rs.getString(6);
                    latest.put(rs.getString(1), new Stored(rs.getInt(2), rs.getString(3), rs.getString(4),
                            (Double) rs.getObject(5), () -> parse(factors)));
                }
            }
        }
        return latest;
    }

    private List<Map<String, Object>> parse(String factors) {
        try {
            return json.readValue(factors, new TypeReference<>() { });
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("lead_scores.factors is not a JSON array: " + e.getMessage(), e);
        }
    }

    /**
     * Writes a history row and an outbox row for each lead whose score, grade or model differs from its latest
     * (checked in the statement itself); returns how many changed.
     *
     * @param eventIds the event that caused each score (an entry may be null), or null when no event did
     * @param runId    the batch run, or null
     */
    public int insertChanged(Connection c, List<String> ids, List<LeadScorer.Result> results, List<String> eventIds,
                             Cause cause, Long runId) throws SQLException {
        if (ids.isEmpty()) {
            return 0;
        }
        List<Integer> rows = IntStream.range(0, ids.size()).boxed().toList();
        return Unnest.execute(c, json, rows, """
                with n as (
                    select * from unnest(?::text[], ?::text[], ?::float8[], ?::int2[], ?::text[], ?::jsonb[], ?::text[],
                                         ?::float8[])
                      as n (lead_id, model_version, probability, score, grade, factors, event_id, model_probability)),
                changed as (
                    select n.*, last.score as previous_score, last.grade as previous_grade from n
                    left join lateral (select s.score, s.grade, s.model_version from lead_scores s
                                        where s.lead_id = n.lead_id and s.model_name = ?
                                        order by s.scored_at desc, s.id desc limit 1) as last on true
                    where last.score is null or last.score <> n.score or last.grade <> n.grade
                       or last.model_version <> n.model_version),
                inserted as (
                    insert into lead_scores (lead_id, model_name, model_version, probability, score, grade, factors,
                                             event_id, run_id, model_probability)
                    select lead_id, ?, model_version, probability, score, grade, factors, event_id, ?::bigint,
                           model_probability
                      from changed
                    returning id, lead_id, model_version, probability, score, grade, scored_at)
                insert into score_outbox (score_id, lead_id, model_name, model_version, probability, score, grade,
                                          previous_score, previous_grade, cause, run_id, scored_at)
                select i.id, i.lead_id, ?, i.model_version, i.probability, i.score, i.grade, c.previous_score,
                       c.previous_grade, ?, ?::bigint, i.scored_at
                  from inserted i join changed c on c.lead_id = i.lead_id
                """, cols -> cols.text(rows, ids::get)
                    .text(rows, i -> results.get(i).modelVersion()).doubles(rows, i -> results.get(i).probability())
                    .ints(rows, i -> results.get(i).score()).text(rows, i -> results.get(i).grade())
                    .json(rows, i -> results.get(i).factors()).text(rows, i -> eventIds == null ? null : eventIds.get(i))
                    .doubles(rows, i -> results.get(i).modelProbability())
                    .scalar(LeadScorer.MODEL_NAME).scalar(LeadScorer.MODEL_NAME).scalar(runId)
                    .scalar(LeadScorer.MODEL_NAME).scalar(cause.sql()).scalar(runId));
    }
}
