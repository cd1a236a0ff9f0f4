package dev.closer.app.call;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.closer.app.config.CloserConfig;
import dev.closer.app.db.TableQueue;
import dev.closer.app.outbound.OutboundEvents;
import dev.closer.app.text.TextModels;
import dev.closer.inference.text.TextClassifier;
import dev.closer.ingest.call.CallAnalyzer;
import dev.closer.ingest.call.CallMetrics;
import dev.closer.ingest.call.InvalidTranscriptException;
import dev.closer.ingest.data.CallTranscribedData.Utterance;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.jboss.logging.Logger;

/**
 * Analyses every transcribed call: {@link CallAnalyzer} (metrics, tone of every utterance through the encoder and
 * the tone head, trackers from {@code call_trackers}) and the deal's warnings ({@link DealWarnings}), stored in
 * {@code call_analyses}, then a {@code call.analysed} webhook delivery per subscription. Calls are taken from the
 * table itself (those with {@code analysed_at} null, oldest first, {@code FOR UPDATE SKIP LOCKED}), so a restart or a
 * second instance loses and repeats nothing.
 *
 * <p>Win odds: {@link CallWinOdds} is asked for each analysed call; until a call-win model is served it answers
 * nothing and {@code win_probability} stays null.
 */
@ApplicationScoped
public class CallAnalysis {

    private static final Logger LOG = Logger.getLogger(CallAnalysis.class);
    public static final String EVENT = "call.analysed";
    private static final TypeReference<List<Utterance>> UTTERANCES = new TypeReference<>() {
    };

    @Inject
    DataSource dataSource;
    @Inject
    TextModels models;
    @Inject
    CloserConfig config;
    @Inject
    ObjectMapper json;
    @Inject
    MeterRegistry metrics;
    @Inject
    CallTrackers trackers;
    @Inject
    DealWarnings warnings;
    @Inject
    CallWinOdds winOdds;

    private CallAnalyzer analyzer;

    /** The analyser over the served encoder and tone head (loaded on first use). */
    public synchronized CallAnalyzer analyzer() {
        if (analyzer == null) {
            analyzer = analyzer(models);
        }
        return analyzer;
    }

    /** An analyser over the text models' encoder and tone head, with the head's neutral band. */
    public static CallAnalyzer analyzer(TextModels models) {
        TextClassifier tone = models.tone();
        double low = tone.spec().raw().path("neutral").path("low").asDouble(0.5);
        double high = tone.spec().raw().path("neutral").path("high").asDouble(0.5);
        int positive = tone.spec().labels().indexOf("positive");
        return new CallAnalyzer(texts -> models.encoder().embedAll(texts), vectors -> {
            float[][] p = tone.probabilities(vectors);
            double[] out = new double[p.length];
            for (int i = 0; i < p.length; i++) {
                out[i] = p[i][positive];
            }
            return out;
        }, new CallAnalyzer.ToneBands(low, high), CallMetrics.Settings.DEFAULTS);
    }

    /** The models an analysis used, as stored in call_analyses.models. */
    public String modelVersions() {
        return "encoder=" + models.encoder().model().id() + ";tone=" + models.tone().spec().id();
    }

    private record Pending(String id, String leadId, String dealId, String ownerId, String utterances) {
    }

    @Scheduled(identity = "call-analysis", every = "${closer.calls.analyse-interval}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void scheduled() {
        if (!config.calls().analyse()) {
            return;
        }
        TableQueue.drain(LOG, "Analysing calls", config.calls().analyseBatch(), this::analysePending);
    }

    /** Analyses and stores up to {@code limit} calls not analysed yet; returns how many were taken. */
    public int analysePending(int limit) {
        return QuarkusTransaction.requiringNew().call(() -> {
            try (Connection c = dataSource.getConnection()) {
                List<Pending> pending = new ArrayList<>();
                try (PreparedStatement ps = c.prepareStatement("""
                        select c.id, c.lead_id, c.deal_id, coalesce(c.owner_id, l.owner_id), c.utterances::text
                          from calls c left join leads l on l.id = c.lead_id
                         where c.analysed_at is null order by c.started_at limit ? for update of c skip locked""")) {
                    ps.setInt(1, limit);
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            pending.add(new Pending(rs.getString(1), rs.getString(2), rs.getString(3),
                                    rs.getString(4), rs.getString(5)));
                        }
                    }
                }
                if (pending.isEmpty()) {
                    return 0;
                }
                List<CallAnalyzer.Tracker> active = trackers.active(c);
                for (Pending p : pending) {
                    analyse(c, p, active);
                }
                return pending.size();
            }
        });
    }

    private void analyse(Connection c, Pending call, List<CallAnalyzer.Tracker> active) throws Exception {
        long started = System.nanoTime();
        CallAnalyzer.Result r;
        List<Utterance> utterances;
        try {
            utterances = json.readValue(call.utterances(), UTTERANCES);
            r = analyzer().analyse(utterances, active);
        } catch (InvalidTranscriptException e) {
            LOG.warnf("Call %s cannot be analysed: %s", call.id(), e.getMessage());
            try (PreparedStatement ps = c.prepareStatement(
                    "update calls set analysed_at = now(), analysis_error = ? where id = ?")) {
                ps.setString(1, e.getMessage());
                ps.setString(2, call.id());
                ps.executeUpdate();
            }
            metrics.counter("closer_calls_analysed_total", "outcome", "invalid").increment();
            return;
        }
        List<DealWarnings.Warning> found = warnings.of(c, call.leadId(), call.dealId(), call.id(), r.trackerHits());
        Double win = winOdds.predict(call.id(), call.dealId(), utterances, r).orElse(null);
        CallMetrics.Result m = r.metrics();
        ObjectNode tone = json.createObjectNode();
        tone.set("utterances", json.valueToTree(r.tone().utterances()));
        tone.set("prospect", json.valueToTree(r.tone().prospect()));
        tone.set("rep", json.valueToTree(r.tone().rep()));
        try (PreparedStatement ps = c.prepareStatement("""
                insert into call_analyses (call_id, lead_id, deal_id, owner_id, metrics, participants, tone,
                                           prospect_tone_trend, tracker_hits, win_probability, warnings, models,
                                           duration_ms, talk_ratio, longest_monologue_ms, questions, patience_ms)
                values (?, ?, ?, ?, ?::jsonb, ?::jsonb, ?::jsonb, ?, ?::jsonb, ?, ?::jsonb, ?, ?, ?, ?, ?, ?)
                on conflict (call_id) do nothing""")) {
            ps.setString(1, call.id());
            ps.setString(2, call.leadId());
            ps.setString(3, call.dealId());
            ps.setString(4, call.ownerId());
            ps.setString(5, json.writeValueAsString(m));
            ps.setString(6, json.writeValueAsString(m.participants()));
            ps.setString(7, tone.toString());
            ps.setObject(8, r.prospectToneTrend());
            ps.setString(9, json.writeValueAsString(r.trackerHits()));
            ps.setObject(10, win);
            ps.setString(11, json.writeValueAsString(found));
            ps.setString(12, modelVersions());
            ps.setLong(13, m.durationMs());
            ps.setObject(14, m.talkRatio());
            ps.setObject(15, m.longestRepMonologue() == null ? null : m.longestRepMonologue().durationMs());
            ps.setInt(16, m.rep().questions() + m.prospect().questions() + m.other().questions());
            ps.setObject(17, m.patienceMs());
            ps.executeUpdate();
        }
        try (PreparedStatement ps = c.prepareStatement("update calls set analysed_at = now() where id = ?")) {
            ps.setString(1, call.id());
            ps.executeUpdate();
        }
        metrics.counter("closer_calls_analysed_total", "outcome", "analysed").increment();
        enqueueWebhooks(c, call, r, found, win);
        LOG.debugf("Call %s analysed in %d ms (%d utterances)", call.id(), (System.nanoTime() - started) / 1_000_000,
                r.utterances().size());
    }

    /** One outbound delivery per active subscription to call.analysed, sent by OutboundDeliveries. */
    private void enqueueWebhooks(Connection c, Pending call, CallAnalyzer.Result r,
                                 List<DealWarnings.Warning> found, Double win) throws SQLException {
        String eventId = "call-" + call.id() + "-analysed";
        ObjectNode data = json.createObjectNode();
        data.put("callId", call.id());
        data.put("leadId", call.leadId());
        data.put("dealId", call.dealId());
        data.put("ownerId", call.ownerId());
        data.put("durationMs", r.metrics().durationMs());
        if (r.metrics().talkRatio() != null) {
            data.put("talkRatio", r.metrics().talkRatio());
        } else {
            data.putNull("talkRatio");
        }
        if (r.prospectToneTrend() != null) {
            data.put("prospectToneTrend", r.prospectToneTrend());
        } else {
            data.putNull("prospectToneTrend");
        }
        data.set("trackers", json.valueToTree(r.trackerHits().stream().map(CallAnalyzer.TrackerHit::tracker)
                .distinct().sorted().toList()));
        data.set("warnings", json.valueToTree(found.stream().map(DealWarnings.Warning::code).toList()));
        if (win != null) {
            data.put("winProbability", win);
        } else {
            data.putNull("winProbability");
        }
        OutboundEvents.enqueue(c, EVENT, eventId, data);
    }
}
