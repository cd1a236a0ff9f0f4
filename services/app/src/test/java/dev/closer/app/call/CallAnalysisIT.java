package dev.closer.app.call;

import static dev.closer.app.support.Api.unique;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.closer.app.auth.ApiKeyService;
import dev.closer.app.support.Api;
import dev.closer.app.support.Db;
import dev.closer.app.support.Teams;
import dev.closer.ingest.call.CallAnalyzer;
import dev.closer.ingest.call.CallMetrics;
import dev.closer.ingest.call.SeededTrackers;
import dev.closer.ingest.data.CallTranscribedData.Utterance;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Call analysis end to end through the real models (BGE-small, ml/models/tone) and Kafka: transcripts posted as JSON
 * and as WebVTT go out as closer.call.transcribed, the event sink stores them, the worker analyses them; the stored
 * metrics are CallMetrics' for the same utterances, every utterance has a tone, trackers fire at the right
 * timestamps, a late-stage deal without pricing talk gets its warning with evidence, and visibility and input checks
 * hold.
 */
@QuarkusTest
@TestProfile(CallAnalysisIT.Worker.class)
class CallAnalysisIT {

    /** The call worker on (it is off in other tests, which do not need the models). */
    public static class Worker implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("closer.calls.analyse", "true", "closer.calls.analyse-interval", "200ms");
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(120);

    @Inject
    ApiKeyService keys;
    @Inject
    EntityManager em;

    private static final List<Utterance> PROPOSAL_CALL = List.of(
            u("Sam Reed", "rep", 0, 4_000, "Hi Dana, thanks for joining again today."),
            u("Dana Whitfield", "prospect", 4_500, 9_000, "Happy to. I read the proposal last night."),
            u("Sam Reed", "rep", 9_200, 16_000, "Great. Did the rollout plan in section two make sense?"),
            u("Dana Whitfield", "prospect", 15_500, 24_000,
                    "Mostly. Our go-live is planned for early March, so the plan has to fit that."),
            u("Sam Reed", "rep", 26_000, 31_000, "Who else is involved in making the decision?"),
            u("Dana Whitfield", "prospect", 31_500, 40_000,
                    "Me and our operations director. I will walk her through it this week."),
            u("Sam Reed", "rep", 40_500, 44_000, "Sounds good, talk soon."));

    @Test
    void transcriptsAreAnalysedWithMetricsToneTrackersAndWarnings() throws Exception {
        Teams t = Teams.create(keys);
        String lead = t.eastLead();
        String westLead = t.westLead();
        String deal = unique("deal");
        post(t.admin(), List.of(
                Api.leadEvent(unique("evt"), lead, "2026-03-01T09:00:00Z", "\"ownerId\":\"" + t.repEast().userId() + "\""),
                Api.leadEvent(unique("evt"), westLead, "2026-03-01T09:00:00Z",
                        "\"ownerId\":\"" + t.repWest().userId() + "\""),
                """
                {"specversion":"1.0","id":"%s","source":"closer/test","type":"closer.deal.upserted","subject":"%s",
                 "time":"2026-03-02T09:00:00Z","datacontenttype":"application/json",
                 "data":{"id":"%s","name":"Lumora rollout","leadId":"%s","stage":"proposal","ownerId":"%s"}}"""
                        .formatted(unique("evt"), deal, deal, lead, t.repEast().userId())));
        await().atMost(WAIT).until(() -> Db.count(em, "select count(*) from leads where id in (?1, ?2)", lead,
                westLead) == 2 && Db.count(em, "select count(*) from deals where id = ?1", deal) == 1);

        // A subscriber to call.analysed (nobody listens at the URL: the delivery is queued, which is what we check).
        int subscription = Api.as(t.admin()).contentType("application/json")
                .body(Map.of("url", "http://127.0.0.1:9/closer-calls", "events", List.of("call.analysed")))
                .post("/api/v1/outbound/subscriptions").then().statusCode(201).extract().path("id");

        // JSON, as the rep who owns the lead, in shuffled order (the analysis sorts).
        List<Utterance> shuffled = new ArrayList<>(PROPOSAL_CALL);
        java.util.Collections.reverse(shuffled);
        String jsonCall = Api.as(t.repEast().key()).contentType("application/json")
                .body(Map.of("leadId", lead, "dealId", deal, "title", "Proposal review",
                        "startedAt", "2026-03-05T15:00:00Z", "utterances", shuffled))
                .post("/api/v1/calls").then().statusCode(202)
                .body("utterances", equalTo(7))
                .extract().path("callId");

        // WebVTT, roles in the header.
        String vtt = """
                WEBVTT

                1
                00:00:00.000 --> 00:00:05.000
                <v Sam Reed>Thanks for taking the call, how much do you spend on reporting today?</v>

                2
                00:00:05.500 --> 00:00:12.000
                <v Priya Shah>Too much. The price of our current tool keeps going up.</v>

                3
                00:00:12.500 --> 00:00:15.000
                <v Sam Reed>Understood, let me show you.</v>
                """;
        String vttCall = Api.as(t.repEast().key()).contentType("text/vtt")
                .header("X-Closer-Speaker-Roles", "Sam Reed:rep,Priya Shah:prospect")
                .queryParam("leadId", lead).queryParam("startedAt", "2026-03-06T10:00:00Z")
                .body(vtt).post("/api/v1/calls").then().statusCode(202)
                .body("utterances", equalTo(3))
                .extract().path("callId");

        await().atMost(WAIT).until(() -> Db.count(em,
                "select count(*) from call_analyses where call_id in (?1, ?2)", jsonCall, vttCall) == 2);

        JsonNode delivery = JSON.readTree(Db.text(em, "select payload::text from webhook_deliveries "
                + "where subscription_id = ?1 and event_type = 'call.analysed' and payload -> 'data' ->> 'callId' = ?2",
                (long) subscription, jsonCall));
        assertEquals("closer.call.analysed", delivery.path("type").asText());
        assertEquals(deal, delivery.path("data").path("dealId").asText());
        assertTrue(delivery.path("data").path("warnings").toString().contains("pricing_not_discussed"));
        // The call-win model (ml/models/call-win/v1) scored the call of a deal; the stored odds are the ones sent.
        double win = delivery.path("data").path("winProbability").asDouble(-1);
        assertTrue(win > 0 && win < 1, "win probability " + delivery.path("data").path("winProbability"));
        assertEquals(win, Double.parseDouble(Db.text(em,
                "select win_probability::text from call_analyses where call_id = ?1", jsonCall)), 1e-6);
        Api.as(t.admin()).delete("/api/v1/outbound/subscriptions/" + subscription).then().statusCode(204);

        // Metrics: exactly CallMetrics' for the same utterances (numbers compared as numbers).
        JsonNode stored = JSON.readTree(Db.text(em, "select metrics::text from call_analyses where call_id = ?1",
                jsonCall));
        JsonNode expected = JSON.readTree(JSON.writeValueAsString(CallMetrics.compute(PROPOSAL_CALL)));
        assertTrue(expected.equals(NUMERIC, stored), "stored " + stored + "\nexpected " + expected);

        JsonPath detail = Api.as(t.repEast().key()).get("/api/v1/calls/" + jsonCall).then().statusCode(200)
                .body("status", equalTo("analysed"))
                .body("utterances.size()", equalTo(7))
                .body("utterances[4].text", equalTo("Who else is involved in making the decision?"))
                .body("analysis.tone.utterances.size()", equalTo(7))
                .extract().jsonPath();
        for (Map<String, Object> tone : detail.<Map<String, Object>>getList("analysis.tone.utterances")) {
            assertTrue(List.of("negative", "neutral", "positive").contains(tone.get("label")), tone.toString());
            double p = ((Number) tone.get("positive")).doubleValue();
            assertTrue(p >= 0 && p <= 1, tone.toString());
        }
        assertFalse(detail.getList("analysis.tone.prospect").isEmpty());

        // A keyword hit (timeline: "go-live") and a semantic one (decision makers), at their utterances' starts.
        List<Map<String, Object>> hits = detail.getList("analysis.trackerHits");
        assertTrue(hits.stream().anyMatch(h -> "timeline".equals(h.get("tracker")) && "keyword".equals(h.get("kind"))
                && ((Number) h.get("startMs")).longValue() == 15_500 && "go-live".equals(h.get("match"))), "" + hits);
        assertTrue(hits.stream().anyMatch(h -> "decision makers".equals(h.get("tracker"))
                && "semantic".equals(h.get("kind")) && ((Number) h.get("startMs")).longValue() == 26_000
                && ((Number) h.get("similarity")).doubleValue() >= 0.70), "" + hits);
        assertTrue(hits.stream().noneMatch(h -> "pricing".equals(h.get("tracker"))), "" + hits);

        // The deal is in proposal and pricing never came up: a warning with its evidence.
        List<Map<String, Object>> warnings = detail.getList("analysis.warnings");
        Map<String, Object> pricing = warnings.stream().filter(w -> "pricing_not_discussed".equals(w.get("code")))
                .findFirst().orElseThrow(() -> new AssertionError("no pricing warning in " + warnings));
        @SuppressWarnings("unchecked")
        Map<String, Object> evidence = (Map<String, Object>) pricing.get("evidence");
        assertEquals("proposal", evidence.get("stage"));
        assertEquals(List.of(jsonCall), evidence.get("calls"));
        assertTrue(warnings.stream().anyMatch(w -> "single_threaded".equals(w.get("code"))), "" + warnings);

        // The WebVTT call: pricing by keyword ("price") on the prospect's line at 5.5 s, tone on all 3 utterances.
        Api.as(t.repEast().key()).get("/api/v1/calls/" + vttCall).then().statusCode(200)
                .body("analysis.tone.utterances.size()", equalTo(3))
                .body("utterances[1].speaker", equalTo("Priya Shah"))
                .body("utterances[1].role", equalTo("prospect"))
                .body("analysis.trackerHits.findAll { it.tracker == 'pricing' && it.kind == 'keyword' }.startMs",
                        hasItem(5500));

        // Visibility: the other rep sees neither call; the team's manager does.
        Api.as(t.repWest().key()).get("/api/v1/calls/" + jsonCall).then().statusCode(403);
        Api.as(t.repWest().key()).get("/api/v1/calls?limit=200").then().statusCode(200)
                .body("calls.id", not(hasItem(jsonCall)));
        Api.as(t.managerEast().key()).get("/api/v1/calls?limit=200").then().statusCode(200)
                .body("calls.id", hasItem(jsonCall));
        Api.as(t.repEast().key()).get("/api/v1/calls?leadId=" + lead).then().statusCode(200)
                .body("calls.size()", equalTo(2))
                .body("calls.find { it.id == '" + jsonCall + "' }.warnings", org.hamcrest.Matchers.greaterThan(0));
        Api.as(t.repWest().key()).contentType("application/json")
                .body(Map.of("leadId", lead, "utterances", PROPOSAL_CALL)).post("/api/v1/calls").then()
                .statusCode(403);
        Api.as(t.repEast().key()).get("/api/v1/calls/" + unique("nope")).then().statusCode(404);

        // Aggregates per rep: the rep's two calls, their mean talk ratio and one histogram bin each.
        JsonPath aggregates = Api.as(t.admin()).get("/api/v1/calls/aggregates?by=rep").then().statusCode(200)
                .body("talkRatioReference", equalTo(0.43f))
                .body("groups.find { it.key == '" + t.repEast().userId() + "' }.calls", equalTo(2))
                .extract().jsonPath();
        String group = "groups.find { it.key == '" + t.repEast().userId() + "' }";
        List<Double> ratios = List.of(jsonCall, vttCall).stream().map(id -> Double.parseDouble(Db.text(em,
                "select talk_ratio::text from call_analyses where call_id = ?1", id))).toList();
        // Averaged in SQL as numeric: float4's 6 significant digits.
        assertEquals((ratios.get(0) + ratios.get(1)) / 2, aggregates.getDouble(group + ".meanTalkRatio"), 1e-6);
        List<Integer> histogram = aggregates.getList(group + ".talkRatioHistogram", Integer.class);
        assertEquals(10, histogram.size());
        for (double r : ratios) {
            assertTrue(histogram.get(Math.min(9, (int) Math.floor(r * 10))) > 0, r + " not in " + histogram);
        }
        assertEquals(2, histogram.stream().mapToInt(Integer::intValue).sum(), "" + histogram);
        Api.as(t.managerEast().key()).get("/api/v1/calls/aggregates?by=team").then().statusCode(200)
                .body("by", equalTo("team"));
        // since: the calls started then or later (the JSON call started on 5 March, the WebVTT one on 6 March)
        JsonPath sinceSixth = Api.as(t.admin()).queryParam("since", "2026-03-06T00:00:00+01:00")
                .get("/api/v1/calls/aggregates").then().statusCode(200).body(group + ".calls", equalTo(1))
                .extract().jsonPath();
        assertEquals(Instant.parse("2026-03-05T23:00:00Z"), OffsetDateTime.parse(sinceSixth.getString("since"))
                .toInstant());
        assertEquals(ratios.get(1), sinceSixth.getDouble(group + ".meanTalkRatio"), 1e-6);
        Api.as(t.admin()).queryParam("since", "2026-03-07T00:00:00Z").get("/api/v1/calls/aggregates")
                .then().statusCode(200).body("groups.key", not(hasItem(t.repEast().userId())));
        Api.as(t.admin()).queryParam("since", "last monday").get("/api/v1/calls/aggregates").then().statusCode(400)
                .body("detail", containsString("since must be an ISO 8601 time with an offset"));
        // The call-win model served these odds from its files: listed as loaded, with its metrics and curves.
        String callWin = "find { it.name == 'call-win' }";
        Api.as(t.repEast().key()).get("/api/v1/models/served").then().statusCode(200)
                .body("name", hasItem("tone"))
                .body(callWin + ".version", equalTo("v1"))
                .body(callWin + ".state", equalTo("loaded"))
                .body(callWin + ".error", equalTo(null))
                .body(callWin + ".where", containsString("call-win/v1"))
                .body(callWin + ".metrics.dataset.name", equalTo("sales-world-calls"))
                .body(callWin + ".metrics.curves.roc", not(equalTo(null)));
    }

    @Test
    void badTranscriptsAreRefusedWithTheReason() {
        Teams t = Teams.create(keys);
        String lead = unique("lead");
        Api.as(t.admin()).contentType("application/json").body(Map.of("leadId", lead, "utterances", List.of()))
                .post("/api/v1/calls").then().statusCode(400).body("detail", containsString("transcript is empty"));
        Api.as(t.admin()).contentType("application/json").body(Map.of("leadId", lead, "utterances", List.of(
                        u("Sam", "rep", 0, 1000, "Hi"), u("Dana", "prospect", 5000, 4000, "Hi"))))
                .post("/api/v1/calls").then().statusCode(400)
                .body("detail", containsString("utterance 1: negative duration: endMs 4000 is before startMs 5000"))
                .body("errors", hasItem("utterance 1: negative duration: endMs 4000 is before startMs 5000"));
        Api.as(t.admin()).contentType("application/json").body(Map.of("leadId", lead, "utterances", List.of(
                        u("Sam", "host", 0, 1000, "Hi"))))
                .post("/api/v1/calls").then().statusCode(400)
                .body("detail", containsString("utterance 0: unknown role \"host\""));
        Api.as(t.admin()).contentType("text/vtt").queryParam("leadId", lead).queryParam("roles", "Sam:rep")
                .body("WEBVTT\n\n00:00:01.000 -> 00:00:02.000\n<v Sam>Hi\n").post("/api/v1/calls").then()
                .statusCode(400).body("detail", containsString("line 3"));
        Api.as(t.admin()).contentType("text/vtt").queryParam("leadId", lead)
                .body("WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n<v Sam>Hi\n").post("/api/v1/calls").then()
                .statusCode(400).body("detail", containsString("speakers not in the role map"));
        Api.as(t.admin()).contentType("application/json")
                .body(Map.of("utterances", List.of(u("Sam", "rep", 0, 1000, "Hi"))))
                .post("/api/v1/calls").then().statusCode(400).body("detail", containsString("leadId is required"));
        // '}' is the 13th character of line 2.
        Api.as(t.admin()).contentType("application/json").body("{\"segments\": [\n  {\"start\": }]}")
                .post("/api/v1/calls").then().statusCode(400)
                .body("detail", containsString("Not valid JSON at line 2, column 13"));
    }

    /**
     * Stored calls that cannot be analysed leave the queue with the reason and hold up none behind them: one whose
     * utterances are not a list (the analysis itself fails) and one with a speaker in two roles (an invalid
     * transcript), both queued before a good one.
     */
    @Test
    void aCallThatCannotBeAnalysedIsMarkedFailedAndTheOthersGoOn() throws Exception {
        Teams t = Teams.create(keys);
        String broken = unique("call");
        String invalid = unique("call");
        String good = unique("call");
        insertCall(broken, t.eastLead(), "2000-01-01T00:00:00Z", "{\"not\": \"a list\"}");
        insertCall(invalid, t.eastLead(), "2000-01-01T00:00:01Z", JSON.writeValueAsString(List.of(
                u("Sam", "rep", 0, 1000, "Hi"), u("Sam", "prospect", 1500, 2500, "Hello"))));
        insertCall(good, t.eastLead(), "2000-01-01T00:00:02Z", JSON.writeValueAsString(PROPOSAL_CALL));
        await().atMost(WAIT).until(() -> Db.count(em,
                "select count(*) from call_analyses where call_id = ?1", good) == 1);
        assertEquals(0, Db.count(em, "select count(*) from call_analyses where call_id in (?1, ?2)", broken,
                invalid));
        assertTrue(Db.text(em, "select analysis_error from calls where id = ?1", broken)
                .startsWith("analysis failed: "));
        assertTrue(Db.text(em, "select analysis_error from calls where id = ?1", invalid).contains(
                "speaker \"Sam\" is prospect here but"));
        Api.as(t.admin()).get("/api/v1/calls/" + broken).then().statusCode(200).body("status", equalTo("failed"));
        Api.as(t.admin()).get("/api/v1/calls/" + invalid).then().statusCode(200).body("status", equalTo("failed"));
        Api.as(t.admin()).get("/api/v1/calls/" + good).then().statusCode(200).body("status", equalTo("analysed"));
    }

    private void insertCall(String id, String lead, String startedAt, String utterances) {
        QuarkusTransaction.requiringNew().run(() -> em.createNativeQuery("""
                insert into calls (id, lead_id, started_at, duration_ms, utterances, event_id)
                values (?1, ?2, cast(?3 as timestamptz), 1000, cast(?4 as jsonb), ?5)""")
                .setParameter(1, id).setParameter(2, lead).setParameter(3, startedAt).setParameter(4, utterances)
                .setParameter(5, unique("evt")).executeUpdate());
    }

    @Test
    void onlyAdminsChangeTrackers() throws Exception {
        Teams t = Teams.create(keys);
        Map<String, Object> tracker = Map.of("name", unique("security"), "kind", "keyword",
                "phrases", List.of("SOC 2", "pen test"));
        Api.as(t.repEast().key()).contentType("application/json").body(tracker).post("/api/v1/calls/trackers")
                .then().statusCode(403);
        int id = Api.as(t.admin()).contentType("application/json").body(tracker).post("/api/v1/calls/trackers")
                .then().statusCode(201).body("builtIn", equalTo(false)).extract().path("id");
        Api.as(t.admin()).contentType("application/json").body(Map.of("name", "x", "kind", "semantic"))
                .post("/api/v1/calls/trackers").then().statusCode(400).body("detail", containsString("example"));
        JsonPath trackers = Api.as(t.repEast().key()).get("/api/v1/calls/trackers").then().statusCode(200)
                .body("findAll { it.builtIn }.size()", equalTo(14)).extract().jsonPath();
        // What the benchmark and TrackerThresholdTest read from V12 (SeededTrackers) is what the migration seeded.
        for (CallAnalyzer.Tracker seeded : SeededTrackers.parse(Files.readString(
                Path.of("src/main/resources/db/migration/V12__call_analysis.sql")))) {
            String at = "find { it.builtIn && it.name == '%s' && it.kind == '%s' }".formatted(seeded.name(),
                    seeded.kind());
            assertEquals(seeded.phrases(), trackers.getList(at + ".phrases", String.class), at);
            assertEquals(seeded.examples(), trackers.getList(at + ".examples", String.class), at);
            if (CallAnalyzer.Tracker.SEMANTIC.equals(seeded.kind())) {
                assertEquals(seeded.threshold(), trackers.getDouble(at + ".threshold"), 1e-6, at);
            }
        }
        int builtIn = Api.as(t.admin()).get("/api/v1/calls/trackers").then().extract()
                .path("find { it.builtIn }.id");
        Api.as(t.admin()).delete("/api/v1/calls/trackers/" + builtIn).then().statusCode(409);
        Api.as(t.admin()).delete("/api/v1/calls/trackers/" + id).then().statusCode(204);
    }

    /** Numbers equal by value (jsonb may write 1.0 as 1.0 or 1), everything else as usual. */
    private static final Comparator<JsonNode> NUMERIC = (a, b) -> {
        if (a.isNumber() && b.isNumber()) {
            return Math.abs(a.doubleValue() - b.doubleValue()) <= 1e-9 * Math.max(1, Math.abs(a.doubleValue()))
                    ? 0 : 1;
        }
        return a.equals(b) ? 0 : 1;
    };

    private static Utterance u(String speaker, String role, long startMs, long endMs, String text) {
        return new Utterance(speaker, role, startMs, endMs, text);
    }

    private static void post(String admin, List<String> events) {
        Api.as(admin).contentType("application/cloudevents-batch+json").body("[" + String.join(",", events) + "]")
                .post("/api/v1/events").then().statusCode(202);
    }
}
