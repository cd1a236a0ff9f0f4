package dev.closer.app.scoring.batch;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.closer.app.auth.ApiKeyService;
import dev.closer.app.auth.Roles;
import dev.closer.app.support.Api;
import dev.closer.app.support.Db;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * The nightly rescore over 50,000 open leads (SYNTHETIC rows made in SQL), shared by this app and a second instance
 * — the packaged app, started as its own JVM once the run is under way — which is killed with SIGKILL while it
 * holds a chunk. Every lead must be scored exactly once in the run, the dead instance's chunk taken over after its
 * lease, and the history rows of the run equal to the scores that changed; a second run changes only what moved.
 */
@QuarkusTest
class NightlyRescoreIT {

    private static final int LEADS = 50_000;
    private static final Path APP = Path.of("target", "quarkus-app", "quarkus-run.jar");

    @Inject
    ApiKeyService keys;
    @Inject
    EntityManager em;

    @ConfigProperty(name = "quarkus.datasource.jdbc.url")
    String jdbcUrl;
    @ConfigProperty(name = "quarkus.datasource.username")
    String dbUser;
    @ConfigProperty(name = "quarkus.datasource.password")
    String dbPassword;
    @ConfigProperty(name = "kafka.bootstrap.servers")
    String kafka;

    private long count(String sql, Object... params) {
        return Db.count(em, sql, params);
    }

    private void execute(String sql) {
        QuarkusTransaction.requiringNew().run(() -> em.createNativeQuery(sql).executeUpdate());
    }

    @Test
    void everyOpenLeadIsScoredExactlyOnceWhileInstancesJoinAndDie() throws Exception {
        assumeTrue(Files.isRegularFile(APP), "skipped: the second instance is the packaged app, " + APP.toAbsolutePath()
                + " (run through `mvn verify`, which packages it first)");
        // SYNTHETIC leads: varied fields, some with a few web visits, created over the last 200 days.
        execute("""
                insert into leads (id, source, origin, country, occupation, website_visits, website_seconds,
                                   page_views_per_visit, status, event_time, crm_created_at, status_changed_at)
                select 'nightly-' || lpad(g::text, 6, '0'), (array['web', 'ads', 'event', 'referral'])[1 + g % 4],
                       (array['form', 'import', 'api'])[1 + g % 3], (array['United States', 'Germany', 'India'])[1 + g % 3],
                       (array['working_professional', 'student', null])[1 + g % 3], g % 17, (g % 97) * 31.0,
                       1 + (g % 5) * 0.5, 'open', now(), now() - (g % 200) * interval '1 day', now()
                  from generate_series(1, LEADS) as g""".replace("LEADS", Integer.toString(LEADS)));
        execute("""
                insert into activities (id, lead_id, type, occurred_at, properties, event_id)
                select 'nightly-a-' || g || '-' || k, 'nightly-' || lpad(g::text, 6, '0'), 'page_view',
                       now() - (g % 60 + k) * interval '1 day',
                       jsonb_build_object('page', (array['pricing', 'docs', 'blog'])[1 + k % 3]), 'nightly'
                  from generate_series(1, LEADS, 7) as g, generate_series(1, 3) as k"""
                .replace("LEADS", Integer.toString(LEADS)));
        long open = count("select count(*) from leads where status = 'open' and deleted_at is null");
        String admin = Api.newKey(keys, Roles.ADMIN, null).key();

        long run = Api.as(admin).post("/api/v1/batch/runs").then().statusCode(202).extract().jsonPath().getLong("id");
        assertEquals(open, count("select total from batch_runs where id = ?1", run));
        Api.as(admin).post("/api/v1/batch/runs").then().statusCode(409); // one run at a time

        Process second = startSecondInstance();
        long killedChunk;
        try {
            String owner = second.pid() + "@%";
            await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(100)).until(() -> !second.isAlive()
                    || count("select count(*) from batch_chunks where run_id = ?1 and owner like ?2"
                    + " and status = 'claimed'", run, owner) > 0);
            assertTrue(second.isAlive(), "the second instance stopped before claiming a chunk; see "
                    + log().toAbsolutePath());
            second.destroyForcibly().waitFor(); // SIGKILL: no shutdown hook, its chunk stays claimed
            killedChunk = count("select min(seq) from batch_chunks where run_id = ?1 and owner like ?2"
                    + " and status = 'claimed'", run, owner);
        } finally {
            second.destroyForcibly();
        }

        JsonPath done = awaitFinished(admin, run);
        assertEquals(open, done.getLong("scored"), "every open lead scored");
        assertEquals(0, done.getLong("failed"));
        assertEquals(open, count("select sum(scored) from batch_chunks where run_id = ?1", run));
        assertEquals(1, count("""
                select count(*) from batch_chunks where run_id = ?1 and seq = ?2 and status = 'done'
                   and attempts >= 2 and owner not like ?3""", run, killedChunk, second.pid() + "@%"),
                "the killed instance's chunk was claimed again, by the other instance, and finished");
        assertEquals(0, count("select count(*) from batch_chunks where run_id = ?1 and status <> 'done'", run));
        long changed = done.getLong("changed");
        assertEquals(changed, count("select count(*) from lead_scores where run_id = ?1", run),
                "history rows = changed scores");
        assertEquals(0, count("""
                select count(*) from (select lead_id from lead_scores where run_id = ?1
                                       group by lead_id having count(*) > 1) as twice""", run),
                "no lead scored twice in a run");
        assertEquals(LEADS, count("""
                select count(*) from leads l where l.id like 'nightly-%' and exists (
                    select 1 from lead_scores s where s.lead_id = l.id and s.run_id = ?1)""", run),
                "the new leads had no score, so each one changed");
        assertTrue(done.getBoolean("summary.drift.available"), "drift measured against v1's reference.json");
        assertTrue(done.getList("summary.drift.features").size() > 5);

        // The next run: nothing but the clock moved, so (almost) nothing changes, and history says exactly that.
        long again = Api.as(admin).post("/api/v1/batch/runs").then().statusCode(202).extract().jsonPath()
                .getLong("id");
        JsonPath second2 = awaitFinished(admin, again);
        assertEquals(count("select count(*) from leads where status = 'open' and deleted_at is null"),
                second2.getLong("scored"));
        assertEquals(second2.getLong("changed"), count("select count(*) from lead_scores where run_id = ?1", again));
        assertTrue(second2.getLong("changed") < open / 100, "a rerun rewrites almost nothing: "
                + second2.getLong("changed"));

        Api.as(admin).get("/api/v1/batch/drift").then().statusCode(200);
    }

    @Test
    void aChunkThatKeepsFailingIsGivenUpSoTheRunEndsAndItsLeadsSayWhy() {
        execute("""
                insert into leads (id, status, event_time) values ('giveup-1', 'open', now()), ('giveup-2', 'open', now())""");
        // A run whose one chunk three instances claimed and failed on: past its lease, at the attempts limit (3).
        // One statement, so no worker sees the run without its chunk (and finishes it as empty).
        long run = count("""
                with r as (insert into batch_runs (trigger, requested_by, model_name, total, chunk_size)
                           values ('api', 'test', 'lead-score', 2, 1000) returning id)
                insert into batch_chunks (run_id, seq, first_id, last_id, planned, status, owner, attempts,
                                          lease_until, last_error)
                select r.id, 0, 'giveup-1', 'giveup-2', 2, 'claimed', 'gone', 3, now() - interval '1 minute',
                       'java.lang.IllegalStateException: boom' from r
                returning run_id""");
        String admin = Api.newKey(keys, Roles.ADMIN, null).key();
        JsonPath done = awaitFinished(admin, run);
        assertEquals(2, done.getLong("failed"));
        List<String> reasons = Api.as(admin).get("/api/v1/batch/runs/" + run + "/failures").then().statusCode(200)
                .extract().jsonPath().getList("reason");
        assertEquals(2, reasons.size());
        assertTrue(reasons.stream().allMatch(r -> r.equals("chunk 0 failed 3 times: "
                + "java.lang.IllegalStateException: boom")), reasons.toString());
    }

    @Test
    void anAdminCancelsARunningRunOnce() {
        String admin = Api.newKey(keys, Roles.ADMIN, null).key();
        long run = Api.as(admin).post("/api/v1/batch/runs").then().statusCode(202).extract().jsonPath().getLong("id");
        Api.as(admin).post("/api/v1/batch/runs/" + run + "/cancel").then().statusCode(200)
                .body("status", org.hamcrest.Matchers.equalTo("cancelled"));
        Api.as(admin).post("/api/v1/batch/runs/" + run + "/cancel").then().statusCode(409);
        assertEquals(0, count("select count(*) from batch_runs where status = 'running'"), "a new run may start");
    }

    private JsonPath awaitFinished(String admin, long run) {
        await().atMost(Duration.ofMinutes(10)).pollInterval(Duration.ofSeconds(1)).until(() -> "finished".equals(
                Api.as(admin).get("/api/v1/batch/runs/" + run).then().extract().jsonPath().getString("status")));
        return Api.as(admin).get("/api/v1/batch/runs/" + run).then().statusCode(200).extract().jsonPath();
    }

    private static Path log() {
        return Path.of("target", "nightly-second-instance.log");
    }

    private Process startSecondInstance() throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-Xmx512m",
                "-Dquarkus.http.port=0", "-Dquarkus.datasource.jdbc.url=" + jdbcUrl,
                "-Dquarkus.datasource.username=" + dbUser, "-Dquarkus.datasource.password=" + dbPassword,
                "-Dkafka.bootstrap.servers=" + kafka, "-Dcloser.consumer.enabled=false",
                "-Dcloser.scoring.enabled=false", "-Dcloser.topics.create=false", "-Dcloser.batch.cron=off",
                "-Dcloser.batch.lease=15s", "-Dcloser.batch.poll-interval=1s", "-jar", APP.toString()));
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log().toFile())
                .directory(new File(".")).start();
    }
}
