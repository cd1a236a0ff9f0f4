package dev.closer.app.scoring.batch;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.closer.app.config.CloserConfig;
import dev.closer.app.db.Unnest;
import dev.closer.app.scoring.Batches;
import dev.closer.app.scoring.LeadRecords;
import dev.closer.app.scoring.LeadScorer;
import dev.closer.app.scoring.ScoreWriter;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.lang.management.ManagementFactory;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;
import org.jboss.logging.Logger;

/**
 * The nightly rescore of every open lead with the active model, decay applied.
 *
 * <p>A run is planned in one statement: the open leads, in id order, cut into chunks of
 * {@code closer.batch.chunk-size} (keyset ranges {@code first_id..last_id}). Every instance with
 * {@code closer.batch.enabled} polls for chunks and claims one at a time ({@code FOR UPDATE SKIP LOCKED}, a lease
 * of {@code closer.batch.lease}); so a second instance started midway joins the run, and the chunk of an instance
 * that died is claimed again once its lease has run out. A chunk is scored and marked done in one transaction,
 * which only commits while its claim is still the holder's: a lead is scored exactly once per run, and a run
 * repeated (the same night) does nothing twice. Each chunk reads its leads in model batches
 * ({@code closer.batch.batch-size}), scores them in one ONNX run, explains only the ones whose score changed, and
 * writes history (and the scores topic's outbox) only for those. A lead that cannot be scored is recorded in
 * {@code batch_failures} with its reason and skipped.
 *
 * <p>When the last chunk is done, the instance that notices finishes the run: a summary with the counts, the rate,
 * the drift of the model's inputs and score against its training data ({@link Drift}), and the per-day dashboard
 * figures refreshed.
 */
@ApplicationScoped
public class NightlyRescore {

    private static final Logger LOG = Logger.getLogger(NightlyRescore.class);
    /** Advisory-lock key serialising run starts (the bytes of "batch"). */
    private static final long START_LOCK = 0x6261746368L;

    @Inject
    CloserConfig config;
    @Inject
    DataSource dataSource;
    @Inject
    LeadRecords records;
    @Inject
    LeadScorer scorer;
    @Inject
    ScoreWriter writer;
    @Inject
    ObjectMapper json;
    @Inject
    MeterRegistry meters;
    @Inject
    DailyStats stats;

    /** This instance, as chunk owners are recorded: host, pid and a random suffix. */
    private final String owner = ManagementFactory.getRuntimeMXBean().getName() + "/"
            + UUID.randomUUID().toString().substring(0, 8);
    private volatile boolean stopping;
    private volatile Throwable lastError;
    private Counter scoredLeads;
    private Counter failedLeads;

    @PostConstruct
    void init() {
        scoredLeads = Counter.builder("closer.batch.leads").tag("outcome", "scored")
                .description("Leads the nightly batch scored").register(meters);
        failedLeads = Counter.builder("closer.batch.leads").tag("outcome", "failed")
                .description("Leads the nightly batch could not score").register(meters);
    }

    void onStop(@Observes @Priority(2) ShutdownEvent stop) {
        stopping = true;
    }

    public String owner() {
        return owner;
    }

    public Throwable lastError() {
        return lastError;
    }

    /** A run already under way, when another is asked for. */
    public static final class RunInProgressException extends RuntimeException {
        private final long runId;

        RunInProgressException(long runId) {
            super("Run " + runId + " is still running; wait for it to finish");
            this.runId = runId;
        }

        public long runId() {
            return runId;
        }
    }

    /** The schedule: the night's run, once, whichever instance fires first. */
    @Scheduled(identity = "nightly-rescore", cron = "${closer.batch.cron}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void nightly() {
        if (!config.batch().enabled()) {
            return;
        }
        try {
            Optional<Long> run = start("schedule", "scheduler", LocalDate.now());
            run.ifPresentOrElse(id -> LOG.infof("Nightly rescore: run %d started", id),
                    () -> LOG.infof("Nightly rescore: tonight's run exists already"));
        } catch (RunInProgressException e) {
            LOG.warnf("Nightly rescore not started: %s", e.getMessage());
        }
    }

    /**
     * Plans a run: its chunks over the open leads. Empty when {@code night} already has a scheduled run.
     *
     * @throws RunInProgressException when a run is still running
     */
    public Optional<Long> start(String trigger, String requestedBy, LocalDate night) {
        return QuarkusTransaction.requiringNew().call(() -> {
            try (Connection c = dataSource.getConnection()) {
                try (PreparedStatement ps = c.prepareStatement("select pg_advisory_xact_lock(?)")) {
                    ps.setLong(1, START_LOCK);
                    ps.execute();
                }
                if ("schedule".equals(trigger)) {
                    try (PreparedStatement ps = c.prepareStatement(
                            "select 1 from batch_runs where trigger = 'schedule' and night = ?")) {
                        ps.setObject(1, night);
                        try (ResultSet rs = ps.executeQuery()) {
                            if (rs.next()) {
                                return Optional.<Long>empty(); // another instance fired first
                            }
                        }
                    }
                }
                Optional<Long> running = single(c, "select min(id) from batch_runs where status = 'running'");
                if (running.isPresent()) {
                    throw new RunInProgressException(running.get());
                }
                long id;
                try (PreparedStatement ps = c.prepareStatement("""
                        insert into batch_runs (night, trigger, requested_by, model_name, total, chunk_size)
                        values (?, ?, ?, ?, 0, ?)
                        on conflict (kind, night) where trigger = 'schedule' do nothing returning id""")) {
                    ps.setObject(1, "schedule".equals(trigger) ? night : null);
                    ps.setString(2, trigger);
                    ps.setString(3, requestedBy);
                    ps.setString(4, LeadScorer.MODEL_NAME);
                    ps.setInt(5, config.batch().chunkSize());
                    try (ResultSet rs = ps.executeQuery()) {
                        if (!rs.next()) {
                            return Optional.<Long>empty();
                        }
                        id = rs.getLong(1);
                    }
                }
                try (PreparedStatement ps = c.prepareStatement("""
                        insert into batch_chunks (run_id, seq, first_id, last_id, planned)
                        select ?, g, min(id), max(id), count(*)
                          from (select id, (row_number() over (order by id) - 1) / ? as g
                                  from leads where status = 'open' and deleted_at is null) as o
                         group by g""")) {
                    ps.setLong(1, id);
                    ps.setInt(2, config.batch().chunkSize());
                    ps.executeUpdate();
                }
                try (PreparedStatement ps = c.prepareStatement("""
                        update batch_runs set total = (select coalesce(sum(planned), 0) from batch_chunks
                                                        where run_id = ?) where id = ?""")) {
                    ps.setLong(1, id);
                    ps.setLong(2, id);
                    ps.executeUpdate();
                }
                return Optional.of(id);
            }
        });
    }

    /** Claims and scores chunks of running runs until none is left to claim, then finishes runs that are done. */
    @Scheduled(identity = "batch-worker", every = "${closer.batch.poll-interval}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void work() {
        if (!config.batch().enabled()) {
            return;
        }
        try {
            giveUpChunks();
            Optional<Claim> claim;
            while (!stopping && (claim = claim()).isPresent()) {
                try {
                    process(claim.get());
                } catch (RuntimeException e) {
                    recordChunkError(claim.get(), e);
                    throw e;
                }
            }
            finishDoneRuns();
            lastError = null;
        } catch (RuntimeException e) {
            lastError = e;
            LOG.warnf(e, "Batch chunk failed; it is claimed again after its lease (at most %d claims)",
                    config.batch().maxChunkAttempts());
        }
    }

    private void recordChunkError(Claim claim, RuntimeException e) {
        QuarkusTransaction.requiringNew().run(() -> {
            try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                    "update batch_chunks set last_error = ? where run_id = ? and seq = ? and owner = ?")) {
                ps.setString(1, String.valueOf(e));
                ps.setLong(2, claim.runId());
                ps.setInt(3, claim.seq());
                ps.setString(4, owner);
                ps.executeUpdate();
            } catch (SQLException sql) {
                LOG.warnf(sql, "Could not record the error of chunk %d/%d", claim.runId(), claim.seq());
            }
        });
    }

    /**
     * Gives up the chunks of running runs that failed {@code max-chunk-attempts} times (and are not being worked
     * on): each of their open leads is recorded as failed with the chunk's last error, and the chunk counts as
     * done, so the run finishes.
     */
    void giveUpChunks() {
        int max = config.batch().maxChunkAttempts();
        int given = QuarkusTransaction.requiringNew().call(() -> {
            try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement("""
                    with given_up as (
                        update batch_chunks k set status = 'done', scored = 0, changed = 0, failed = k.planned,
                               finished_at = now()
                         where k.status <> 'done' and k.attempts >= ?
                           and (k.status = 'pending' or k.lease_until < now())
                           and k.run_id in (select id from batch_runs where status = 'running')
                     returning k.run_id, k.seq, k.first_id, k.last_id, k.last_error)
                    insert into batch_failures (run_id, lead_id, reason)
                    select g.run_id, l.id, 'chunk ' || g.seq || ' failed ' || ? || ' times: '
                                           || coalesce(g.last_error, 'see the logs')
                      from given_up g join leads l on l.id between g.first_id and g.last_id
                     where l.status = 'open' and l.deleted_at is null
                    on conflict (run_id, lead_id) do nothing""")) {
                ps.setInt(1, max);
                ps.setInt(2, max);
                return ps.executeUpdate();
            }
        });
        if (given > 0) {
            LOG.warnf("Batch: gave up %d leads of chunks that failed %d times; see GET /api/v1/batch/runs/{id}/failures",
                    given, max);
        }
    }

    /** Cancels a running run: no chunk of it is claimed any more. False when it is not running. */
    public boolean cancel(long runId) {
        return QuarkusTransaction.requiringNew().call(() -> {
            try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement("""
                    update batch_runs set status = 'cancelled', finished_at = now()
                     where id = ? and status = 'running'""")) {
                ps.setLong(1, runId);
                return ps.executeUpdate() == 1;
            }
        });
    }

    record Claim(long runId, int seq, String firstId, String lastId, int attempts) {
    }

    Optional<Claim> claim() {
        return QuarkusTransaction.requiringNew().call(() -> {
            try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement("""
                    update batch_chunks k set status = 'claimed', owner = ?, attempts = k.attempts + 1,
                           lease_until = now() + make_interval(secs => ?), claimed_at = now(), last_error = null
                     where (k.run_id, k.seq) = (
                        select c.run_id, c.seq from batch_chunks c join batch_runs r on r.id = c.run_id
                         where r.status = 'running'
                           and (c.status = 'pending' or (c.status = 'claimed' and c.lease_until < now()))
                           and c.attempts < ?
                         order by c.run_id, c.seq limit 1 for update of c skip locked)
                    returning k.run_id, k.seq, k.first_id, k.last_id, k.attempts""")) {
                ps.setString(1, owner);
                ps.setDouble(2, config.batch().lease().toMillis() / 1000.0);
                ps.setInt(3, config.batch().maxChunkAttempts());
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(new Claim(rs.getLong(1), rs.getInt(2), rs.getString(3),
                            rs.getString(4), rs.getInt(5))) : Optional.<Claim>empty();
                }
            }
        });
    }

    /** What one chunk did. */
    record ChunkResult(int scored, int changed, int failed) {
    }

    /** Scores a claimed chunk and marks it done, in one transaction that only commits if the claim still holds. */
    ChunkResult process(Claim claim) {
        // As long as the lease: the default 60 s would roll back every chunk slower than that, forever.
        int timeout = (int) Math.max(60, config.batch().lease().toSeconds());
        ChunkResult result = QuarkusTransaction.requiringNew().timeout(timeout).call(() -> {
            try (Connection c = dataSource.getConnection()) {
                List<String> ids = chunkLeads(c, claim);
                Instant now = Instant.now();
                Map<String, Drift.Histograms> drift = new HashMap<>();
                Map<String, Long> versions = new HashMap<>();
                LeadScorer.BatchObserver observer = (version, model, batch, p) -> {
                    versions.merge(version, (long) batch.rows(), Long::sum);
                    model.bundle().reference().ifPresent(ref -> drift
                            .computeIfAbsent(version, v -> new Drift.Histograms(model.spec(), ref)).add(batch, p));
                };
                int scored = 0;
                int changed = 0;
                int failed = 0;
                int size = config.batch().batchSize();
                for (int from = 0; from < ids.size(); from += size) {
                    List<String> part = ids.subList(from, Math.min(ids.size(), from + size));
                    Map<String, Map<String, Object>> loaded = records.load(part, now, config.scoring().historyLimit());
                    List<Map<String, Object>> batch = new ArrayList<>(loaded.values());
                    Map<String, ScoreWriter.Stored> stored = writer.latest(c, part);
                    Map<String, String> failures = new LinkedHashMap<>();
                    List<LeadScorer.Rescored> rescored = rescore(batch, stored, observer, failures);
                    List<String> changedIds = new ArrayList<>();
                    List<LeadScorer.Result> changedResults = new ArrayList<>();
                    for (int i = 0; i < batch.size(); i++) {
                        LeadScorer.Rescored r = rescored.get(i);
                        if (r != null && r.changed()) {
                            changedIds.add((String) batch.get(i).get("id"));
                            changedResults.add(r.result());
                        }
                    }
                    changed += writer.insertChanged(c, changedIds, changedResults, null, ScoreWriter.Cause.BATCH,
                            claim.runId());
                    recordFailures(c, claim.runId(), failures);
                    scored += batch.size() - failures.size();
                    failed += failures.size();
                }
                String version = versions.entrySet().stream().max(Map.Entry.comparingByValue())
                        .map(Map.Entry::getKey).orElse(null);
                ChunkResult done = new ChunkResult(scored, changed, failed);
                markDone(c, claim, done, version,
                        version == null || !drift.containsKey(version) ? null : drift.get(version).counts());
                return done;
            }
        });
        scoredLeads.increment(result.scored());
        failedLeads.increment(result.failed());
        return result;
    }

    private List<String> chunkLeads(Connection c, Claim claim) throws SQLException {
        List<String> ids = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(
                "select id from leads where id between ? and ? and status = 'open' and deleted_at is null order by id")) {
            ps.setString(1, claim.firstId());
            ps.setString(2, claim.lastId());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getString(1));
                }
            }
        }
        return ids;
    }

    /** The batch in one run; when that fails, lead by lead, recording the ones that fail (null results). */
    private List<LeadScorer.Rescored> rescore(List<Map<String, Object>> batch, Map<String, ScoreWriter.Stored> stored,
                                              LeadScorer.BatchObserver observer, Map<String, String> failures) {
        return Batches.wholeOrEach(batch, part -> scorer.rescore(part, stored, config.batch().refactorPoints(),
                observer), (record, e) -> failures.put((String) record.get("id"), String.valueOf(e.getMessage())));
    }

    private void recordFailures(Connection c, long runId, Map<String, String> failures) throws SQLException {
        if (failures.isEmpty()) {
            return;
        }
        List<Map.Entry<String, String>> rows = List.copyOf(failures.entrySet());
        Unnest.execute(c, json, rows, """
                insert into batch_failures (run_id, lead_id, reason) select ?, f.lead_id, f.reason
                  from unnest(?::text[], ?::text[]) as f (lead_id, reason)
                on conflict (run_id, lead_id) do update set reason = excluded.reason, at = now()""",
                cols -> cols.scalar(runId).text(rows, Map.Entry::getKey).text(rows, Map.Entry::getValue));
        failures.forEach((id, reason) -> LOG.warnf("Lead %s not rescored: %s", id, reason));
    }

    private void markDone(Connection c, Claim claim, ChunkResult r, String version, Map<String, long[]> histograms)
            throws SQLException, JsonProcessingException {
        try (PreparedStatement ps = c.prepareStatement("""
                update batch_chunks set status = 'done', scored = ?, changed = ?, failed = ?, model_version = ?,
                       histograms = ?::jsonb, finished_at = now()
                 where run_id = ? and seq = ? and owner = ? and attempts = ? and status = 'claimed'""")) {
            ps.setInt(1, r.scored());
            ps.setInt(2, r.changed());
            ps.setInt(3, r.failed());
            ps.setString(4, version);
            ps.setString(5, histograms == null ? null : json.writeValueAsString(histograms));
            ps.setLong(6, claim.runId());
            ps.setInt(7, claim.seq());
            ps.setString(8, owner);
            ps.setInt(9, claim.attempts());
            if (ps.executeUpdate() != 1) {
                throw new IllegalStateException("Chunk " + claim.runId() + "/" + claim.seq()
                        + " was taken over after its lease ran out; its work is rolled back");
            }
        }
    }

    /** Finishes every running run whose chunks are all done (idempotent: one instance wins each). */
    void finishDoneRuns() {
        List<Long> done = QuarkusTransaction.requiringNew().call(() -> {
            List<Long> ids = new ArrayList<>();
            try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement("""
                    select r.id from batch_runs r where r.status = 'running'
                       and not exists (select 1 from batch_chunks k where k.run_id = r.id and k.status <> 'done')""")) {
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        ids.add(rs.getLong(1));
                    }
                }
            }
            return ids;
        });
        for (long id : done) {
            finish(id);
        }
    }

    private void finish(long runId) {
        // Drift and the per-day figures read whole tables on a large install: more than the default 60 s.
        QuarkusTransaction.requiringNew().timeout(1800).run(() -> {
            try (Connection c = dataSource.getConnection()) {
                try (PreparedStatement ps = c.prepareStatement(
                        "select 1 from batch_runs where id = ? and status = 'running' for update skip locked")) {
                    ps.setLong(1, runId);
                    try (ResultSet rs = ps.executeQuery()) {
                        if (!rs.next()) {
                            return; // another instance is finishing it, or has
                        }
                    }
                }
                Map<String, Object> summary = summarise(c, runId);
                try (PreparedStatement ps = c.prepareStatement("""
                        update batch_runs set status = 'finished', finished_at = now(), summary = ?::jsonb
                         where id = ?""")) {
                    ps.setString(1, json.writeValueAsString(summary));
                    ps.setLong(2, runId);
                    ps.executeUpdate();
                }
                LOG.infof("Batch run %d finished: %s", runId, summary.get("counts"));
            } catch (SQLException | java.io.IOException e) {
                throw new IllegalStateException("Could not finish batch run " + runId + ": " + e.getMessage(), e);
            }
        });
    }

    private Map<String, Object> summarise(Connection c, long runId) throws SQLException, java.io.IOException {
        Map<String, Object> summary = new LinkedHashMap<>();
        Map<String, long[]> histograms = new HashMap<>();
        Map<String, Object> counts = new LinkedHashMap<>();
        String version = null;
        try (PreparedStatement ps = c.prepareStatement("""
                select sum(k.scored), sum(k.changed), sum(k.failed), count(*), sum(k.attempts) - count(*),
                       extract(epoch from max(k.finished_at) - r.created_at),
                       mode() within group (order by k.model_version)
                  from batch_chunks k join batch_runs r on r.id = k.run_id where k.run_id = ? group by r.created_at""")) {
            ps.setLong(1, runId);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    counts.put("scored", rs.getLong(1));
                    counts.put("changed", rs.getLong(2));
                    counts.put("failed", rs.getLong(3));
                    counts.put("chunks", rs.getLong(4));
                    counts.put("chunksRetried", rs.getLong(5));
                    double seconds = rs.getDouble(6);
                    counts.put("seconds", Math.round(seconds * 10) / 10.0);
                    counts.put("leadsPerSecond", seconds > 0 ? Math.round(rs.getLong(1) / seconds) : null);
                    version = rs.getString(7);
                }
            }
        }
        summary.put("counts", counts);
        summary.put("modelVersion", version);
        try (PreparedStatement ps = c.prepareStatement(
                "select histograms::text from batch_chunks where run_id = ? and model_version = ? and histograms is not null")) {
            ps.setLong(1, runId);
            ps.setString(2, version);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Map<String, long[]> chunk = json.readValue(rs.getString(1), new TypeReference<>() { });
                    chunk.forEach((name, values) -> histograms.merge(name, values, NightlyRescore::sum));
                }
            }
        }
        summary.put("drift", drift(c, version, histograms));
        summary.put("dailyStats", stats.refresh(c, config.batch().statsDays()));
        return summary;
    }

    private Map<String, Object> drift(Connection c, String version, Map<String, long[]> histograms)
            throws SQLException, java.io.IOException {
        Map<String, Object> drift = new LinkedHashMap<>();
        Optional<JsonNode> reference = reference(c, version);
        if (reference.isEmpty() || histograms.isEmpty()) {
            drift.put("available", false);
            drift.put("reason", version == null ? "no lead was scored"
                    : "model " + LeadScorer.MODEL_NAME + "/" + version + " has no reference.json");
            return drift;
        }
        double alertAt = config.batch().driftAlert();
        List<Drift.FeatureDrift> features = Drift.compare(reference.get(), histograms, alertAt);
        drift.put("available", true);
        drift.put("reference", Map.of("rows", reference.get().path("rows").asLong(),
                "trainedOn", reference.get().path("trained_on").asText(),
                "synthetic", reference.get().path("synthetic").asBoolean()));
        drift.put("alertAt", alertAt);
        drift.put("alert", features.stream().anyMatch(Drift.FeatureDrift::alert));
        drift.put("features", features);
        return drift;
    }

    private Optional<JsonNode> reference(Connection c, String version) throws SQLException, java.io.IOException {
        if (version == null) {
            return Optional.empty();
        }
        try (PreparedStatement ps = c.prepareStatement("""
                select f.content from model_files f join models m on m.id = f.model_id
                 where m.name = ? and m.version = ? and f.name = 'reference.json'""")) {
            ps.setString(1, LeadScorer.MODEL_NAME);
            ps.setString(2, version);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(json.readTree(rs.getBytes(1))) : Optional.empty();
            }
        }
    }

    private static long[] sum(long[] a, long[] b) {
        long[] out = a.clone();
        for (int i = 0; i < Math.min(a.length, b.length); i++) {
            out[i] += b[i];
        }
        return out;
    }

    private static Optional<Long> single(Connection c, String sql) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
            if (rs.next()) {
                long v = rs.getLong(1);
                return rs.wasNull() ? Optional.empty() : Optional.of(v);
            }
            return Optional.empty();
        }
    }
}
