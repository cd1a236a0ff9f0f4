package dev.closer.app.call;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.closer.app.config.CloserConfig;
import dev.closer.app.db.TableQueue;
import dev.closer.app.outbound.OutboundEvents;
import dev.closer.app.text.TextModels;
import dev.closer.inference.ModelClosedException;
import dev.closer.ingest.call.CallAnalyzer;
import dev.closer.ingest.call.CallMetrics;
import dev.closer.ingest.call.InvalidTranscriptException;
import dev.closer.ingest.data.CallTranscribedData.Utterance;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import javax.sql.DataSource;
import org.jboss.logging.Logger;

/**
 * Analyses every transcribed call: {@link CallAnalyzer} (metrics, tone of every utterance through the encoder and
 * the tone head, trackers from {@code call_trackers}) and the deal's content warnings ({@link DealWarnings}), stored
 * in {@code call_analyses}, then a {@code call.analysed} webhook delivery per subscription. Calls are taken from the
 * table itself (those with {@code analysed_at} null, oldest first, {@code FOR UPDATE SKIP LOCKED}), so a restart or a
 * second instance loses and repeats nothing.
 *
 * <p>Each transaction takes {@code closer.calls.analyse-batch} calls (1 by default: the encoder may take 15 s on a
 * long call while the rows stay locked) and runs under {@code closer.calls.analyse-timeout}. A call that cannot be
 * analysed, whether its transcript is invalid or the analysis itself fails or times out, leaves the queue with the
 * reason in {@code calls.analysis_error}, so one bad call never holds up the others.
 *
 * <p>Win odds: {@link ServedCallWinModel} is asked for each analysed call on a deal; {@code win_probability} stays
 * null when the call has no deal or no call-win model is served.
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
    ServedCallWinModel winModel;

    private CallAnalyzer analyzer;

    /** The analyser over the served encoder and tone head (loaded on first use). */
    public synchronized CallAnalyzer analyzer() {
        if (analyzer == null) {
            analyzer = analyzer(models);
        }
        return analyzer;
    }

    /** An analyser over the text models' encoder and tone head (its band rule: TextClassifier.tones). */
    public static CallAnalyzer analyzer(TextModels models) {
        return new CallAnalyzer(texts -> models.encoder().embedAll(texts), vectors -> Arrays.stream(
                        models.tone().tones(vectors)).map(t -> new CallAnalyzer.Tone(t.label(), t.positive()))
                .toArray(CallAnalyzer.Tone[]::new), CallMetrics.Settings.DEFAULTS);
    }

    /** The models an analysis used, as stored in call_analyses.models. */
    public String modelVersions() {
        return "encoder=" + models.encoder().model().id() + ";tone=" + models.tone().spec().id();
    }

    /** A call to analyse, with the CRM context the call-win model reads (calls.attributes, deals.attributes). */
    private record Pending(String id, String leadId, String dealId, String ownerId, String utterances,
                           String callType, String dealTier) {
    }

    @Scheduled(identity = "call-analysis", every = "${closer.calls.analyse-interval}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void scheduled() {
        if (!config.calls().analyse()) {
            return;
        }
        TableQueue.drain(LOG, "Analysing calls", config.calls().analyseBatch(), this::analysePending);
    }

    /**
     * Analyses and stores up to {@code limit} calls not analysed yet; returns how many were taken. Without the encoder
     * or the tone head (a model that cannot load) it throws and takes nothing. When the
     * transaction fails (a timeout, often seen only at commit; a database error while storing), the call analysed
     * last is marked failed in a transaction of its own (with the default batch of 1, the call that failed) and the
     * others are released to be taken again.
     */
    public int analysePending(int limit) {
        String[] current = new String[1];
        try {
            return QuarkusTransaction.requiringNew().timeout((int) config.calls().analyseTimeout().toSeconds())
                    .call(() -> {
                        // A model that cannot load fails here, before a call is taken: the calls stay queued
                        // for when it loads, instead of each being marked failed with the model's error.
                        models.encoder();
                        models.tone();
                        try (Connection c = dataSource.getConnection()) {
                            List<Pending> pending = pending(c, limit);
                            if (pending.isEmpty()) {
                                return 0;
                            }
                            List<CallAnalyzer.Tracker> active = trackers.active(c);
                            for (Pending p : pending) {
                                current[0] = p.id();
                                analyse(c, p, active);
                            }
                            return pending.size();
                        }
                    });
        } catch (RuntimeException e) {
            if (current[0] == null || ModelClosedException.in(e)) {
                throw e; // nothing taken, or the app is stopping: the queue is as it was
            }
            LOG.warnf(e, "Analysing call %s failed; it leaves the queue with the error", current[0]);
            QuarkusTransaction.requiringNew().call(() -> {
                try (Connection c = dataSource.getConnection()) {
                    fail(c, current[0], "failed", "analysis failed: " + e);
                }
                return null;
            });
            return 1;
        }
    }

    private List<Pending> pending(Connection c, int limit) throws SQLException {
        List<Pending> pending = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("""
                select c.id, c.lead_id, c.deal_id, coalesce(c.owner_id, l.owner_id), c.utterances::text,
                       c.attributes ->> 'call_type', d.attributes ->> 'tier'
                  from calls c left join leads l on l.id = c.lead_id left join deals d on d.id = c.deal_id
                 where c.analysed_at is null order by c.started_at limit ? for update of c skip locked""")) {
            ps.setInt(1, limit);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    pending.add(new Pending(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                            rs.getString(5), rs.getString(6), rs.getString(7)));
                }
            }
        }
        return pending;
    }

    /** Takes the call off the queue with the reason it has no analysis (the call page shows it as failed). */
    private void fail(Connection c, String callId, String outcome, String reason) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                update calls set analysed_at = now(), analysis_error = ?
                 where id = ? and not exists (select 1 from call_analyses where call_id = ?)""")) {
            ps.setString(1, reason.length() > 2000 ? reason.substring(0, 2000) : reason);
            ps.setString(2, callId);
            ps.setString(3, callId);
            ps.executeUpdate();
        }
        metrics.counter("closer_calls_analysed_total", "outcome", outcome).increment();
    }

    private void analyse(Connection c, Pending call, List<CallAnalyzer.Tracker> active) throws Exception {
        long started = System.nanoTime();
        CallAnalyzer.Result r;
        try {
            r = analyzer().analyse(json.readValue(call.utterances(), UTTERANCES), active);
        } catch (InvalidTranscriptException e) {
            LOG.warnf("Call %s cannot be analysed: %s", call.id(), e.getMessage());
            fail(c, call.id(), "invalid", e.getMessage());
            return;
        } catch (ModelClosedException e) {
            throw e; // the app is stopping: the call stays queued (analysePending rolls back)
        } catch (RuntimeException | IOException e) {
            LOG.warnf(e, "Analysing call %s failed; it leaves the queue with the error", call.id());
            fail(c, call.id(), "failed", "analysis failed: " + e);
            return;
        }
        List<DealWarnings.Warning> found = warnings.of(c, call.dealId(), call.id(), r);
        Double win = winModel.predict(call.dealId(), call.callType(), call.dealTier(), r).orElse(null);
        CallMetrics.Result m = r.metrics();
        try (PreparedStatement ps = c.prepareStatement("""
                insert into call_analyses (call_id, owner_id, metrics, tone, prospect_tone_trend, tracker_hits,
                                           win_probability, warnings, models, duration_ms, talk_ratio,
                                           longest_monologue_ms, questions, patience_ms)
                values (?, ?, ?::jsonb, ?::jsonb, ?, ?::jsonb, ?, ?::jsonb, ?, ?, ?, ?, ?, ?)
                on conflict (call_id) do nothing""")) {
            ps.setString(1, call.id());
            ps.setString(2, call.ownerId());
            ps.setString(3, json.writeValueAsString(m));
            ps.setString(4, json.writeValueAsString(r.tone()));
            ps.setObject(5, r.prospectToneTrend());
            ps.setString(6, json.writeValueAsString(r.trackerHits()));
            ps.setObject(7, win);
            ps.setString(8, json.writeValueAsString(found));
            ps.setString(9, modelVersions());
            ps.setLong(10, m.durationMs());
            ps.setObject(11, m.talkRatio());
            ps.setObject(12, m.longestRepMonologue() == null ? null : m.longestRepMonologue().durationMs());
            ps.setInt(13, m.rep().questions() + m.prospect().questions() + m.other().questions());
            ps.setObject(14, m.patienceMs());
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
        data.put("talkRatio", r.metrics().talkRatio());
        data.put("prospectToneTrend", r.prospectToneTrend());
        data.set("trackers", json.valueToTree(r.trackerHits().stream().map(CallAnalyzer.TrackerHit::tracker)
                .distinct().sorted().toList()));
        data.set("warnings", json.valueToTree(found.stream().map(DealWarnings.Warning::code).toList()));
        data.put("winProbability", win);
        OutboundEvents.enqueue(c, EVENT, eventId, data);
    }
}
