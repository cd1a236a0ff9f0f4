package dev.closer.app.dashboard;

import static dev.closer.app.support.Api.leadEvent;
import static dev.closer.app.support.Api.unique;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.closer.app.auth.ApiKeyService;
import dev.closer.app.support.Api;
import dev.closer.app.support.Db;
import dev.closer.app.support.Teams;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The web UI's read models and live stream keep to what the caller may see. */
@QuarkusTest
class DashboardIT {

    @Inject
    ApiKeyService keys;
    @Inject
    EntityManager em;

    @TestHTTPResource("/")
    URL app;

    private Teams t;

    @BeforeEach
    void world() {
        t = Teams.create(keys);
        post(t.eastLead(), t.repEast().userId(), "Ada");
        post(t.westLead(), t.repWest().userId(), "Bob");
        String activity = """
                {"specversion":"1.0","id":"%s","source":"closer/test","type":"closer.activity.recorded",
                 "subject":"%s","time":"2026-03-02T10:00:00Z","datacontenttype":"application/json",
                 "data":{"id":"%s","leadId":"%s","type":"page_view","occurredAt":"2026-03-02T10:00:00Z",
                         "properties":{"page":"pricing"}}}""".formatted(unique("evt"), t.eastLead(), unique("act"), t.eastLead());
        Api.as(t.admin()).contentType("application/cloudevents+json").body(activity).post("/api/v1/events").then()
                .statusCode(202);
        await().atMost(Duration.ofSeconds(30)).until(() -> scored(t.eastLead()) && scored(t.westLead())
                && count("select count(*) from activities where lead_id = ?1", t.eastLead()) == 1);
    }

    private void post(String lead, String owner, String name) {
        Api.as(t.admin()).contentType("application/cloudevents+json").body(leadEvent(unique("evt"), lead,
                        "2026-03-01T10:00:00Z", "\"ownerId\":\"" + owner + "\",\"firstName\":\"" + name + "\""))
                .post("/api/v1/events").then().statusCode(202);
    }

    private boolean scored(String lead) {
        return count("select count(*) from lead_scores where lead_id = ?1", lead) > 0;
    }

    private long count(String sql, Object... params) {
        return Db.count(em, sql, params);
    }

    @Test
    void shouldShowARepTheirOwnLeadsAndAManagerTheirTeamsInTheLeadTable() {
        Api.as(t.repEast().key()).get("/api/v1/dashboard/leads?status=&limit=500").then().statusCode(200)
                .body("items.ownerId", everyItem(equalTo(t.repEast().userId())))
                .body("items.id", hasItem(t.eastLead())).body("items.id", not(hasItem(t.westLead())))
                .body("owners.id", equalTo(List.of(t.repEast().userId())));
        Api.as(t.managerEast().key()).get("/api/v1/dashboard/leads?status=&limit=500").then().statusCode(200)
                .body("items.id", hasItem(t.eastLead())).body("items.id", not(hasItem(t.westLead())));
        Api.as(t.admin()).get("/api/v1/dashboard/leads?status=&limit=500&q=" + t.westLead()).then().statusCode(200)
                .body("total", equalTo(1)).body("items[0].id", equalTo(t.westLead()))
                .body("items[0].ownerId", equalTo(t.repWest().userId()));
    }

    @Test
    void shouldSortFilterAndRefuseWhatItDoesNotKnow() {
        Api.as(t.repEast().key()).get("/api/v1/dashboard/leads?sort=lastActivity&dir=desc&status=open").then()
                .statusCode(200).body("items[0].id", equalTo(t.eastLead()))
                .body("items[0].lastActivityAt", containsString("2026-03-02"));
        // Sorted by score, the last activity is read for the page's rows only: still there, and the rows keep the
        // sort's order (this test's two leads at least, and the leads of the tests that ran before).
        Api.as(t.repEast().key()).get("/api/v1/dashboard/leads?sort=score&dir=desc&status=open").then()
                .statusCode(200).body("items[0].id", equalTo(t.eastLead()))
                .body("items[0].lastActivityAt", containsString("2026-03-02"));
        List<Integer> scores = Api.as(t.admin()).get("/api/v1/dashboard/leads?sort=score&dir=desc&status=&limit=200")
                .then().statusCode(200).extract().jsonPath().getList("items.score");
        assertTrue(scores.size() >= 2, "too few leads to see an order: " + scores);
        for (int i = 1; i < scores.size(); i++) {
            Integer before = scores.get(i - 1);
            Integer here = scores.get(i);
            assertTrue(here == null || before != null && before >= here, "not sorted by score at " + i + ": " + scores);
        }
        Api.as(t.repEast().key()).get("/api/v1/dashboard/leads?sort=drop table").then().statusCode(400)
                .contentType("application/problem+json").body("detail", containsString("sort must be one of"))
                .body("instance", equalTo("/api/v1/dashboard/leads")); // the full path, /api included
        Api.as(t.repEast().key()).get("/api/v1/dashboard/leads?grade=Z").then().statusCode(400);
        Api.as(t.admin()).get("/api/v1/dashboard/leads?status=&q=%25").then().statusCode(200) // % is text, not a wildcard
                .body("total", equalTo(0));
        // past the last page: no rows, and still the real count (not a placeholder)
        Api.as(t.repEast().key()).get("/api/v1/dashboard/leads?status=&offset=50").then().statusCode(200)
                .body("items", hasSize(0)).body("total", equalTo(1));
    }

    @Test
    void shouldGiveTheTimelineToThoseWhoMaySeeTheLeadOnly() {
        Api.as(t.repEast().key()).get("/api/v1/leads/" + t.eastLead() + "/activities").then().statusCode(200)
                .body("[0].kind", equalTo("activity")).body("[0].type", equalTo("page_view"))
                .body("[0].properties.page", equalTo("pricing"));
        Api.as(t.repWest().key()).get("/api/v1/leads/" + t.eastLead() + "/activities").then().statusCode(403)
                .contentType("application/problem+json");
        Api.as(t.repWest().key()).get("/api/v1/leads/" + unique("nobody") + "/activities").then().statusCode(404);
    }

    private void deal(String id, String stage, String time, double amount) {
        Api.as(t.admin()).contentType("application/cloudevents+json").body("""
                {"specversion":"1.0","id":"%s","source":"closer/test","type":"closer.deal.upserted","subject":"%s",
                 "time":"%s","datacontenttype":"application/json",
                 "data":{"id":"%s","name":"Deal %s","stage":"%s","amount":%s,"ownerId":"%s"}}"""
                .formatted(unique("evt"), id, time, id, id, stage, amount, t.repEast().userId()))
                .post("/api/v1/events").then().statusCode(202);
    }

    private void delete(String type, String id) {
        Api.as(t.admin()).contentType("application/cloudevents+json").body("""
                {"specversion":"1.0","id":"%s","source":"closer/test","type":"closer.%s.deleted","subject":"%s",
                 "time":"2026-03-04T10:00:00Z","data":{"id":"%s"}}""".formatted(unique("evt"), type, id, id))
                .post("/api/v1/events").then().statusCode(202);
    }

    @Test
    void shouldCountTheOverviewOverTheCallersLeadsAndDeals() {
        // One deal went discovery -> demo and was lost; another was created at proposal: both passed demo.
        String lost = unique("deal");
        String skipped = unique("deal");
        deal(lost, "discovery", "2026-03-01T10:00:00Z", 500);
        deal(lost, "demo", "2026-03-02T10:00:00Z", 500);
        deal(lost, "closed_lost", "2026-03-03T10:00:00Z", 500);
        deal(skipped, "proposal", "2026-03-01T10:00:00Z", 1000);
        // deleted ones are left out: a deal that had reached negotiation, and a second lead of the rep
        String deletedDeal = unique("deal");
        deal(deletedDeal, "negotiation", "2026-03-01T10:00:00Z", 9000);
        String deletedLead = unique("lead");
        post(deletedLead, t.repEast().userId(), "Gone");
        await().atMost(Duration.ofSeconds(30)).until(() -> count(
                "select count(*) from deal_stages where deal_id in (?1, ?2)", lost, skipped) == 4
                && count("select count(*) from deals where id = ?1", deletedDeal) == 1
                && count("select count(*) from leads where id = ?1", deletedLead) == 1);
        delete("deal", deletedDeal);
        delete("lead", deletedLead);
        await().atMost(Duration.ofSeconds(30)).until(() -> count(
                "select count(*) from deals where id = ?1 and deleted_at is not null", deletedDeal)
                + count("select count(*) from leads where id = ?1 and deleted_at is not null", deletedLead) == 2);
        Api.as(t.repEast().key()).get("/api/v1/dashboard/overview").then().statusCode(200)
                .body("scoredLeads", equalTo(1))
                .body("statuses.count.sum()", equalTo(1))
                .body("funnel.stage", equalTo(List.of("discovery", "demo", "proposal", "negotiation", "closed_won")))
                .body("funnel.reached", equalTo(List.of(2, 2, 1, 0, 0)))
                .body("funnel.open", equalTo(List.of(0, 0, 1, 0, 0)))
                // no amount: the deals page sums them per currency
                .body("funnel.findAll { it.containsKey('openAmount') }", hasSize(0));
        Api.as(t.repWest().key()).get("/api/v1/dashboard/overview").then().statusCode(200)
                .body("funnel.reached", equalTo(List.of(0, 0, 0, 0, 0)));
    }

    @Test
    void shouldGiveTheOrganisationsDailyFiguresToAdminsOnly() {
        Api.as(t.repEast().key()).get("/api/v1/dashboard/daily").then().statusCode(403);
        QuarkusTransaction.requiringNew().run(() -> em.createNativeQuery("""
                insert into daily_lead_stats (day, leads_created, leads_converted, leads_disqualified, open_leads,
                                              activities, emails_sent, replies, scored_leads, mean_score, grade_a,
                                              grade_b, grade_c, grade_d)
                select current_date - d, 5 + d, 1, 2, 40, 30, 20, 3, 38, 61.5, 4, 10, 14, 10
                  from (values (2), (7)) as v (d)
                on conflict (day) do update set leads_created = excluded.leads_created, mean_score = 61.5,
                                                open_leads = 40, grade_a = 4""").executeUpdate());
        String inWindow = LocalDate.now().minusDays(2).toString();
        String outside = LocalDate.now().minusDays(7).toString();
        Api.as(t.admin()).get("/api/v1/dashboard/daily?days=7").then().statusCode(200)
                .body("day", hasItem(inWindow)).body("day", not(hasItem(outside))) // the last 7 days: today and 6
                .body("find { it.day == '" + inWindow + "' }.leadsCreated", equalTo(7))
                .body("find { it.day == '" + inWindow + "' }.openLeads", equalTo(40))
                .body("find { it.day == '" + inWindow + "' }.meanScore", equalTo(61.5f))
                .body("find { it.day == '" + inWindow + "' }.gradeA", equalTo(4));
        Api.as(t.admin()).get("/api/v1/dashboard/daily?days=0").then().statusCode(400);
    }

    @Test
    void shouldStreamNewScoresOfTheRepsOwnLeadsOnlyAndNeverWithoutAToken() throws Exception {
        io.restassured.RestAssured.given().get("/api/v1/leads/scores/stream?token=nope").then().statusCode(401)
                .contentType("application/problem+json");
        io.restassured.RestAssured.given().post("/api/v1/leads/scores/stream-token").then().statusCode(401);
        String token = Api.as(t.repEast().key()).post("/api/v1/leads/scores/stream-token").then().statusCode(200)
                .extract().path("token");

        List<String> lines = new CopyOnWriteArrayList<>();
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<java.io.InputStream> res = http.send(HttpRequest.newBuilder(URI.create(app.toString()
                        + "api/v1/leads/scores/stream?token=" + token)).header("Accept", "text/event-stream").build(),
                HttpResponse.BodyHandlers.ofInputStream());
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(res.body(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    lines.add(line);
                }
            } catch (java.io.IOException e) {
                // closed at the end of the test
            }
        });
        reader.setDaemon(true);
        reader.start();
        Thread.sleep(2500); // the feed starts from the scores written after the stream opened (next poll)

        String mine = unique("lead");
        String theirs = unique("lead");
        post(theirs, t.repWest().userId(), "Theirs");
        post(mine, t.repEast().userId(), "Mine");
        await().atMost(Duration.ofSeconds(30)).until(() -> lines.stream().anyMatch(l -> l.contains(mine)));
        await().atMost(Duration.ofSeconds(30)).until(() -> scored(theirs));
        Thread.sleep(2500); // a poll after the other rep's score was written
        res.body().close();
        assertFalse(lines.stream().anyMatch(l -> l.contains(theirs)), "a rep was streamed another rep's lead");
    }
}
