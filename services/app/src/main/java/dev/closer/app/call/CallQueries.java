package dev.closer.app.call;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.closer.app.auth.Caller;
import dev.closer.app.lead.LeadService;
import io.quarkus.security.ForbiddenException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
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

    public record Aggregates(String by, double talkRatioReference, List<Double> histogramEdges, List<Group> groups) {
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
                            dbl(rs, 9), lng(rs, 10), (Integer) rs.getObject(11), dbl(rs, 12), dbl(rs, 13),
                            (Integer) rs.getObject(14), dbl(rs, 15)));
                }
            }
            boolean more = out.size() > limit;
            return new Page(more ? out.subList(0, limit) : out, offset, limit, more ? offset + limit : null);
        }
    }

    /** Empty when there is no such call; throws {@link ForbiddenException} when the caller may not see its lead. */
    public Optional<Detail> find(Caller caller, String id) throws Exception {
        List<String> owners = leads.visibleOwners(caller);
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement("""
                select c.id, c.lead_id, c.deal_id, coalesce(c.owner_id, l.owner_id), c.title, c.started_at,
                       c.duration_ms, %s, c.analysis_error, c.participants::text, c.utterances::text, l.owner_id,
                       a.metrics::text, a.participants::text, a.tone::text, a.prospect_tone_trend,
                       a.tracker_hits::text, a.warnings::text, a.win_probability, a.models, a.analysed_at
                  from calls c left join leads l on l.id = c.lead_id left join call_analyses a on a.call_id = c.id
                 where c.id = ?""".formatted(STATUS))) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                String leadOwner = rs.getString(12);
                if (owners != null && (leadOwner == null || !owners.contains(leadOwner))) {
                    throw new ForbiddenException("Call " + id + " is about lead " + rs.getString(2) + ", owned by "
                            + (leadOwner == null ? "nobody" : leadOwner) + "; your key (" + caller.role() + " "
                            + caller.userId() + ") may not read it.");
                }
                Analysis analysis = rs.getString(13) == null ? null : new Analysis(tree(rs.getString(13)),
                        tree(rs.getString(14)), tree(rs.getString(15)), dbl(rs, 16), tree(rs.getString(17)),
                        tree(rs.getString(18)), dbl(rs, 19), rs.getString(20),
                        rs.getObject(21, OffsetDateTime.class));
                return Optional.of(new Detail(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                        rs.getString(5), rs.getObject(6, OffsetDateTime.class), rs.getLong(7), rs.getString(8),
                        rs.getString(9), tree(rs.getString(10)), sortedUtterances(rs.getString(11)), analysis));
            }
        }
    }

    /** The stored utterances in the analysis' time order, each with its index. */
    private JsonNode sortedUtterances(String stored) throws Exception {
        List<dev.closer.ingest.data.CallTranscribedData.Utterance> u = new ArrayList<>(json.readValue(stored,
                new com.fasterxml.jackson.core.type.TypeReference<
                        List<dev.closer.ingest.data.CallTranscribedData.Utterance>>() {
                }));
        try {
            u = dev.closer.ingest.call.CallTranscripts.validate(u);
        } catch (dev.closer.ingest.call.InvalidTranscriptException e) {
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

    public Aggregates aggregates(Caller caller, String by) throws SQLException {
        boolean team = "team".equals(by);
        List<String> owners = leads.visibleOwners(caller);
        Map<String, List<double[]>> groups = new TreeMap<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement("""
                select coalesce(%s, '(none)'), a.talk_ratio, a.longest_monologue_ms, a.questions, a.patience_ms
                  from call_analyses a join calls c on c.id = a.call_id left join leads l on l.id = c.lead_id
                  left join users u on u.id = a.owner_id
                 where ?::text[] is null or l.owner_id = any (?::text[])""".formatted(team ? "u.team"
                : "a.owner_id"))) {
            java.sql.Array o = owners == null ? null : c.createArrayOf("text", owners.toArray());
            ps.setArray(1, o);
            ps.setArray(2, o);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    groups.computeIfAbsent(rs.getString(1), k -> new ArrayList<>()).add(new double[] {
                            nan(rs, 2), nan(rs, 3), nan(rs, 4), nan(rs, 5)});
                }
            }
        }
        List<Group> out = new ArrayList<>();
        groups.forEach((key, rows) -> {
            Integer[] histogram = new Integer[TALK_RATIO_BINS];
            java.util.Arrays.fill(histogram, 0);
            for (double[] r : rows) {
                if (!Double.isNaN(r[0])) {
                    histogram[Math.min(TALK_RATIO_BINS - 1, (int) Math.floor(r[0] * TALK_RATIO_BINS))]++;
                }
            }
            Double talk = mean(rows, 0);
            out.add(new Group(key, rows.size(), talk, talk == null ? null : talk - TALK_RATIO_REFERENCE,
                    List.of(histogram), mean(rows, 1), mean(rows, 2), mean(rows, 3)));
        });
        List<Double> edges = new ArrayList<>();
        for (int i = 0; i <= TALK_RATIO_BINS; i++) {
            edges.add(i / (double) TALK_RATIO_BINS);
        }
        return new Aggregates(team ? "team" : "rep", TALK_RATIO_REFERENCE, edges, out);
    }

    private static Double mean(List<double[]> rows, int column) {
        double sum = 0;
        int n = 0;
        for (double[] r : rows) {
            if (!Double.isNaN(r[column])) {
                sum += r[column];
                n++;
            }
        }
        return n == 0 ? null : sum / n;
    }

    private static double nan(ResultSet rs, int i) throws SQLException {
        double v = rs.getDouble(i);
        return rs.wasNull() ? Double.NaN : v;
    }

    private static Double dbl(ResultSet rs, int i) throws SQLException {
        double v = rs.getDouble(i);
        return rs.wasNull() ? null : v;
    }

    private static Long lng(ResultSet rs, int i) throws SQLException {
        long v = rs.getLong(i);
        return rs.wasNull() ? null : v;
    }

    private JsonNode tree(String s) {
        try {
            return s == null ? null : json.readTree(s);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
