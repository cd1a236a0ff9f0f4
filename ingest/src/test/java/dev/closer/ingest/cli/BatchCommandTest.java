package dev.closer.ingest.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintStream;
import java.util.List;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** closer-batch against a canned API: starting and following runs, the tables, problems and exit statuses. */
class BatchCommandTest {

    private static final String NL = System.lineSeparator();
    private static final String DRIFT = "{\"available\":true,\"alertAt\":0.2,\"alert\":true,"
            + "\"reference\":{\"rows\":50000,\"trainedOn\":\"2026-10-01\",\"synthetic\":true},"
            + "\"features\":[{\"feature\":\"emails_30d\",\"psi\":0.31,\"alert\":true},"
            + "{\"feature\":\"calls_30d\",\"psi\":0.05,\"alert\":false},"
            + "{\"feature\":\"days_since_touch\",\"psi\":0.012,\"alert\":false},"
            + "{\"feature\":\"score\",\"psi\":0.001,\"alert\":false}]}";

    private final StubApi api;

    BatchCommandTest() throws Exception {
        api = new StubApi();
    }

    @AfterEach
    void stop() {
        api.close();
    }

    /** A run's JSON as the API writes it; {@code summary} is JSON or null. */
    private static String run(long id, String status, long total, long done, long failed, String summary) {
        boolean running = "running".equals(status);
        return String.format("{\"id\":%d,\"trigger\":\"api\",\"requestedBy\":\"admin\",\"status\":\"%s\","
                        + "\"night\":null,\"total\":%d,\"scored\":%d,\"changed\":120,\"failed\":%d,\"done\":%d,"
                        + "\"chunks\":6,\"chunksDone\":%d,\"leadsPerSecond\":%s,\"etaSeconds\":%s,"
                        + "\"createdAt\":\"2026-11-24T02:00:01.123456+01:00\",\"finishedAt\":%s,\"summary\":%s}",
                id, status, total, done - failed, failed, done, running ? 4 : 6, done == 0 ? "null" : "375.1",
                done == 0 ? "null" : running ? "6.1" : "0.0",
                running ? "null" : "\"2026-11-24T02:00:28.5+01:00\"", summary);
    }

    private static String summary(long scored, long failed) {
        return String.format("{\"counts\":{\"scored\":%d,\"changed\":120,\"failed\":%d,\"chunks\":6,"
                + "\"chunksRetried\":0,\"seconds\":27.4,\"leadsPerSecond\":375},\"modelVersion\":\"v1\","
                + "\"drift\":%s,\"dailyStats\":{\"days\":3}}", scored, failed, DRIFT);
    }

    private static StubApi.Answer accepted(String body, String location) {
        return new StubApi.Answer(202, body, location);
    }

    @Test
    void startWaitFollowsTheRunToItsEndAndPrintsTheSummary() {
        api.on("POST", "/api/v1/batch/runs", accepted(run(3, "running", 10288, 0, 0, null), null))
                .on("GET", "/api/v1/batch/runs/3", StubApi.ok(run(3, "running", 10288, 6400, 0, null)),
                        StubApi.ok(run(3, "finished", 10288, 10288, 0, summary(10288, 0))));
        StubApi.Run run = api.run(BatchCommand::new, "start", "--wait", "--interval", "0.01");
        assertEquals(0, run.exit(), run.err());
        assertEquals("", run.err());
        List<String> lines = run.out().lines().toList();
        assertEquals("Run 3 started: 10,288 open leads", lines.get(0));
        assertEquals("[....................]   0%  0/10,288 leads  0 failed", lines.get(1));
        // Not a terminal: plain lines, the last one whatever came between.
        assertEquals("[####################] 100%  10,288/10,288 leads  0 failed  375/s", lines.get(2));
        assertEquals("Finished in 27.4 s: 10,288 scored, 120 changed, 0 failed (375 leads/s), model v1",
                lines.get(3));
        assertEquals("Drift: ALERT, PSI 0.2 or more on 1 feature; largest PSI: emails_30d 0.310, calls_30d 0.050, "
                + "days_since_touch 0.012", lines.get(4));
        assertEquals(5, lines.size(), run.out());
        assertEquals(List.of("POST /api/v1/batch/runs", "GET /api/v1/batch/runs/3", "GET /api/v1/batch/runs/3"),
                api.requests().stream().map(r -> r.method() + " " + r.path()).toList());
    }

    @Test
    void onATerminalTheBarIsRedrawnInPlace() {
        api.on("GET", "/api/v1/batch/runs/3", StubApi.ok(run(3, "running", 10288, 6400, 2, null)),
                StubApi.ok(run(3, "finished", 10288, 10288, 0, summary(10288, 0))));
        StubApi.Run run = api.run(BatchCommandTest::onATerminal, "watch", "3", "--interval", "0.01");
        assertEquals(0, run.exit(), run.err());
        assertTrue(run.out().startsWith("\r[############........]  62%  6,400/10,288 leads  2 failed  375/s  ETA 6 s"
                + "\r[####################] 100%  10,288/10,288 leads  0 failed  375/s        " + NL
                + "Finished in 27.4 s"), run.out());
    }

    @Test
    void noProgressGivesPlainLinesEvenOnATerminal() {
        api.on("GET", "/api/v1/batch/runs/3", StubApi.ok(run(3, "finished", 10288, 10288, 0, summary(10288, 0))));
        StubApi.Run run = api.run(BatchCommandTest::onATerminal, "watch", "3", "--no-progress");
        assertEquals(0, run.exit(), run.err());
        assertFalse(run.out().contains("\r"), run.out());
        assertTrue(run.out().startsWith("[####################] 100%"), run.out());
    }

    private static BatchCommand onATerminal(PrintStream out, PrintStream err) {
        BatchCommand command = new BatchCommand(out, err);
        command.terminal = () -> new ConsoleProgressBarConsumer(out, 200);
        return command;
    }

    @Test
    void aRunningRunIsSaidAndFollowedWithWait() {
        api.on("POST", "/api/v1/batch/runs", new StubApi.Answer(409, "{\"title\":\"A run is in progress\","
                + "\"status\":409,\"detail\":\"Run 2 is still running; wait for it to finish\"}",
                api.url() + "/api/v1/batch/runs/2"))
                .on("GET", "/api/v1/batch/runs/2", StubApi.ok(run(2, "finished", 500, 500, 0, summary(500, 0))));
        StubApi.Run run = api.run(BatchCommand::new, "start", "--wait", "--interval", "0.01");
        assertEquals(0, run.exit(), run.err());
        assertEquals("closer-batch: 409 A run is in progress: Run 2 is still running; wait for it to finish" + NL,
                run.err());
        assertTrue(run.out().startsWith("Following run 2, which was running already." + NL
                + "[####################] 100%  500/500 leads  0 failed  375/s" + NL + "Finished in 27.4 s"),
                run.out());
    }

    @Test
    void cancelPostsToTheRunAndSaysWhereItStopped() {
        api.on("POST", "/api/v1/batch/runs/5/cancel", StubApi.ok(run(5, "cancelled", 10288, 8002, 2, "null")));
        StubApi.Run run = api.run(BatchCommand::new, "cancel", "5");
        assertEquals(0, run.exit(), run.err());
        assertEquals("Run 5 cancelled after 8,002 of 10,288 leads." + NL, run.out());
        assertEquals(List.of("POST /api/v1/batch/runs/5/cancel"),
                api.requests().stream().map(r -> r.method() + " " + r.path()).toList());
    }

    @Test
    void aRunWithFailedLeadsExitsOneAndSaysSo() {
        api.on("GET", "/api/v1/batch/runs/4", StubApi.ok(run(4, "finished", 10288, 10288, 2, summary(10286, 2))));
        StubApi.Run run = api.run(BatchCommand::new, "watch", "4");
        assertEquals(1, run.exit());
        assertTrue(run.out().contains("Finished in 27.4 s: 10,286 scored, 120 changed, 2 failed"), run.out());
        assertEquals("closer-batch: run 4 could not score 2 leads: closer-batch failures 4 lists them" + NL,
                run.err());
    }

    @Test
    void aCancelledRunExitsOne() {
        api.on("GET", "/api/v1/batch/runs/5", StubApi.ok(run(5, "cancelled", 10288, 8002, 2, "null")));
        StubApi.Run run = api.run(BatchCommand::new, "watch", "5");
        assertEquals(1, run.exit());
        assertTrue(run.out().contains("Cancelled after 8,002 of 10,288 leads: 8,000 scored, 120 changed, 2 failed"),
                run.out());
        assertEquals("closer-batch: run 5 was cancelled" + NL, run.err());
    }

    @Test
    void aProblemIsPrintedWithItsDetailAndExitsOne() {
        assertProblem("GET", "/api/v1/batch/runs/99", 404, "Not Found", "No batch run 99", "status", "99");
        assertProblem("GET", "/api/v1/batch/drift", 404, "Not Found",
                "No batch run has finished yet; drift is measured by the nightly run", "drift");
        // Refused, so there is nothing to wait for.
        assertProblem("POST", "/api/v1/batch/runs", 403, "Forbidden", "Starting a run needs an admin key", "start",
                "--wait");
    }

    /** Asked {@code args}, the API answers a problem at {@code method path}: printed, exit 1, nothing else asked. */
    private void assertProblem(String method, String path, int status, String title, String detail, String... args) {
        api.on(method, path, StubApi.problem(status, title, detail));
        int asked = api.requests().size();
        StubApi.Run run = api.run(BatchCommand::new, args);
        assertEquals(1, run.exit());
        assertEquals("closer-batch: " + status + " " + title + ": " + detail + NL, run.err());
        assertEquals("", run.out());
        assertEquals(asked + 1, api.requests().size());
    }

    @Test
    void statusShowsTheNewestRun() {
        api.on("GET", "/api/v1/batch/runs?limit=1", StubApi.ok("[" + run(3, "running", 10288, 6400, 2, null) + "]"));
        StubApi.Run run = api.run(BatchCommand::new, "status");
        assertEquals(0, run.exit(), run.err());
        assertEquals("Run 3: running, started 2026-11-24 02:00:01 by admin (api)" + NL
                + "[############........]  62%  6,400/10,288 leads  2 failed  375/s  ETA 6 s" + NL, run.out());
    }

    @Test
    void listPrintsATable() {
        api.on("GET", "/api/v1/batch/runs?limit=20", StubApi.ok("[" + run(3, "running", 10288, 6400, 2, null) + ","
                + run(2, "finished", 500, 500, 0, summary(500, 0)) + "]"));
        StubApi.Run run = api.run(BatchCommand::new, "list");
        assertEquals(0, run.exit(), run.err());
        List<String> lines = run.out().lines().toList();
        assertEquals(List.of(
                "ID     TRIGGER   STATUS           DONE/TOTAL  CHANGED  FAILED  STARTED              FINISHED",
                "3      api       running        6,400/10,288      120       2  2026-11-24 02:00:01  -",
                "2      api       finished            500/500      120       0  2026-11-24 02:00:01  "
                        + "2026-11-24 02:00:28"),
                lines);
    }

    @Test
    void failuresListsTheLeadsAndWhy() {
        api.on("GET", "/api/v1/batch/runs/4/failures?limit=2", StubApi.ok("[{\"leadId\":\"lead-1\","
                + "\"reason\":\"no features\",\"at\":\"2026-11-24T02:00:05Z\"},{\"leadId\":\"lead-22\","
                + "\"reason\":\"timeout\",\"at\":\"2026-11-24T02:00:06Z\"}]"));
        StubApi.Run run = api.run(BatchCommand::new, "failures", "4", "--limit", "2");
        assertEquals(0, run.exit(), run.err());
        assertEquals(List.of("LEAD     AT                   REASON", "lead-1   2026-11-24 02:00:05  no features",
                "lead-22  2026-11-24 02:00:06  timeout", "(the first 2; --limit shows more)"),
                run.out().lines().toList());
    }

    @Test
    void driftPrintsTheAlertTheReferenceAndATableOfFeatures() {
        api.on("GET", "/api/v1/batch/drift", StubApi.ok("{\"runId\":3,\"measuredAt\":\"2026-11-24T02:00:28Z\","
                + "\"modelVersion\":\"v1\"," + DRIFT.substring(1)));
        StubApi.Run run = api.run(BatchCommand::new, "drift");
        assertEquals(0, run.exit(), run.err());
        assertEquals(List.of(
                "Drift of model v1, measured by run 3 at 2026-11-24 02:00:28: ALERT, PSI 0.2 or more on 1 feature",
                "Reference: 50,000 rows, trained on 2026-10-01, synthetic data",
                "FEATURE                PSI  ALERT",
                "emails_30d          0.3100  yes",
                "calls_30d           0.0500  -",
                "days_since_touch    0.0120  -",
                "score               0.0010  -"), run.out().lines().toList());
    }

    @Test
    void driftNotMeasuredSaysWhy() {
        api.on("GET", "/api/v1/batch/drift", StubApi.ok("{\"runId\":3,\"measuredAt\":\"2026-11-24T02:00:28Z\","
                + "\"modelVersion\":\"v1\",\"available\":false,\"reason\":\"model lead-score/v1 has no "
                + "reference.json\"}"));
        StubApi.Run run = api.run(BatchCommand::new, "drift");
        assertEquals(0, run.exit(), run.err());
        assertEquals("Drift of model v1, measured by run 3 at 2026-11-24 02:00:28: not measured: model "
                + "lead-score/v1 has no reference.json" + NL, run.out());
    }

    @Test
    void jsonPrintsOnlyTheApisAnswers() {
        api.on("GET", "/api/v1/batch/runs/3", StubApi.ok(run(3, "running", 10288, 6400, 0, null)),
                StubApi.ok(run(3, "finished", 10288, 10288, 0, summary(10288, 0))));
        StubApi.Run run = api.run(BatchCommand::new, "watch", "3", "--interval", "0.01", "--json");
        assertEquals(0, run.exit(), run.err());
        assertEquals(1, run.out().lines().count(), run.out());
        assertTrue(run.out().startsWith("{\"id\":3,") && run.out().contains("\"status\":\"finished\""), run.out());
    }

    @Test
    void aBadIntervalIsAUsageErrorBeforeAnythingIsStarted() {
        StubApi.Run run = api.run(BatchCommand::new, "start", "--wait", "--interval", "0");
        assertEquals(2, run.exit());
        assertTrue(api.requests().isEmpty());
        assertEquals(2, api.run(BatchCommand::new, "watch").exit());
        assertEquals(2, StubApi.execute(BatchCommand::new).exit());
    }
}
