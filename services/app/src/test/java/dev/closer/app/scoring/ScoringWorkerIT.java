package dev.closer.app.scoring;

import static dev.closer.app.support.Api.unique;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.closer.app.auth.ApiKeyService;
import dev.closer.app.auth.Roles;
import dev.closer.app.support.Api;
import dev.closer.app.support.Db;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Scoring through the queue: events about a lead are debounced into one score, history keeps only changes, an
 * activity that arrives before its lead waits for it, and a quiet lead decays.
 */
@QuarkusTest
class ScoringWorkerIT {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @Inject
    ApiKeyService keys;
    @Inject
    EntityManager em;

    @org.eclipse.microprofile.config.inject.ConfigProperty(name = "closer.models.lead-score-version")
    String served;

    private String admin;

    @BeforeEach
    void key() {
        admin = Api.newKey(keys, Roles.ADMIN, null).key();
    }

    private static String event(String type, String subject, String time, String data) {
        return """
                {"specversion":"1.0","id":"%s","source":"closer/test","type":"%s","subject":"%s","time":"%s",
                 "data":%s}""".formatted(unique("e"), type, subject, time, data);
    }

    private static String lead(String id, String time, String fields) {
        return event("closer.lead.upserted", id, time, "{\"id\":\"%s\"%s}".formatted(id, fields));
    }

    private static String activity(String lead, Instant at, String page) {
        return event("closer.activity.recorded", lead, at.toString(), """
                {"leadId":"%s","type":"page_view","occurredAt":"%s","properties":{"page":"%s"}}"""
                .formatted(lead, at, page));
    }

    private void post(List<String> events) {
        Api.as(admin).contentType("application/cloudevents-batch+json").body("[" + String.join(",", events) + "]")
                .post("/api/v1/events").then().statusCode(202);
    }

    private long count(String sql, Object... params) {
        return Db.count(em, sql, params);
    }

    private long scores(String lead) {
        return count("select count(*) from lead_scores where lead_id = ?1", lead);
    }

    /** Waits until nothing about the lead is queued and what it had was applied. */
    private void drained(String lead, String table, long rows) {
        await().atMost(WAIT).until(() -> count("select count(*) from " + table + " where lead_id = ?1", lead) == rows
                && count("select count(*) from lead_score_queue where lead_id = ?1", lead) == 0);
    }

    @Test
    void shouldScoreABurstOfEventsAboutALeadOnce() {
        String lead = unique("lead");
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        List<String> events = new ArrayList<>(List.of(lead(lead, now.toString(), ",\"websiteVisits\":3")));
        for (int i = 0; i < 12; i++) {
            events.add(activity(lead, now.minus(Duration.ofMinutes(i)), i % 3 == 0 ? "pricing" : "blog"));
        }
        post(events.subList(0, 7));
        post(events.subList(7, events.size()));
        drained(lead, "activities", 12);
        await().atMost(WAIT).until(() -> scores(lead) >= 1);
        assertEquals(1L, scores(lead), "13 events within the debounce time give one score");
    }

    @Test
    void shouldExplainAScoreByTheLeadsTimelineInWordsARepReads() throws Exception {
        java.nio.file.Path features = java.nio.file.Path.of(System.getProperty("closer.models.dir"))
                .resolve("lead-score").resolve(served).resolve("features.json");
        org.junit.jupiter.api.Assumptions.assumeTrue(java.nio.file.Files.readString(features).contains("\"sequence\""),
                "skipped: the served model lead-score/" + served + " reads no activity timeline");
        String lead = unique("lead");
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        List<String> events = new ArrayList<>(List.of(lead(lead, now.toString(),
                ",\"seniority\":\"director\",\"department\":\"data\",\"websiteVisits\":4")));
        for (int i = 0; i < 4; i++) {
            events.add(activity(lead, now.minus(Duration.ofHours(3 + 10 * i)), "pricing"));
        }
        post(events);
        drained(lead, "activities", 4);
        await().atMost(WAIT).until(() -> scores(lead) >= 1);
        List<Map<String, Object>> factors = Api.as(admin).get("/api/v1/leads/" + lead).then().statusCode(200)
                .extract().jsonPath().getList("score.factors");
        Map<String, Object> pricing = factors.stream()
                .filter(f -> f.get("feature").toString().startsWith("activity:page_view")).findFirst()
                .orElseThrow(() -> new AssertionError("the timeline is not among the factors: " + factors));
        assertEquals(4, ((Number) pricing.get("value")).intValue());
        assertTrue(pricing.get("text").toString().endsWith(" 4 times, last 3 hours ago"), pricing.toString());
    }

    @Test
    void shouldKeepAHistoryRowOnlyWhenTheScoreChanges() {
        String lead = unique("lead");
        post(List.of(lead(lead, "2026-03-01T10:00:00Z", ",\"websiteVisits\":0,\"websiteSeconds\":0")));
        await().atMost(WAIT).until(() -> scores(lead) == 1);

        post(List.of(lead(lead, "2026-03-01T11:00:00Z", ",\"websiteVisits\":40,\"websiteSeconds\":5000,"
                + "\"pageViewsPerVisit\":6")));
        await().atMost(WAIT).until(() -> scores(lead) == 2);

        post(List.of(lead(lead, "2026-03-01T12:00:00Z", ",\"websiteVisits\":40,\"websiteSeconds\":5000,"
                + "\"pageViewsPerVisit\":6,\"title\":\"Head of Data\"")));
        await().atMost(WAIT).until(() -> count("select count(*) from leads where id = ?1 and title = 'Head of Data'",
                lead) == 1 && count("select count(*) from lead_score_queue where lead_id = ?1", lead) == 0);
        assertEquals(2L, scores(lead), "a change that leaves the score as it was adds no history row");
    }

    @Test
    void shouldScoreAnActivityThatArrivesBeforeItsLeadOnceTheLeadIsThere() {
        String lead = unique("lead");
        post(List.of(activity(lead, Instant.now().minusSeconds(60), "pricing")));
        drained(lead, "activities", 1);
        assertEquals(0L, scores(lead), "no lead, no score");
        post(List.of(lead(lead, Instant.now().toString(), ",\"websiteVisits\":2")));
        await().atMost(WAIT).until(() -> scores(lead) == 1);
    }

    @Test
    void shouldTakePointsOffALeadThatHasBeenQuietAndSaySo() {
        String lead = unique("lead");
        Instant quiet = Instant.now().minus(Duration.ofDays(74)).truncatedTo(ChronoUnit.SECONDS);
        String fields = ",\"websiteVisits\":12,\"websiteSeconds\":2400,\"pageViewsPerVisit\":4,\"createdAt\":\""
                + quiet.minus(Duration.ofDays(5)) + "\"";
        post(List.of(lead(lead, quiet.toString(), fields), activity(lead, quiet, "pricing")));
        await().atMost(WAIT).until(() -> scores(lead) == 1);

        var score = Api.as(admin).get("/api/v1/leads/" + lead).then().statusCode(200).extract().jsonPath();
        List<Map<String, Object>> factors = score.getList("score.factors");
        Map<String, Object> decay = factors.stream().filter(f -> "decay".equals(f.get("feature"))).findFirst()
                .orElseThrow(() -> new AssertionError("no decay factor in " + factors));
        assertEquals("No activity for 74 days", decay.get("text"));
        // Defaults: 14 days of grace, then a 30-day half-life: 60 days past grace keep a quarter. The factor's
        // points are what decay took off the model's probability.
        double probability = score.getDouble("score.probability");
        double points = ((Number) decay.get("points")).doubleValue();
        assertTrue(points < 0);
        double undecayed = probability - points / 100;
        assertEquals(0.25, probability / undecayed, 0.01, "decayed by two half-lives");
        // The ad-hoc endpoint decays the same payload the same way.
        double adHoc = Api.as(admin).contentType("application/json").body("""
                {"websiteVisits":12,"websiteSeconds":2400,"pageViewsPerVisit":4,
                 "activities":[{"type":"page_view","occurredAt":"%s","properties":{"page":"pricing"}}]}"""
                .formatted(quiet))
                .post("/api/v1/score").then().statusCode(200).extract().jsonPath().getDouble("probability");
        assertEquals(probability, adHoc, 1e-3);
    }
}
