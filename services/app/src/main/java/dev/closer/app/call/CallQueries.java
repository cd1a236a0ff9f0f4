package dev.closer.app.call;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.closer.app.auth.Caller;
import dev.closer.app.db.Columns;
import dev.closer.app.lead.LeadService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * Calls and their analyses as a caller may see them: a call is visible when its lead is (a rep their own leads', a
 * manager their team's, an admin all: {@link LeadService#visibleOwners}).
 */
@ApplicationScoped
public class CallQueries {

    /** The talk ratio published as the winning reference (Gong's 43%; see docs/call-metrics.md). */
    public static final double TALK_RATIO_REFERENCE = 0.43;
    /** Histogram bins of the talk ratio: [0, 0.1), [0.1, 0.2), ... [0.9, 1.0]. */
    public static final int TALK_RATIO_BINS = 10;

    @Inject
    DataSource dataSource;
    @Inject
    LeadService leads;
    @Inject
    ObjectMapper json;

    /** A call in the list: its key metrics (null until analysed) and how many warnings it raised. */
    public record Summary(String id, String leadId, String dealId, String ownerId, String title,
                          OffsetDateTime startedAt, long durationMs, String status, Double talkRatio,
                          Long longestMonologueMs, Integer questions, Double patienceMs, Double prospectToneTrend,
                          Integer warnings, Double winProbability) {
    }

    public record Page(List<Summary> calls, int offset, int limit, Integer nextOffset) {
    }

    /** A call with its transcript (time order, the index the analysis refers to) and its analysis. */
    public record Detail(String id, String leadId, String dealId, String ownerId, String title,
                         OffsetDateTime startedAt, long durationMs, String status, String analysisError,
                         JsonNode participants, JsonNode utterances, Analysis analysis) {
    }

    public record Analysis(JsonNode metrics, JsonNode participants, JsonNode tone, Double prospectToneTrend,
                           JsonNode trackerHits, JsonNode warnings, Double winProbability, String models,
                           OffsetDateTime analysedAt) {
    }

    /** One rep's or team's calls. */
    public record Group(String key, int calls, Double meanTalkRatio, Double talkRatioVsReference,
                        List<Integer> talkRatioHistogram, Double meanLongestMonologueMs, Double meanQuestions,
                        Double meanPatienceMs) {
    }

    /** since: the calls started at or after it; null for all. */
    public record Aggregates(String by, OffsetDateTime since, double talkRatioReference, List<Double> histogramEdges,
                             List<Group> groups) {
    }

    private static final String STATUS = """
            case when a.call_id is not null then 'analysed' when c.analysis_error is not null then 'failed'
                 else 'pending' end""";

    public Page page(Caller caller, String leadId, int offset, int limit) throws SQLException {
        List<String> owners = leads.visibleOwners(caller);
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement("""
                select c.id, c.lead_id, c.deal_id, coalesce(c.owner_id, l.owner_id), c.title, c.started_at,
                       c.duration_ms, %s, a.talk_ratio, a.longest_monologue_ms, a.questions, a.patience_ms,
                       a.prospect_tone_trend, jsonb_array_length(a.warnings), a.win_probability
                  from calls c left join leads l on l.id = c.lead_id left join call_analyses a on a.call_id = c.id
                 where (?::text[] is null or l.owner_id = any (?::text[])) and (?::text is null or c.lead_id = ?)
                 order by c.started_at desc, c.id limit ? offset ?""".formatted(STATUS))) {
            java.sql.Array o = owners == null ? null : c.createArrayOf("text", owners.toArray());
            ps.setArray(1, o);
            ps.setArray(2, o);
            ps.setString(3, leadId);
            ps.setString(4, leadId);
            ps.setInt(5, limit + 1);
            ps.setInt(6, offset);
            List<Summary> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Summary(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                            rs.getString(5), rs.getObject(6, OffsetDateTime.class), rs.getLong(7), rs.getString(8),
                            Columns.dbl(rs, 9), rs.getObject(10, Long.class), rs.getObject(11, Integer.class),
                            Columns.dbl(rs, 12), Columns.dbl(rs, 13), rs.getObject(14, Integer.class),
                            Columns.dbl(rs, 15)));
                }
            }
            boolean more = out.size() > limit;
            return new Page(more ? out.subList(0, limit) : out, offset, limit, more ? offset + limit : null);
        }
    }

    /** Empty when there is no such call; throws ForbiddenException when the caller may not see its lead. */
    public Optional<Detail> find(Caller caller, String id) throws Exception {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement("""
                select c.id, c.lead_id, c.deal_id, coalesce(c.owner_id, l.owner_id), c.title, c.started_at,
                       c.duration_ms, %s, c.analysis_error, c.participants::text, c.utterances::text, l.owner_id,
                       a.metrics::text, (a.metrics -> 'participants')::text, a.tone::text, a.prospect_tone_trend,
                       a.tracker_hits::text, a.warnings::text, a.win_probability, a.models, a.analysed_at
                  from calls c left join leads l on l.id = c.lead_id left join call_analyses a on a.call_id = c.id
                 where c.id = ?""".formatted(STATUS))) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                leads.requireVisible(caller, rs.getString(2), rs.getString(12));
                Analysis analysis = rs.getString(13) == null ? null : new Analysis(tree(rs.getString(13)),
                        tree(rs.getString(14)), tree(rs.getString(15)), Columns.dbl(rs, 16),
                        tree(rs.getString(17)), tree(rs.getString(18)), Columns.dbl(rs, 19), rs.getString(20),
                        rs.getObject(21, OffsetDateTime.class));
                return Optional.of(new Detail(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                        rs.getString(5), rs.getObject(6, OffsetDateTime.class), rs.getLong(7), rs.getString(8),
                        rs.getString(9), tree(rs.getString(10)), sortedUtterances(rs.getString(11)), analysis));
            }
        }
    }

    /** The stored utterances in the analysis' time order, each with its index. */
    private JsonNode sortedUtterances(String stored) throws Exception {
        List<dev.closer.ingest.data.CallTranscribedData.Utterance> u;
        try {
            u = dev.closer.ingest.call.CallTranscripts.validate(json.readValue(stored,
                    new com.fasterxml.jackson.core.type.TypeReference<
                            List<dev.closer.ingest.data.CallTranscribedData.Utterance>>() {
                    }));
        } catch (dev.closer.ingest.call.InvalidTranscriptException
                 | com.fasterxml.jackson.core.JsonProcessingException e) {
            return tree(stored); // as stored: the analysis failed and says why
        }
        com.fasterxml.jackson.databind.node.ArrayNode out = json.createArrayNode();
        for (int i = 0; i < u.size(); i++) {
            com.fasterxml.jackson.databind.node.ObjectNode n = json.valueToTree(u.get(i));
            n.put("index", i);
            out.add(n);
        }
        return out;
    }

    /**
     * Per rep (the call's owner) or team: counts and means in SQL, and the talk-ratio histogram by width_bucket
     * (bin i is [i/10, (i+1)/10), the last one closed at 1.0). Groups ordered by key. The real (float4) columns are
     * averaged as numeric (float4's 6 significant digits), so a mean of 0.43s is 0.43 rather than float4's
     * 0.4300000071525574. With since, only the calls started at or after it.
     */
    public Aggregates aggregates(Caller caller, String by, OffsetDateTime since) throws SQLException {
        boolean team = "team".equals(by);
        List<String> owners = leads.visibleOwners(caller);
        StringBuilder bins = new StringBuilder();
        for (int i = 1; i <= TALK_RATIO_BINS; i++) {
            bins.append(i == 1 ? "" : ", ").append("count(*) filter (where least(width_bucket(a.talk_ratio, 0, 1, ")
                    .append(TALK_RATIO_BINS).append("), ").append(TALK_RATIO_BINS).append(") = ").append(i)
                    .append(")::int");
        }
        List<Group> out = new ArrayList<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement("""
                select coalesce(%1$s, '(none)'), count(*)::int, avg(a.talk_ratio::numeric)::float8,
                       avg(a.longest_monologue_ms)::float8, avg(a.questions)::float8,
                       avg(a.patience_ms::numeric)::float8, %2$s
                  from call_analyses a join calls c on c.id = a.call_id left join leads l on l.id = c.lead_id
                  left join users u on u.id = a.owner_id
                 where (?::text[] is null or l.owner_id = any (?::text[]))
                   and (?::timestamptz is null or c.started_at >= ?::timestamptz)
                 group by 1 order by coalesce(%1$s, '(none)') collate "C"
                """.formatted(team ? "u.team" : "a.owner_id", bins))) {
            java.sql.Array o = owners == null ? null : c.createArrayOf("text", owners.toArray());
            ps.setArray(1, o);
            ps.setArray(2, o);
            ps.setObject(3, since);
            ps.setObject(4, since);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    List<Integer> histogram = new ArrayList<>();
                    for (int i = 0; i < TALK_RATIO_BINS; i++) {
                        histogram.add(rs.getInt(7 + i));
                    }
                    Double talk = Columns.dbl(rs, 3);
                    out.add(new Group(rs.getString(1), rs.getInt(2), talk,
                            talk == null ? null : talk - TALK_RATIO_REFERENCE, List.copyOf(histogram),
                            Columns.dbl(rs, 4), Columns.dbl(rs, 5), Columns.dbl(rs, 6)));
                }
            }
        }
        List<Double> edges = new ArrayList<>();
        for (int i = 0; i <= TALK_RATIO_BINS; i++) {
            edges.add(i / (double) TALK_RATIO_BINS);
        }
        return new Aggregates(team ? "team" : "rep", since, TALK_RATIO_REFERENCE, edges, out);
    }

    private JsonNode tree(String s) {
        try {
            return s == null ? null : json.readTree(s);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
